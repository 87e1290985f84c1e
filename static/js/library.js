// A resource page whose reader loses the resource (moved somewhere narrower, hidden, deleted)
// takes it off the screen at once: the reload then answers as the policy now does.
(function () {
  "use strict";
  function wire() {
    var here = document.body.dataset.resourceId;
    if (!here || !window.hubSocket) { return; }
    window.hubSocket.on("library_changed", function (payload) {
      if (payload && String(payload.resource_id) === here) {
        var main = document.getElementById("main");
        if (main) { main.textContent = ""; }
        window.location.reload();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // The socket is opened by hub.js on the same event; wait one tick for it.
    window.setTimeout(wire, 0);
  });
})();
