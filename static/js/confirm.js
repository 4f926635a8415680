// Confirmation of consequential actions: a form marked data-confirm (see templates/partials/actions.html),
// or the submit button that was pressed (e.g. 提交评分, whose form also saves drafts without asking).
// Without JavaScript the form carries a required "I confirm" check box: a two-step in the browser.
// With it, the check box is hidden and a dialog asks instead, with the same text.
(function () {
  function init() {
    document.querySelectorAll("form[data-confirm] input[data-confirm-check]").forEach(function (box) {
      box.required = false;
      box.hidden = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Capture phase on window: asked once here, the event does not reach other confirm handlers.
  window.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var button = event.submitter;
      var text = (button && button.dataset.confirm) || form.dataset.confirm;
      if (!text) return;
      event.stopPropagation();
      if (!window.confirm(text)) {
        event.preventDefault();
        return;
      }
      var box = form.querySelector("input[data-confirm-check]");
      if (box) box.checked = true;
    },
    true
  );
})();
