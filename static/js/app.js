/* Small behaviours on top of server-rendered pages. Every page works without this file. */
(function () {
  "use strict";

  // After htmx swaps in an outcome (a confirmation or a refusal), move keyboard focus to it,
  // as a full page load would put the reader at its message rather than at the page body.
  document.addEventListener("htmx:afterSettle", function () {
    var outcome = document.querySelector("[data-focus-after-swap]");
    if (outcome) {
      outcome.removeAttribute("data-focus-after-swap");
      outcome.focus();
    }
  });

  // After a full page load that answers an action, put focus where a reader should start: the
  // page's message ("Thank you. Invoice #3 is paid."), else the form's own error, else the
  // first field the server marked invalid.
  document.addEventListener("DOMContentLoaded", function () {
    var outcome =
      document.querySelector("[data-focus-on-load]") ||
      document.querySelector("main .errorlist.nonfield") ||
      document.querySelector('main [aria-invalid="true"]');
    if (outcome) {
      if (!outcome.hasAttribute("tabindex") && !outcome.matches("input, select, textarea")) {
        outcome.setAttribute("tabindex", "-1");
      }
      outcome.focus();
    }
  });

  // Escape closes an open menu (<details class="dropdown">) and returns focus to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll("details.dropdown[open]");
    open.forEach(function (menu) {
      menu.removeAttribute("open");
      if (menu.contains(document.activeElement)) {
        menu.querySelector("summary").focus();
      }
    });
  });
})();
