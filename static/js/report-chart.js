// Emissions and intensity by year against the target path (annual report page). Data: #report-chart-data.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-chart-data");
    var node = document.getElementById("report-chart");
    if (!source || !node || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(node);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.total, data.labels.intensity, data.labels.path] },
      xAxis: { type: "category", data: data.years },
      yAxis: [{ type: "value", name: data.labels.total }, { type: "value", name: data.labels.intensity }],
      series: [
        { name: data.labels.total, type: "bar", data: data.totals },
        { name: data.labels.intensity, type: "line", yAxisIndex: 1, data: data.intensities },
        { name: data.labels.path, type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" }, data: data.path_intensity, connectNulls: true }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
