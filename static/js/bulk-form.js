// The sender bulk form shows only the fields the chosen action needs. Progressive
// enhancement: without this script every field shows and the form still works; the
// server ignores the fields an action does not use. Hidden fields are disabled so they
// are not submitted either.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var action = form.querySelector("#bulk-action");

  function update() {
    var chosen = action.value;
    form.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      var wanted = el.getAttribute("data-bulk-for").split(" ").indexOf(chosen) !== -1;
      el.hidden = !wanted;
      el.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !wanted;
      });
    });
  }

  action.addEventListener("change", update);
  update();
}());
