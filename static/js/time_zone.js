// time_zone.js: a time zone select marked data-from-browser="1" starts at the browser's own zone,
// and its hint says so, for the person to confirm or change (nothing is sent until they submit).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('select[data-from-browser="1"]');
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    if (!select || !zone) { return; }
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (!option) { return; }
    select.value = zone;
    var hint = document.getElementById(select.getAttribute("aria-describedby"));
    if (hint && hint.dataset.browserText) { hint.textContent = hint.dataset.browserText; }
  });
})();
