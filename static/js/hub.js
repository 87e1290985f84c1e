// hub.js: progressive enhancement only. Every page works without it.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Run fn once the calls stop for ms (typing, resizing).
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function announce(text) {
    var region = document.getElementById("live-status");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  // Move focus to the error summary so keyboard and screen-reader users hear what to fix.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  // Close the account menu with Escape and return focus to its toggle.
  function wireAccountMenu() {
    var menu = document.querySelector(".account-menu");
    if (!menu) { return; }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // A form marked data-confirm (a step hard to take back, like archiving a channel) asks first.
  function wireConfirmations() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    }, true);
  }

  function connectSocket() {
    if (!document.body.dataset.userId || typeof window.io !== "function") { return; }
    // Websocket only: works behind several server processes without sticky sessions.
    var socket = window.io({ transports: ["websocket"] });
    window.hubSocket = socket;
    socket.on("hello", function () { document.body.dataset.socket = "connected"; });
    socket.on("disconnect", function () { document.body.dataset.socket = "disconnected"; });
    socket.on("session_ended", function () {
      // Another session signed this account out everywhere (or it was deactivated).
      fetch("/api/v1/me", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 401) { window.location.assign("/login"); }
          else { window.location.reload(); }
        });
    });
    socket.on("space_access_ended", function (payload) {
      // Removed from (or left) the space this page shows: take its content off the screen now.
      var here = document.body.dataset.spaceId;
      if (payload && here && String(payload.space_id) === here) {
        var main = document.getElementById("main");
        if (main) { main.textContent = ""; }
        window.location.reload();
      }
    });
    socket.on("notification", function (payload) {
      var badge = document.getElementById("notification-count");
      if (badge && payload && typeof payload.unread === "number") {
        badge.textContent = payload.unread ? String(payload.unread) : "";
      }
      if (payload && payload.text) { announce(payload.text); }
    });
  }

  window.hub = { csrfToken: csrfToken, announce: announce, debounce: debounce };
  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    wireAccountMenu();
    wireConfirmations();
    connectSocket();
  });
})();
