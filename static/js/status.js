// Poll the status every two seconds until the report is ready (then open it) or scoring failed
// (then say so). Without JavaScript, a <noscript> refresh reloads the page instead.
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box) return;
  var waiting = ["submitted", "scoring"];
  if (waiting.indexOf(box.dataset.status) === -1) return;
  var message = document.getElementById("status-message");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.ready) { window.location.assign(state.report_url); return; }
        message.textContent = state.message;
        if (state.failed) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 2000);
})();
