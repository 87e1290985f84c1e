// menu.js: on a narrow screen the site menu folds behind the Menu button (a disclosure: Enter or
// Space opens it, Escape closes it and returns focus to the button). Without scripts, or on a
// wide screen, the menu is simply open.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 43.75rem)");

  function setUp() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }

    function show(open) {
      menu.classList.toggle("folded", !open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function fit() {
      button.hidden = !narrow.matches;
      show(!narrow.matches);
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      show(open);
      if (open) { var first = menu.querySelector("a, button, input"); if (first) { first.focus(); } }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches) { show(false); button.focus(); }
    });
    narrow.addEventListener("change", fit);
    fit();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
