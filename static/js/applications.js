// The application form: on a narrow screen the section navigation starts collapsed above the content
// (it is open, and works, without JavaScript).
(function () {
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
    details.open = false;
  });
})();
