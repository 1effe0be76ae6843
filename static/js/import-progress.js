// Polls an import's JSON status and moves the progress bar; reloads the page when the
// work is done so the server renders the preview or the result. Without JS the page's
// meta refresh does the same job, more slowly.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var label = document.getElementById("import-status-label");

  function show(status) {
    var pct = String(status.percent) + "%";
    bar.style.width = pct;
    bar.textContent = pct;
    meter.setAttribute("aria-valuenow", String(status.percent));
    if (label) { label.textContent = status.status_label; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        show(status);
        if (status.running) { window.setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
}());
