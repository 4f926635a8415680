// Confirm destructive actions; works without it (the server validates everything).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Keep what the user typed in a form marked data-autosave in this browser until it has been saved,
// so that a session timeout or a lost connection does not lose work. Offered back on the next visit.
(function () {
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "file" && el.type !== "submit";
    });
  }
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var key = "portal-draft:" + form.dataset.autosave;
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var hasErrors = document.querySelector(".errorlist, .messages .error");
    if (document.querySelector(".messages .success") && !hasErrors) {
      // The server confirmed the save: the browser copy is no longer needed.
      window.localStorage.removeItem(key);
      saved = null;
    }
    if (saved && !hasErrors) {
      var bar = document.createElement("ul");
      bar.className = "messages";
      bar.innerHTML = '<li class="info">本浏览器中有尚未保存的填写内容（' + saved.at + '）。' +
        ' <button type="button" class="link" data-restore>恢复</button>　<button type="button" class="link" data-discard>放弃</button></li>';
      form.parentNode.insertBefore(bar, form);
      bar.querySelector("[data-restore]").onclick = function () {
        fields(form).forEach(function (el) {
          if (!(el.name in saved.values)) return;
          if (el.type === "checkbox") { el.checked = saved.values[el.name] === true; }
          else if (el.type === "radio") { el.checked = saved.values[el.name] === el.value; }
          else { el.value = saved.values[el.name]; }
        });
        bar.remove();
      };
      bar.querySelector("[data-discard]").onclick = function () { window.localStorage.removeItem(key); bar.remove(); };
    }
    form.addEventListener("input", function () {
      var values = {};
      fields(form).forEach(function (el) {
        if (el.type === "checkbox") { values[el.name] = el.checked; }
        else if (el.type === "radio") { if (el.checked) values[el.name] = el.value; }
        else { values[el.name] = el.value; }
      });
      window.localStorage.setItem(key, JSON.stringify({ at: new Date().toLocaleString("zh-CN"), values: values }));
    });
  });
})();

// A select marked data-autosubmit submits its form on change (the language switch); without
// JavaScript the form's own button does it.
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// At phone width every data table is shown as one card per row (portal.css). Each value keeps its
// column's label: copied here from the table's header into data-label, unless the template wrote one.
// A table with no header row, or marked data-no-cards, keeps scrolling inside its own box instead.
function labelTableCells(root) {
  (root || document).querySelectorAll("table.data:not([data-no-cards])").forEach(function (table) {
    var headRows = table.tHead ? table.tHead.rows : [];
    if (!headRows.length) return;
    var labels = [];
    Array.prototype.forEach.call(headRows[headRows.length - 1].cells, function (th) {
      var text = th.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) labels.push(text);
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && labels[column] !== undefined) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("cards");
  });
}
labelTableCells(document);
document.addEventListener("htmx:afterSwap", function (event) {
  var table = event.target.closest && event.target.closest("table.data");
  labelTableCells(table ? table.parentNode : event.target);
});

// A box that scrolls sideways (a wide table at phone width, a .scroll wrapper) must be reachable by
// keyboard to be read: give it a tab stop while it actually scrolls.
function focusScrollers() {
  document.querySelectorAll(".scroll, table.data:not(.cards)").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
    }
  });
}
focusScrollers();
window.addEventListener("resize", focusScrollers);
