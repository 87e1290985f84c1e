// chat_mentions.js: @mention autocomplete for the chat composer (a listbox the keyboard drives:
// arrows move, Enter or Tab takes, Escape closes). `url` + the typed handle answers with people
// who can see the channel; `otherKeys(event)` gets every key the list does not take.
(function () {
  "use strict";

  window.hubChatMentions = function (input, box, url, otherKeys) {
    var active = -1, timer = null;
    function handle() {
      var match = /(^|[\s(])@([\w.\-]{0,40})$/.exec(input.value.slice(0, input.selectionStart));
      return match ? match[2] : null;
    }
    function close() {
      box.hidden = true; active = -1;
      input.removeAttribute("aria-activedescendant");  // a textarea (textbox) takes no aria-expanded
    }
    function highlight(i) {
      var options = box.querySelectorAll("li");
      active = Math.max(0, Math.min(i, options.length - 1));
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      if (options[active]) { input.setAttribute("aria-activedescendant", options[active].id); }
    }
    function choose(h) {
      var start = input.selectionStart, upto = input.value.slice(0, start).replace(/@[\w.\-]*$/, "@" + h + " ");
      input.value = upto + input.value.slice(start); input.selectionStart = input.selectionEnd = upto.length;
      close(); input.focus();
    }
    function show(items) {
      if (!items || !items.length) { close(); return; }
      box.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li"); li.setAttribute("role", "option"); li.id = box.id + "-" + i;
        li.dataset.handle = item.handle; li.textContent = item.name + " @" + item.handle;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.handle); });
        box.appendChild(li);
      });
      box.hidden = false; highlight(0);
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var h = handle();
        if (h === null) { close(); return; }
        fetch(url + encodeURIComponent(h), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); }).then(function (data) { show(data.items); });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (!box.hidden) {
        var options = box.querySelectorAll("li");
        if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); return; }
        if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); return; }
        if ((event.key === "Enter" || event.key === "Tab") && options[active]) {
          event.preventDefault(); choose(options[active].dataset.handle); return;
        }
        if (event.key === "Escape") { event.preventDefault(); close(); return; }  // not the thread panel too
      }
      otherKeys(event);
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  };
})();
