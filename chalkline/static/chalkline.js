// Chalkline's only script: keep keyboard and screen-reader users oriented after htmx swaps.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.id) { return; }
    var region = document.getElementById(target.id);
    if (!region) { return; }
    var heading = region.querySelector("h2, h3");
    var live = document.getElementById("live-region");
    if (live && heading) { live.textContent = heading.textContent.trim(); }
    // Move focus only when the swap came from a click or submit, not while the user types.
    var active = document.activeElement;
    if (!active || active.tagName !== "INPUT") {
      if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "-1"); }
      region.focus();
    }
  });
})();
