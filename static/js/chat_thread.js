// chat_thread.js: the thread panel beside the timeline (templates/chat/_thread.html).
// Opening a message's thread shows that message and its replies in a labelled region, moves
// focus to the reply box (or the panel's heading), and keeps the address at ?thread=<id> so a
// reload or a shared link opens it again. Escape or "Close thread" closes it and gives focus back
// to the link that opened it. Replies arrive live (and after a reconnect, from the join's missed
// list, through chat.js) and are announced in the panel's own live region; every copy is shown
// once, by id, in seq order, replaced only by a newer version of itself.
(function () {
  "use strict";

  window.hubChatThread = function (api) {
    var panel = document.getElementById("chat-thread");
    if (!panel) { return null; }
    var parentList = document.getElementById("chat-thread-parent");
    var replies = document.getElementById("chat-thread-replies");
    var live = document.getElementById("chat-thread-live");
    var form = document.getElementById("chat-thread-composer");
    var input = document.getElementById("f-thread-body");
    var heading = document.getElementById("chat-thread-title");
    var threadId = panel.dataset.threadId || null, opener = null, loading = 0;

    function getJson(url) {
      return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
    }

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }

    function address(id) {
      var url = new URL(window.location.href);
      if (id) { url.searchParams.set("thread", id); } else { url.searchParams.delete("thread"); }
      url.searchParams.delete("thread_after");
      url.hash = "";
      window.history.replaceState(null, "", url.pathname + url.search);
    }

    // A reply in seq order; an older copy of the same message gives way to a newer one.
    function placeReply(m, quiet) {
      var existing = document.getElementById("r-" + m.id);
      if (existing) {
        if (Number(existing.dataset.updatedSeq) < m.updated_seq) { existing.replaceWith(api.build(m, "r")); }
        return;
      }
      var pending = m.client_id ? document.getElementById("pending-" + m.client_id) : null;
      if (pending) { pending.remove(); }
      var li = api.build(m, "r"), before = null;
      var items = replies.querySelectorAll("li.chat-message:not(.pending)");
      for (var i = items.length - 1; i >= 0; i--) {
        if (Number(items[i].dataset.seq) < m.seq) { break; }
        before = items[i];
      }
      replies.insertBefore(li, before || replies.querySelector("li.pending"));
      if (!quiet && !m.deleted && String(m.author.id) !== String(api.userId)) {
        announce(api.label("newReply", { name: m.author.name }));
      }
    }

    function placeParent(m) {
      var existing = parentList.firstElementChild;
      if (existing && Number(existing.dataset.updatedSeq) >= m.updated_seq) { return; }
      parentList.textContent = "";
      parentList.appendChild(api.build(m, "tp"));
    }

    // From chat.js: every message event of this channel, live or replayed.
    function update(m) {
      if (!threadId) { return; }
      if (String(m.id) === String(threadId)) { placeParent(m); }
      else if (String(m.parent_id) === String(threadId)) { placeReply(m, false); }
    }

    function loadReplies(id, after, token) {
      var url = "/api/v1/messages/" + id + "/replies?limit=200" + (after ? "&after_seq=" + after : "");
      return getJson(url).then(function (data) {
        if (token !== loading) { return null; }  // another thread was opened meanwhile
        data.items.forEach(function (m) { placeReply(m, true); });
        return data.next ? loadReplies(id, data.next, token) : null;
      });
    }

    function open(id, from) {
      id = String(id);
      opener = from ? { id: id, kind: from.classList.contains("chat-replies") ? "chat-replies" : "chat-reply-link" } : null;
      if (threadId !== id) {
        threadId = id; parentList.textContent = ""; replies.textContent = "";
        var later = document.getElementById("chat-thread-later");
        if (later) { later.parentNode.remove(); }
        var token = ++loading;
        getJson("/api/v1/messages/" + id).then(function (m) {
          if (token === loading) { placeParent(m); }
          return loadReplies(id, null, token);
        }).catch(function () { if (token === loading) { close(); } });
      }
      panel.dataset.threadId = id;
      if (form) { form.elements.parent_id.value = id; }
      panel.hidden = false;
      panel.parentNode.classList.add("has-thread");
      address(id);
      (input || heading).focus();
    }

    function close() {
      var was = threadId;
      threadId = null; loading++;
      panel.hidden = true; panel.dataset.threadId = "";
      panel.parentNode.classList.remove("has-thread");
      address(null);
      var message = was && document.getElementById("m-" + was);
      var back = message && (message.querySelector("a." + (opener ? opener.kind : "chat-replies")) ||
                             message.querySelector("a.chat-thread-open"));
      (back || document.getElementById("f-body") || document.getElementById("chat-title")).focus();
      opener = null;
    }

    function showPending(item) {
      if (String(item.parent_id) !== String(threadId) || document.getElementById("pending-" + item.client_id)) {
        return;
      }
      replies.appendChild(api.pendingItem(item));
    }

    function submit(event) {
      event.preventDefault();
      var body = input.value.trim();
      if (threadId && api.hasFiles(form)) {
        api.sendWithFiles(form, input, body, Number(threadId), document.getElementById("chat-thread-error"));
        return;
      }
      if (!body || !threadId) { return; }
      input.value = "";
      api.queue(body, Number(threadId));
    }

    // Wiring: links that open a thread (on the timeline, built live too), the close link, keys.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.chat-thread-open");
      if (link && !event.defaultPrevented && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        open(link.dataset.threadId, link);
      }
    });
    document.getElementById("chat-thread-close").addEventListener("click", function (event) {
      event.preventDefault(); close();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.defaultPrevented && threadId) { event.preventDefault(); close(); }
    });
    document.getElementById("chat-thread-keys").hidden = false;
    if (form && input) {
      form.addEventListener("submit", submit);
      api.wireMentions(input, document.getElementById("chat-thread-mentions"), function (event) {
        if (event.key === "Enter" && !event.shiftKey) { submit(event); }
      });
    }
    if (threadId) { panel.parentNode.classList.add("has-thread"); }

    return {
      update: update, showPending: showPending, open: open, close: close,
      isOpen: function (id) { return threadId !== null && String(id) === String(threadId); },
      composer: function () { return { input: input, error: document.getElementById("chat-thread-error") }; }
    };
  };
})();
