// The completeness chart of a dispatch: per city, pilots expected, answered and answered on time.
// Data from the <script type="application/json" id="dispatch-completeness-data"> block (json_script).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("dispatch-completeness-chart");
    var source = document.getElementById("dispatch-completeness-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.expected, data.labels.answered, data.labels.on_time] },
      grid: { left: 40, right: 20, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: data.cities, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.expected, type: "bar", data: data.expected, itemStyle: { color: "#b0bec5" } },
        { name: data.labels.answered, type: "bar", data: data.answered, itemStyle: { color: "#1565c0" } },
        { name: data.labels.on_time, type: "bar", data: data.on_time, itemStyle: { color: "#2e7d32" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
