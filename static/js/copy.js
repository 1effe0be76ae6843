// Copy buttons: <button data-copy-target="ID"> copies the text of the element #ID.
// A static file because the CSP forbids inline scripts.
(function () {
  if (window.readinessCopyReady) { return; }
  window.readinessCopyReady = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(target.textContent).then(function () {
      var label = button.textContent;
      // The word comes from the page (base.html), in the page's language.
      button.textContent = document.body.getAttribute("data-copied-label") || "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();
