// forums.js: the composer (server-side preview, drafts, @mention autocomplete), quote-reply,
// reactions toggled in place, and live threads (a reply to the thread being read is inserted and
// announced; elsewhere a "new activity" notice). Progressive enhancement: every form posts without it.
(function () {
  "use strict";

  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": window.hub.csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  var debounce = window.hub.debounce;

  function wireComposer(box) {
    var input = box.querySelector("textarea");
    var preview = box.querySelector(".composer-preview");
    var status = box.querySelector(".draft-status");
    var list = box.querySelector(".mention-list");
    var form = box.closest("form");
    var titleInput = form ? form.querySelector('input[name="title"]') : null;
    var key = box.dataset.draftKey;
    var spaceId = box.dataset.spaceId;

    var renderPreview = debounce(function () {
      api("POST", "/api/v1/preview", { body: input.value, space_id: Number(spaceId) }).then(function (r) {
        if (r.ok) { preview.innerHTML = r.data.body_html; }  // server-sanitized by content.render
        else if (r.data.error) { preview.textContent = r.data.error.message; }
      });
    }, 400);

    var saveDraft = debounce(function () {
      if (!key) { return; }
      var body = { body: input.value, title: titleInput ? titleInput.value : "" };
      api("PUT", "/api/v1/drafts/" + encodeURIComponent(key), body).then(function (r) {
        status.textContent = r.ok ? status.dataset.saved || "Draft saved" : "";
      });
    }, 1000);

    function changed() { renderPreview(); saveDraft(); suggest(); }
    input.addEventListener("input", changed);
    if (titleInput) { titleInput.addEventListener("input", saveDraft); }
    box.querySelector(".preview-box").addEventListener("toggle", renderPreview);

    // @mention autocomplete: only people the server says can see this space.
    var active = -1;
    function currentHandle() {
      var upto = input.value.slice(0, input.selectionStart);
      var match = /(^|[\s(])@([\w.\-]{0,40})$/.exec(upto);
      return match ? match[2] : null;
    }
    var suggest = debounce(function () {
      var handle = currentHandle();
      if (handle === null || !spaceId) { close(); return; }
      api("GET", "/api/v1/spaces/" + spaceId + "/mentionable?q=" + encodeURIComponent(handle)).then(function (r) {
        if (!r.ok || !r.data.items.length) { close(); return; }
        list.textContent = "";
        r.data.items.forEach(function (item, i) {
          var option = document.createElement("li");
          option.setAttribute("role", "option");
          option.id = list.id + "-" + i;
          option.dataset.handle = item.handle;
          option.textContent = item.name + " @" + item.handle;
          option.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.handle); });
          list.appendChild(option);
        });
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(0);
      });
    }, 200);
    function highlight(i) {
      var options = list.querySelectorAll("li");
      active = Math.max(0, Math.min(i, options.length - 1));
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      if (options[active]) { input.setAttribute("aria-activedescendant", options[active].id); }
    }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(handle) {
      var start = input.selectionStart;
      var upto = input.value.slice(0, start).replace(/@[\w.\-]*$/, "@" + handle + " ");
      input.value = upto + input.value.slice(start);
      input.selectionStart = input.selectionEnd = upto.length;
      close(); input.focus(); renderPreview(); saveDraft();
    }
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      var options = list.querySelectorAll("li");
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if ((event.key === "Enter" || event.key === "Tab") && options[active]) {
        event.preventDefault(); choose(options[active].dataset.handle);
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    if (form) {
      form.addEventListener("submit", function () { status.textContent = ""; });
    }
  }

  // Quote-reply: the words selected inside that post, or else its whole source, asked for when
  // the button is pressed (the page does not carry every post's source twice).
  function selectedIn(article) {
    var selection = window.getSelection ? window.getSelection() : null;
    var prose = article ? article.querySelector(".prose") : null;
    if (!selection || selection.isCollapsed || !prose || !prose.contains(selection.anchorNode) ||
        !prose.contains(selection.focusNode)) { return ""; }
    return String(selection).trim();
  }

  function wireQuotes(root) {
    var posts = document.querySelector(".posts");
    root.querySelectorAll(".quote-button").forEach(function (button) {
      var held = "";
      // Read the selection before pressing can move it (keyboard users select, then Tab here).
      button.addEventListener("pointerdown", function () { held = selectedIn(button.closest("article")); });
      button.addEventListener("click", function () {
        var input = document.querySelector(".composer textarea");
        if (!input) { return; }
        var id = button.dataset.postId;
        var selected = held || selectedIn(button.closest("article"));
        held = "";
        var words = selected ? Promise.resolve(selected) : api("GET", "/api/v1/posts/" + id).then(function (r) {
          return r.ok ? r.data.body : null;
        });
        button.disabled = true;
        words.then(function (text) {
          button.disabled = false;
          if (text === null) {
            window.hub.announce(posts && posts.dataset.quoteFailed || "That post can no longer be quoted.");
            return;
          }
          var quote = "[quote=" + id + "]\n" + text.trim() + "\n[/quote]\n\n";
          input.value = (input.value ? input.value.replace(/\s*$/, "\n\n") : "") + quote;
          input.focus();
          input.dispatchEvent(new Event("input"));
        });
      });
    });
  }

  // Reactions: one "React" disclosure per post holds the choices (a form that posts without JS).
  // With JS a choice is toggled through the API, and the counts and aria-pressed follow its answer.
  function format(template, name) { return (template || "").replace("%(name)s", name); }

  function showReactions(form, counts) {
    var footer = form.closest(".post-actions");
    var list = footer.querySelector(".reactions");
    var buttons = form.querySelectorAll("button[name='kind']");
    var any = false;
    if (!list) {
      list = document.createElement("ul");
      list.className = "reactions";
      list.setAttribute("aria-label", footer.closest(".posts").dataset.reactionsLabel || "Reactions");
      footer.insertBefore(list, footer.firstChild);
    }
    var who = list.querySelector("li:last-child a");
    list.textContent = "";
    buttons.forEach(function (button) {
      var entry = counts[button.value];
      button.setAttribute("aria-pressed", entry && entry.mine ? "true" : "false");
      if (!entry || !entry.count) { return; }
      any = true;
      var item = document.createElement("li");
      item.dataset.kind = button.value;
      var emoji = document.createElement("span");
      emoji.setAttribute("aria-hidden", "true");
      emoji.textContent = button.dataset.emoji;
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = button.dataset.name;
      item.appendChild(emoji);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(name);
      item.appendChild(document.createTextNode(String(entry.count)));
      list.appendChild(item);
    });
    if (!any) { list.remove(); return; }
    if (!who) {
      who = document.createElement("a");
      who.href = "/posts/" + form.dataset.postId + "/reactions";
      who.textContent = footer.closest(".posts").dataset.whoReacted || "Who reacted";
    }
    var last = document.createElement("li");
    last.appendChild(who);
    list.appendChild(last);
  }

  function wireReactions(root) {
    root.querySelectorAll(".react-picker").forEach(function (picker) {
      var form = picker.querySelector(".react-form");
      var summary = picker.querySelector("summary");
      var labels = document.querySelector(".posts").dataset;
      picker.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && picker.open) { picker.open = false; summary.focus(); }
      });
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || button.name !== "kind") { return; }
        event.preventDefault();
        button.disabled = true;
        api("POST", "/api/v1/posts/" + form.dataset.postId + "/reactions", { kind: button.value }).then(function (r) {
          button.disabled = false;
          if (!r.ok) { window.hub.announce(labels.reactFailed || "That reaction could not be saved."); return; }
          showReactions(form, r.data.reactions || {});
          window.hub.announce(format(r.data.on ? labels.reacted : labels.unreacted, button.dataset.name));
          picker.open = false;
          summary.focus();
        });
      });
    });
  }

  // A reply to the thread being read is put in place, as its reader would see it on reload, and
  // read out in the live region; elsewhere (another page of it, another thread) a notice links to it.
  function insertReply(posts, payload, notice) {
    if (document.getElementById("post-" + payload.number)) { return Promise.resolve(true); }
    if (posts.dataset.live !== "true" || posts.children.length >= Number(posts.dataset.perPage || 50)) {
      return Promise.resolve(false);
    }
    return fetch("/posts/" + payload.post_id + "/item", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return false; }
        if (document.getElementById("post-" + payload.number)) { return true; }
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();  // rendered by the server for this reader, from sanitized HTML
        var item = holder.content.firstElementChild;
        if (!item) { return false; }
        var later = Array.prototype.find.call(posts.children, function (li) {
          return Number(li.dataset.number) > payload.number;
        });
        posts.insertBefore(item, later || null);
        item.classList.add("arrived");
        wireQuotes(item);
        wireReactions(item);
        var author = item.querySelector(".post-header a");
        window.hub.announce(format(posts.dataset.arrived, author ? author.textContent : ""));
        if (notice) { notice.hidden = true; }
        if (!document.hidden) {
          api("POST", "/api/v1/threads/" + document.body.dataset.threadId + "/read", { number: payload.number });
        }
        return true;
      });
  }

  function showNotice(notice, threadId) {
    notice.hidden = false;
    notice.textContent = "";
    var link = document.createElement("a");
    link.href = threadId ? "/threads/" + threadId + "/unread" : window.location.pathname + window.location.search;
    link.textContent = notice.dataset.label || "New activity: show it";
    notice.appendChild(link);
  }

  function wireLiveActivity() {
    var notice = document.getElementById("forum-activity");
    if (!notice || !window.hubSocket) { return; }
    var threadId = document.body.dataset.threadId;
    var spaceId = document.body.dataset.spaceId;
    var posts = document.querySelector(".posts");
    window.hubSocket.on("forum_activity", function (payload) {
      if (threadId && String(payload.thread_id) !== threadId) { return; }
      if (!threadId && spaceId && String(payload.space_id) !== spaceId) { return; }
      var placed = threadId && posts && payload.post_id ? insertReply(posts, payload, notice) : Promise.resolve(false);
      placed.then(function (done) { if (!done) { showNotice(notice, threadId); } });
    });
    window.hubSocket.on("forum_changed", function (payload) {
      if (threadId && String(payload.thread_id) === threadId) { window.location.reload(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".composer").forEach(wireComposer);
    wireQuotes(document);
    wireReactions(document);
    // The socket is opened by hub.js on the same event; wait one tick for it.
    window.setTimeout(wireLiveActivity, 0);
  });
})();
