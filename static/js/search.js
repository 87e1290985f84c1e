// search.js: the header's quick search (an ARIA combobox with typeahead) and "similar threads"
// under the new-thread composer. Both ask the API, which answers only with what the person may see;
// the HTML it returns for titles and snippets is escaped first and marked second on the server.
(function () {
  "use strict";

  var debounce = window.hub.debounce;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; });
  }

  function hitLabel(item) {
    var span = document.createElement("span");
    // title_html and snippet_html are escaped text with <mark> around matches (server-built).
    span.innerHTML = item.title_html || "";
    if (!item.title_html) { span.textContent = item.context || ""; }
    return span;
  }

  function wireQuickSearch() {
    var input = document.getElementById("quick-search-input");
    var list = document.getElementById("quick-search-list");
    if (!input || !list) { return; }
    var active = -1;
    var latest = 0;

    function options() { return list.querySelectorAll('[role="option"]'); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
    }

    function option(id, href, content, kind) {
      var li = document.createElement("li");
      li.id = id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.href = href;
      if (kind) {
        var label = document.createElement("span");
        label.className = "kind";
        label.textContent = kind + ": ";
        li.appendChild(label);
      }
      li.appendChild(content);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); window.location.assign(href); });
      return li;
    }

    function show(items, query) {
      list.textContent = "";
      items.forEach(function (item, i) {
        if (item.url) { list.appendChild(option("quick-search-" + i, item.url, hitLabel(item), item.kind_label)); }
      });
      var all = document.createElement("span");
      all.textContent = (items.length ? input.dataset.allLabel : input.dataset.noneLabel).replace("%(q)s", query);
      list.appendChild(option("quick-search-all", "/search?q=" + encodeURIComponent(query), all, ""));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      if (window.hub) { window.hub.announce(items.length ? input.dataset.countLabel.replace("%(num)s", items.length) : all.textContent); }
    }

    var ask = debounce(function () {
      var query = input.value.trim();
      if (query.length < 2) { close(); return; }
      var ticket = ++latest;
      getJSON("/api/v1/search?typeahead=1&limit=6&q=" + encodeURIComponent(query)).then(function (data) {
        if (ticket === latest && input.value.trim() === query) { show(data.items || [], query); }
      });
    }, 180);

    input.addEventListener("input", ask);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].dataset.href);
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function wireSimilarThreads() {
    var section = document.getElementById("similar-threads");
    var title = document.getElementById("f-title");
    var body = document.getElementById("f-body");
    if (!section || !title) { return; }
    var list = section.querySelector("ul");
    var latest = 0;
    var ask = debounce(function () {
      var text = title.value.trim();
      if (text.length < 4) { section.hidden = true; return; }
      var ticket = ++latest;
      var url = "/api/v1/search/similar?space_id=" + encodeURIComponent(section.dataset.spaceId) +
        "&title=" + encodeURIComponent(text) + "&body=" + encodeURIComponent(body ? body.value.slice(0, 2000) : "");
      getJSON(url).then(function (data) {
        if (ticket !== latest) { return; }
        list.textContent = "";
        (data.items || []).forEach(function (item) {
          var li = document.createElement("li");
          var link = document.createElement("a");
          link.href = item.url;
          link.target = "_blank";
          link.rel = "noopener";
          link.appendChild(hitLabel(item));
          li.appendChild(link);
          if (item.space) {
            var where = document.createElement("span");
            where.className = "meta";
            where.textContent = " · " + item.space;
            li.appendChild(where);
          }
          list.appendChild(li);
        });
        section.hidden = !list.children.length;
      });
    }, 400);
    title.addEventListener("input", ask);
    if (body) { body.addEventListener("input", ask); }
    if (title.value) { ask(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireQuickSearch();
    wireSimilarThreads();
  });
})();
