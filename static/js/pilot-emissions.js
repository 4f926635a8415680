// Emissions (total) and intensity by year against the target path, on the pilot page. The data is the
// accessible table #pilot-emissions-table itself (data-* attributes of its rows): the chart never shows a
// figure the table does not. The section is swapped in by htmx (whose config strips <script> elements,
// so no json_script here); it is drawn on load and after every swap.
(function () {
  "use strict";
  function num(value) { return value === "" || value === undefined ? null : parseFloat(value); }
  function draw() {
    var table = document.getElementById("pilot-emissions-table");
    var node = document.getElementById("pilot-emissions-chart");
    if (!table || !node || !window.echarts || node.getAttribute("data-drawn")) { return; }
    var rows = table.querySelectorAll("tbody tr");
    var years = [], totals = [], intensities = [], path = [];
    for (var i = 0; i < rows.length; i++) {
      years.push(rows[i].getAttribute("data-year"));
      totals.push(num(rows[i].getAttribute("data-total")));
      intensities.push(num(rows[i].getAttribute("data-intensity")));
      path.push(num(rows[i].getAttribute("data-path")));
    }
    var labels = {
      total: table.getAttribute("data-label-total"),
      intensity: table.getAttribute("data-label-intensity"),
      path: table.getAttribute("data-label-path")
    };
    var chart = window.echarts.init(node);
    node.setAttribute("data-drawn", "1");
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [labels.total, labels.intensity, labels.path] },
      grid: { containLabel: true },
      xAxis: { type: "category", data: years },
      yAxis: [{ type: "value", name: labels.total }, { type: "value", name: labels.intensity }],
      series: [
        { name: labels.total, type: "bar", data: totals },
        { name: labels.intensity, type: "line", yAxisIndex: 1, data: intensities },
        { name: labels.path, type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" }, data: path, connectNulls: true }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
