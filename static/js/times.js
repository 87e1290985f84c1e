// times.js: times in the person's own zone, and recent ones as relative words ("5 minutes ago").
// The server renders every <time datetime="…Z"> in the person's zone and language (hub.templating);
// here a time under a week old reads relative, with the full time kept as its title, and the words
// refresh each minute. Times built live (static/js/chat/render.js) ask window.hubTimes.formatTime for the same
// full text the server would show. Without scripts, the server's full times stay.
(function () {
  "use strict";

  var WEEK = 7 * 24 * 3600, STEPS = [[60, "second"], [3600, "minute"], [86400, "hour"], [WEEK, "day"]];

  function lang() { return document.documentElement.lang || "en"; }
  function zone() {
    var meta = document.querySelector('meta[name="time-zone"]');
    return (meta && meta.content) || undefined;
  }

  function formatTime(iso) {
    var when = new Date(iso);
    try {
      return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short", timeZone: zone() }).format(when);
    } catch (e) {  // an unknown zone: the browser's own
      return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(when);
    }
  }

  function relative(iso, now) {
    var seconds = Math.round((new Date(iso).getTime() - now) / 1000), size = Math.abs(seconds);
    if (isNaN(seconds) || size >= WEEK || typeof Intl.RelativeTimeFormat !== "function") { return null; }
    var words = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
    if (size < 45) { return words.format(0, "second"); }  // "now"
    for (var i = 1; i < STEPS.length; i++) {
      if (size < STEPS[i][0]) { return words.format(Math.round(seconds / STEPS[i - 1][0]), STEPS[i][1]); }
    }
    return null;
  }

  function refresh(scope) {
    var now = Date.now();
    (scope || document).querySelectorAll("time[datetime]").forEach(function (el) {
      var iso = el.getAttribute("datetime");
      if (iso.indexOf("T") < 0 || el.dataset.absolute === "1") { return; }  // a date alone, or asked to stay
      if (!el.dataset.full) { el.dataset.full = el.textContent; }
      var words = relative(iso, now);
      el.textContent = words || el.dataset.full;
      if (words) { el.title = el.dataset.full; } else { el.removeAttribute("title"); }
    });
  }

  window.hubTimes = { formatTime: formatTime, refresh: refresh };
  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    window.setInterval(refresh, 60000);
  });
})();
