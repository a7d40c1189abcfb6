// The header menu on small screens: a button that shows and hides the header's links.
// Without JavaScript the button stays hidden and the links are always shown.
(function () {
  "use strict";

  function setup(button) {
    var header = button.closest(".app-header");
    if (!header) return;

    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-closed", !open);
    }

    button.hidden = false;
    header.classList.add("has-menu");
    set(false);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      // An open dropdown inside the menu (Practice) closes first, on its own.
      if (event.target.closest && event.target.closest("details[open]")) return;
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-menu-toggle]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
