// The province's overview: report status and target status at a glance, and reports by city.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("overview-chart-data");
    var node = document.getElementById("overview-chart");
    if (!source || !node || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var series = Object.keys(data.by_city).map(function (name) {
      return { name: name, type: "bar", stack: "reports", xAxisIndex: 0, yAxisIndex: 0, data: data.by_city[name] };
    });
    series.push({ type: "pie", radius: ["20%", "35%"], center: ["85%", "30%"], data: data.reports });
    series.push({ type: "pie", radius: ["20%", "35%"], center: ["85%", "75%"], data: data.targets });
    var chart = window.echarts.init(node);
    chart.setOption({
      tooltip: {},
      legend: { data: Object.keys(data.by_city) },
      grid: { right: "32%" },
      xAxis: { type: "category", data: data.cities },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
