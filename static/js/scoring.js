// Running weighted total on the expert's scoring form. The server computes the same total after each
// save (reviews.views_expert.running_total), so the page works without this script.
//   total = 100 × Σ w·(s/max) / Σ w over the criteria scored so far; "不适用" and blanks are left out
//   (never counted as zero), their weight shared by the others.
(function () {
  var form = document.querySelector("form[data-testid=score-form]");
  if (!form) return;
  var output = document.getElementById("running-total");
  var line = document.querySelector("[data-testid=total-line]");
  var label = document.getElementById("running-label");
  var count = document.getElementById("running-count");
  var of = document.getElementById("running-of");
  var note = document.getElementById("running-note");
  var baseNote = note.textContent;
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
    // "x / 已评 n 项": the weighted score of what is scored so far; the total only once all are in.
    var complete = answered === rows.length;
    line.classList.toggle("partial", !complete);
    line.classList.toggle("final", complete);
    label.textContent = complete ? line.dataset.labelFinal : line.dataset.labelPartial;
    count.textContent = line.dataset.count.replace("{n}", answered);
    of.textContent = complete ? "" : line.dataset.of;
    note.textContent = invalid ? line.dataset.invalid.replace("{n}", invalid) + baseNote : baseNote;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();

  // 提交评分 reveals the others' scores: static/js/confirm.js (on every page) asks its data-confirm.
})();
