// Confirmation of consequential actions (forms marked data-confirm, see templates/partials/actions.html).
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
      if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
      event.stopPropagation();
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      var box = form.querySelector("input[data-confirm-check]");
      if (box) box.checked = true;
    },
    true
  );
})();
