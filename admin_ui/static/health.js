// Health dashboard: reload the panel every few seconds (no library; the page works without it too).
(function () {
  "use strict";
  var panel = document.getElementById("health-panel");
  if (!panel || !window.fetch) { return; }
  var src = panel.getAttribute("data-src");
  var interval = parseInt(panel.getAttribute("data-interval"), 10) || 5000;
  var busy = false;
  function tick() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(src, { headers: { "X-Fragment": "1" }, credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403) {
          panel.insertAdjacentHTML("afterbegin", '<div class="notice notice-error" role="alert">Your session has ended: reload the page to sign in again.</div>');
          clearInterval(timer);
          return null;
        }
        return r.ok ? r.text() : null;
      })
      .then(function (html) { if (html !== null && html !== undefined) { panel.innerHTML = html; } })
      .catch(function () { /* keep the last panel; try again next tick */ })
      .then(function () { busy = false; });
  }
  var timer = setInterval(tick, interval);
})();
