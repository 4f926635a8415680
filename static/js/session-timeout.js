// Idle timeout warning (docs/security.md, Sessions): PORTAL_SESSION_WARN_SECONDS before the session
// ends for inactivity, a dialog offers to stay signed in; at the end the page goes to the login page.
// The server decides: before warning or leaving, the page asks /accounts/session/ how long is left
// (another tab may have kept the session alive). No inline script: loaded with src from base.html.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-session-url");
  if (!url) { return; }
  var idle = parseInt(body.getAttribute("data-session-idle"), 10);
  var warn = parseInt(body.getAttribute("data-session-warn"), 10);
  var loginUrl = body.getAttribute("data-session-login");
  var dialog = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  var countdown = document.getElementById("session-countdown");
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : body.getAttribute("data-csrf");
  }

  function leave() {
    window.location.href = loginUrl + "?expired=idle&next=" + encodeURIComponent(window.location.pathname);
  }

  function hide() {
    if (dialog) { dialog.hidden = true; }
    if (ticker) { window.clearInterval(ticker); ticker = null; }
  }

  function show() {
    if (!dialog) { return; }
    dialog.hidden = false;
    if (stay) { stay.focus(); }
    ticker = window.setInterval(function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (countdown) { countdown.textContent = String(left); }
    }, 1000);
  }

  function schedule(remaining) {
    if (timer) { window.clearTimeout(timer); }
    deadline = Date.now() + remaining * 1000;
    if (remaining <= 0) { leave(); return; }
    if (remaining > warn) {
      hide();
      timer = window.setTimeout(check, (remaining - warn) * 1000);
    } else {
      show();
      timer = window.setTimeout(check, remaining * 1000);
    }
  }

  function ask(method) {
    var options = { method: method, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } };
    if (method === "POST") { options.headers["X-CSRFToken"] = csrf(); }
    return fetch(url, options).then(function (response) { return response.json(); });
  }

  function check() {
    ask("GET").then(function (state) {
      if (!state.authenticated) { leave(); return; }
      schedule(state.remaining);
    }).catch(function () { schedule(Math.max(0, Math.round((deadline - Date.now()) / 1000))); });
  }

  if (stay) {
    stay.addEventListener("click", function () {
      ask("POST").then(function (state) {
        if (!state.authenticated) { leave(); return; }
        schedule(state.remaining);
      });
    });
  }
  // Every htmx request counts as activity on the server: start again from the full period.
  document.addEventListener("htmx:afterRequest", function () { schedule(idle); });
  schedule(idle);
})();
