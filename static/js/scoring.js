// Running weighted total on the expert's scoring form. The server computes the same total after each
// save (reviews.views_expert.running_total), so the page works without this script.
//   total = 100 × Σ w·(s/max) / Σ w over the criteria scored so far; "不适用" and blanks are left out
//   (never counted as zero), their weight shared by the others.
(function () {
  var form = document.querySelector("form[data-testid=score-form]");
  if (!form) return;
  var output = document.getElementById("running-total");
  var note = document.getElementById("running-note");
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-criterion]"));

  function parse(text) {
    text = (text || "").trim();
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
    return parseFloat(text);
  }

  function update() {
    var numerator = 0, weights = 0, answered = 0, invalid = 0;
    rows.forEach(function (row) {
      var input = row.querySelector("input[type=number]");
      var na = row.querySelector("input[data-na]");
      var comment = row.querySelector("textarea");
      var max = parseFloat(row.dataset.max), weight = parseFloat(row.dataset.weight);
      input.disabled = !!(na && na.checked) || form.querySelector("fieldset").disabled;
      row.classList.remove("invalid", "extreme");
      if (na && na.checked) { answered += 1; return; }
      if (!input.value.trim()) return;
      var value = parse(input.value);
      if (value === null || value > max) { row.classList.add("invalid"); invalid += 1; return; }
      answered += 1;
      numerator += weight * value / max;
      weights += weight;
      if ((value <= parseFloat(row.dataset.low) || value >= parseFloat(row.dataset.high)) && !comment.value.trim()) {
        row.classList.add("extreme");
      }
    });
    output.textContent = weights > 0 ? (Math.round(numerator / weights * 10000) / 100).toFixed(2) : "—";
    var text = "已评 " + answered + " / " + rows.length + " 项";
    if (answered < rows.length) text += "，暂按已评项计算";
    if (invalid) text += "；有 " + invalid + " 项分值超出范围或格式有误";
    note.textContent = text + "；“不适用”项不计入，其权重由其余各项按比例分摊。";
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
