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
      var bar = document.createElement("div");
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
