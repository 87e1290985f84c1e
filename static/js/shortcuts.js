// shortcuts.js: keyboard paths. Focus lands where a page's job is (data-focus-on-load: the chat
// composer; a #post-N address: that post, so Tab goes on from there). A few well-known single-key
// shortcuts, as in Discourse and Slack: r reply, / search, ? help. They never fire while typing
// or with a modifier held, and can be turned off on the help page (WCAG 2.1.4): stored in this
// browser as hub.shortcuts = "off".
(function () {
  "use strict";
  var KEY = "hub.shortcuts";

  function enabled() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }

  function say(text) { if (window.hub && window.hub.announce) { window.hub.announce(text); } }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function focusFirst(selector) {
    var el = selector && document.querySelector(selector);
    if (!el) { return null; }
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
    return el;
  }

  function landFocus() {
    var hash = window.location.hash;
    if (/^#post-\d+$/.test(hash) && focusFirst(hash)) { return; }
    var wanted = document.body.dataset.focusOnLoad;
    if (wanted && !hash) { focusFirst(wanted); }
  }

  function dropBrokenSkipLinks() {
    // A skip link is offered only while its target is on the page (a closed thread has no reply box).
    document.querySelectorAll('a.skip-link[href^="#"]').forEach(function (link) {
      var id = link.getAttribute("href").slice(1);
      if (id && id !== "main" && !document.getElementById(id)) { link.remove(); }
    });
  }

  function onKey(event) {
    if (!enabled() || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (event.key === "/") {
      var search = document.getElementById("quick-search-input");
      if (search && search.offsetParent !== null) { event.preventDefault(); search.focus(); say(search.getAttribute("placeholder") || ""); }
      else if (search) { event.preventDefault(); window.location.assign("/search"); }
    } else if (event.key === "r") {
      var box = document.getElementById("f-body");
      if (box) { event.preventDefault(); box.focus(); say(box.labels && box.labels[0] ? box.labels[0].textContent : ""); }
    } else if (event.key === "?") {
      event.preventDefault();
      window.location.assign("/help#shortcuts");
    }
  }

  function wireSetting() {
    var toggle = document.getElementById("shortcuts-on");
    if (!toggle) { return; }
    toggle.disabled = false;
    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
      try { window.localStorage.setItem(KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
      say(toggle.checked ? toggle.dataset.onText : toggle.dataset.offText);
    });
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("DOMContentLoaded", function () {
    dropBrokenSkipLinks();
    landFocus();
    wireSetting();
  });
})();
