// Chalkline's only script: keep keyboard and screen-reader users oriented after htmx swaps.
(function () {
  "use strict";
  function inField(element) {
    if (!element) { return false; }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.id) { return; }
    var region = document.getElementById(target.id);
    if (!region) { return; }
    var heading = region.querySelector("h2, h3");
    var live = document.getElementById("live-region");
    if (live && heading) { live.textContent = heading.textContent.trim(); }
    // Move focus only when the swap came from a click or submit, never while the user is in a
    // field: a check that answers as someone types in a text area (the composer's message) or
    // picks from a list would otherwise take their next keystrokes away from it.
    var active = document.activeElement;
    if (!inField(active)) {
      if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "-1"); }
      region.focus();
    }
  });

  // A list of checkboxes with a text box that narrows it (the box is hidden without JavaScript,
  // where the whole list shows). Ticked boxes always stay in view.
  function listFilter(box) {
    var list = document.getElementById(box.getAttribute("data-list-filter"));
    var input = box.querySelector("input");
    if (!list || !input) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase();
      list.querySelectorAll(".choice").forEach(function (choice) {
        var tick = choice.querySelector("input");
        var match = !words || choice.textContent.toLowerCase().indexOf(words) !== -1;
        choice.hidden = !(match || (tick && tick.checked));
      });
    });
  }
  document.querySelectorAll("[data-list-filter]").forEach(listFilter);
})();
