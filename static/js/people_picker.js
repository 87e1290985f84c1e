// people_picker.js: "Start a conversation" picks people by typing (templates/chat/index.html).
// The field is a combobox: typing asks /api/v1/dm-candidates (people one shares a space with),
// arrows move through the list, Enter or a click takes a person, Escape closes. Each person taken
// becomes a chip (a hidden user_ids input and a Remove button) and is announced. Without scripts
// the same field takes @handles, and the server reads them (hub.chat.queries.dm_people_by_handles).
(function () {
  "use strict";

  function start(root) {
    var input = root.querySelector("input[type=text]"), box = root.querySelector("[role=listbox]");
    var picked = root.querySelector(".picked"), active = -1, timer = null, items = [];
    var labels = root.dataset;
    function fill(text, values) { Object.keys(values).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); }); return text; }
    function close() { box.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
    function highlight(i) {
      var options = box.querySelectorAll("li");
      if (!options.length) { return; }
      active = (i + options.length) % options.length;
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
    }
    function chosenIds() { return Array.prototype.map.call(picked.querySelectorAll("input[name=user_ids]"), function (i) { return i.value; }); }
    function take(person) {
      if (chosenIds().indexOf(String(person.id)) < 0) {
        var li = document.createElement("li"), hidden = document.createElement("input"), remove = document.createElement("button");
        li.className = "chip"; li.appendChild(document.createTextNode(person.name + " "));
        hidden.type = "hidden"; hidden.name = "user_ids"; hidden.value = person.id;
        remove.type = "button"; remove.className = "link-button"; remove.textContent = "\u00d7";
        remove.setAttribute("aria-label", fill(labels.lRemove, { name: person.name }));
        remove.addEventListener("click", function () {
          li.remove(); input.focus(); window.hub.announce(fill(labels.lRemoved, { name: person.name }));
        });
        li.appendChild(hidden); li.appendChild(remove); picked.appendChild(li);
        window.hub.announce(fill(labels.lAdded, { name: person.name }));
      }
      input.value = ""; close(); input.focus();
    }
    function show(found) {
      var ids = chosenIds();
      items = (found || []).filter(function (p) { return ids.indexOf(String(p.id)) < 0; });
      box.textContent = "";
      if (!items.length) {
        var none = document.createElement("li"); none.className = "meta"; none.setAttribute("role", "option");
        none.setAttribute("aria-disabled", "true"); none.id = box.id + "-none"; none.textContent = labels.lNone;
        box.appendChild(none); box.hidden = false; input.setAttribute("aria-expanded", "true"); return;
      }
      items.forEach(function (person, i) {
        var li = document.createElement("li"); li.setAttribute("role", "option"); li.id = box.id + "-" + i;
        li.textContent = person.name + " @" + person.handle;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); take(person); });
        box.appendChild(li);
      });
      box.hidden = false; input.setAttribute("aria-expanded", "true"); highlight(0);
    }
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-controls", box.id);
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var q = input.value.trim().replace(/^@/, "");
      if (!q || /[\s,;]/.test(q)) { close(); return; }  // several typed handles: the server reads them
      timer = window.setTimeout(function () {
        fetch("/api/v1/dm-candidates?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); }).then(function (data) { show(data.items); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (box.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && items[active]) { event.preventDefault(); take(items[active]); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".people-picker").forEach(start);
  });
})();
