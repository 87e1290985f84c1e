// chat.js: live chat over the /chat socket. Nothing is lost or doubled:
// - every message carries seq (its place in the channel) and updated_seq (its latest change);
//   the page remembers the highest it has seen per channel (localStorage) and, on every
//   (re)connect, joins with after_seq and gets what it missed; each message is shown once,
//   by id, in seq order, replaced only by a newer version of itself;
// - what you send waits in an outbox (localStorage) with its client_id until the server's ack
//   says it is stored; a resend after a lost ack is stored once (the server dedups client_id).
// - a message with pictures or files goes by the API's multipart send (the socket carries words
//   only); it arrives back like any other, live and in the missed list;
// - a reply lives in its thread (static/js/chat_thread.js), not on the timeline; the timeline
//   shows its parent's live reply count, and a reply whose thread this reader cannot open
//   (the server answers 404 for its parent) stays on the timeline.
// Progressive enhancement: without JavaScript the composer form posts and the page reloads.
(function () {
  "use strict";

  var OVERLAP = 50;  // re-ask a few seqs back: emits of concurrent commits may arrive out of order
  var root, socket, channelId, userId, labels = {}, reactions = {}, seen = 0, newest = 0, outbox = [];
  var typingTimer = null, typingFrom = null, lastTyping = 0, readTimer = null, thread = null, parentShown = {};

  function $(id) { return document.getElementById(id); }
  function store(key, value) { try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ } }
  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function seqKey(id) { return "hub.chat.seq." + userId + "." + id; }
  function outboxKey() { return "hub.chat.outbox." + userId; }
  function label(name, values) {
    var text = labels[name] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // ------------------------------------------------------------ rendering
  function list() { return $("chat-messages"); }

  function threadUrl(id) { return "/chat/channels/" + channelId + "?thread=" + id; }
  function threadLink(id, className, text) {
    var a = document.createElement("a"); a.className = "chat-thread-open " + className; a.href = threadUrl(id);
    a.dataset.threadId = id; a.textContent = text; return a;
  }
  function replyCount(n) { return n === 1 ? label("oneReply") : label("replies", { n: n }); }

  // The author's picture, or their initials on a coloured circle: as templates/_macros.html `avatar`
  // (and hub.people.avatars.initials) draw it. Beside the name, it is decoration.
  function initials(name) {
    var words = String(name || "").replace(/\./g, " ").split(/\s+/).filter(function (w) { return /^[\p{L}\p{N}]/u.test(w); });
    if (!words.length) { return "?"; }
    return (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
  }
  function avatarFor(author) {
    var el;
    if (author.avatar_url) {
      el = document.createElement("img"); el.src = author.avatar_url; el.alt = ""; el.width = 24; el.height = 24;
      el.className = "avatar avatar-24";
    } else {
      el = document.createElement("span"); el.setAttribute("aria-hidden", "true"); el.textContent = initials(author.name);
      el.className = "avatar avatar-24 avatar-c" + (Number(author.id) % 8);
    }
    return el;
  }

  // prefix: "m" on the timeline, "tp" a thread's first message, "r" a reply in the thread panel.
  function buildMessage(m, prefix) {
    prefix = prefix || "m";
    var li = document.createElement("li");
    li.className = "chat-message" + (m.deleted ? " deleted" : "");
    li.id = prefix + "-" + m.id;
    li.dataset.id = m.id; li.dataset.seq = m.seq; li.dataset.updatedSeq = m.updated_seq;
    li.dataset.authorId = m.author.id;
    if (m.parent_id) { li.dataset.parentId = m.parent_id; }
    var meta = document.createElement("p"); meta.className = "chat-meta";
    var author = document.createElement("span"); author.className = "chat-author"; author.textContent = m.author.name;
    var link = document.createElement("a"); link.className = "chat-time"; link.href = "/chat/messages/" + m.id;
    var time = document.createElement("time"); time.setAttribute("datetime", m.created_at);
    // In the person's zone, read relative while recent, as the server's and the forums' times (times.js).
    time.textContent = window.hubTimes ? window.hubTimes.formatTime(m.created_at) : m.created_at;
    link.appendChild(time);
    if (window.hubTimes) { window.hubTimes.refresh(link); }
    meta.appendChild(avatarFor(m.author)); meta.appendChild(author); meta.appendChild(document.createTextNode(" "));
    meta.appendChild(link);
    if (m.edited_at && !m.deleted) {
      var edited = document.createElement("span"); edited.className = "chat-edited"; edited.textContent = " " + label("edited");
      meta.appendChild(edited);
    }
    if (m.parent_id && prefix === "m") {  // on the timeline only when its thread is closed to this reader
      var reply = document.createElement("span"); reply.className = "chat-reply-to"; reply.textContent = label("inReply");
      meta.appendChild(reply);
    }
    li.appendChild(meta);
    if (m.deleted) {
      var gone = document.createElement("p"); gone.className = "chat-body meta"; gone.textContent = label("deleted");
      li.appendChild(gone);
    } else {
      var body = document.createElement("div"); body.className = "chat-body prose";
      body.innerHTML = m.body_html;  // sanitized on the server by content.render
      li.appendChild(body);
      if (m.attachments && m.attachments.length) { li.appendChild(attachmentsOf(m.attachments)); }
      var reacts = document.createElement("div"); reacts.className = "chat-reactions";
      Object.keys(m.reactions || {}).forEach(function (kind) {
        var span = document.createElement("span"); span.className = "chat-reaction"; span.dataset.kind = kind;
        span.textContent = (reactions[kind] || kind) + " " + m.reactions[kind].length;
        reacts.appendChild(span);
      });
      li.appendChild(reacts);
      li.dataset.body = m.body;
    }
    if (!m.parent_id && prefix === "tp") {
      var count = document.createElement("p"); count.className = "meta chat-replies";
      count.textContent = replyCount(m.reply_count); li.appendChild(count);
    } else if (!m.parent_id && prefix === "m") {
      var links = document.createElement("p"); links.className = "chat-thread-links";
      if (m.reply_count) { links.appendChild(threadLink(m.id, "chat-replies", replyCount(m.reply_count))); }
      if (!m.deleted && root.dataset.canPost === "true") {
        links.appendChild(document.createTextNode(" "));
        links.appendChild(threadLink(m.id, "chat-reply-link", label("replyInThread")));
      }
      if (links.childNodes.length) { li.appendChild(links); }
    }
    addActions(li, m);
    return li;
  }

  // As templates/_attachments.html: pictures shown, other files offered to download.
  function attachmentsOf(items) {
    var ul = document.createElement("ul"); ul.className = "attachments"; ul.setAttribute("aria-label", label("attachments"));
    items.forEach(function (a) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = a.url;
      if (a.is_image) {
        li.className = "attachment-image";
        var img = document.createElement("img"); img.src = a.url; img.alt = a.filename; img.loading = "lazy";
        if (a.width) { img.width = a.width; img.height = a.height; }
        link.appendChild(img); li.appendChild(link);
      } else {
        li.className = "attachment-file"; link.textContent = a.filename; li.appendChild(link);
        var meta = document.createElement("span"); meta.className = "meta";
        meta.textContent = " (" + label("kb", { type: String(a.type).toUpperCase(), size: (Math.round(a.size / 102.4) / 10) }) + ")";
        li.appendChild(meta);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function addActions(li, m) {
    if (li.classList.contains("deleted") || (m && m.deleted) || root.dataset.canPost !== "true") { return; }
    var mine = String(li.dataset.authorId) === String(userId);
    var bar = document.createElement("div"); bar.className = "chat-actions";
    function button(text, handler) {
      var b = document.createElement("button"); b.type = "button"; b.className = "link-button"; b.textContent = text;
      b.addEventListener("click", handler); bar.appendChild(b); return b;
    }
    bar.appendChild(reactPicker(li));
    if (mine) { button(label("edit"), function () { startEdit(li); }); }
    if (mine || root.dataset.manage === "true") {
      button(label("delete"), function () {
        if (window.confirm(label("confirmDelete"))) { act("delete", { message_id: Number(li.dataset.id) }); }
      });
    }
    li.appendChild(bar);
  }

  // One React button opening the reactions (as the forums' picker): Escape closes it, and a
  // choice closes it and gives focus back to the button.
  function reactPicker(li) {
    var picker = document.createElement("details"), summary = document.createElement("summary");
    picker.className = "react-picker"; summary.textContent = label("reactButton"); picker.appendChild(summary);
    var choices = document.createElement("div"); choices.className = "react-form";
    Object.keys(reactions).forEach(function (kind) {
      var b = document.createElement("button"); b.type = "button"; b.textContent = reactions[kind];
      b.setAttribute("aria-label", label("react", { kind: kind }));
      b.addEventListener("click", function () {
        act("react", { message_id: Number(li.dataset.id), kind: kind });
        picker.open = false; summary.focus();
      });
      choices.appendChild(b);
    });
    picker.appendChild(choices);
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && picker.open) { picker.open = false; summary.focus(); }
    });
    return picker;
  }

  // Show a message once, in seq order; a copy we already have is replaced only by a newer one.
  // Returns true when it is new on the timeline.
  function upsert(m) {
    if (String(m.channel_id) !== String(channelId)) { return false; }
    seen = Math.max(seen, m.updated_seq, m.seq);
    newest = Math.max(newest, m.seq);
    store(seqKey(channelId), seen);
    if (thread) { thread.update(m); }
    var existing = $("m-" + m.id);
    if (existing) {
      if (Number(existing.dataset.updatedSeq) < m.updated_seq) { existing.replaceWith(buildMessage(m)); }
      return false;
    }
    var pending = m.author.id === Number(userId) && m.client_id ? $("pending-" + m.client_id) : null;
    if (pending) { pending.remove(); }
    if (m.parent_id) { timelineIfThreadClosed(m); scheduleRead(); return false; }
    return insertOnTimeline(m);
  }

  // A reply goes on the timeline only when its reader may not open its thread (its first
  // message is hidden from them): the server says so with a 404, asked once per thread.
  function timelineIfThreadClosed(m) {
    var known = parentShown[m.parent_id];
    if (known === true || $("m-" + m.parent_id) || (thread && thread.isOpen(m.parent_id))) { return; }
    if (known === false) { insertOnTimeline(m); return; }
    fetch("/api/v1/messages/" + m.parent_id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        parentShown[m.parent_id] = r.status !== 404;
        if (r.status === 404 && !$("m-" + m.id)) { insertOnTimeline(m); }
      });
  }

  function insertOnTimeline(m) {
    if (root.dataset.newest !== "true") { return false; }  // an older page: new messages belong on the newest
    var li = buildMessage(m), items = list().querySelectorAll("li.chat-message:not(.pending)"), before = null;
    for (var i = items.length - 1; i >= 0; i--) {
      if (Number(items[i].dataset.seq) < m.seq) { break; }
      before = items[i];
    }
    var firstPending = list().querySelector("li.pending");
    list().insertBefore(li, before || firstPending);
    scheduleRead();
    return true;
  }

  function pendingItem(item) {
    var li = document.createElement("li"); li.className = "chat-message pending"; li.id = "pending-" + item.client_id;
    var p = document.createElement("p"); p.className = "chat-body"; p.textContent = item.body;
    var state = document.createElement("p"); state.className = "meta"; state.textContent = label("sending");
    li.appendChild(p); li.appendChild(state); return li;
  }
  function showPending(item) {
    if (item.parent_id) { if (thread) { thread.showPending(item); } return; }  // a reply waits in its thread
    if (!$("pending-" + item.client_id)) { list().appendChild(pendingItem(item)); }
  }

  // ------------------------------------------------------------ socket
  function setConnection(text) { var el = $("chat-connection"); if (el) { el.textContent = text; } }

  function joinCurrent() {
    var after = Math.max(0, seen - OVERLAP);
    socket.timeout(15000).emit("join", { channel_id: Number(channelId), after_seq: after }, function (err, ack) {
      if (err || !ack) { return; }
      if (ack.error) { setConnection(ack.error.message); return; }
      ack.missed.forEach(upsert);
      showPresence(ack.present || []);
      if (ack.more) { catchUp(); }
      flushOutbox();
      scheduleRead();
    });
  }

  function catchUp() {
    fetch("/api/v1/channels/" + channelId + "/messages?limit=200&after_seq=" + seen,
          { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { (data.items || []).forEach(upsert); if (data.next) { catchUp(); } });
  }

  // A new message (edits, deletions and reactions go straight to upsert): announced when it
  // lands on the timeline (the thread panel announces its replies); other channels' messages
  // are the sidebar's (static/js/chat_sidebar.js). Its author is no longer typing.
  function onMessage(m) {
    if (String(m.channel_id) !== String(channelId)) { return; }
    if (typingFrom === m.author.id) { window.clearTimeout(typingTimer); $("chat-typing").textContent = ""; typingFrom = null; }
    if (upsert(m) && m.author.id !== Number(userId)) { window.hub.announce(label("newFrom", { name: m.author.name })); }
  }

  function act(event, payload) {
    socket.timeout(10000).emit(event, payload, function (err, ack) {
      var box = $("chat-error");
      if (err) { if (box) { box.textContent = label("offline"); } return; }
      if (ack && ack.error) { if (box) { box.textContent = ack.error.message; } return; }
      if (box) { box.textContent = ""; }
      if (ack && ack.message) { upsert(ack.message); }
    });
  }

  // ------------------------------------------------------------ sending
  function saveOutbox() { store(outboxKey(), outbox); }

  function flushOutbox() {
    outbox.filter(function (item) { return String(item.channel_id) === String(channelId); }).forEach(sendItem);
  }

  function sendItem(item) {
    if (!socket.connected || item.inFlight) { return; }
    item.inFlight = true;
    showPending(item);
    socket.timeout(10000).emit("send", { channel_id: item.channel_id, body: item.body, client_id: item.client_id,
                                         parent_id: item.parent_id || null }, function (err, ack) {
      item.inFlight = false;
      var box = item.parent_id && thread ? thread.composer().error : $("chat-error");
      if (err) { return; }  // no answer: it stays in the outbox and goes again on reconnect
      if (ack.error && ack.error.code === "rate_limited") {
        if (box) { box.textContent = ack.error.message; }
        window.setTimeout(function () { sendItem(item); }, (ack.error.retry_after || 1) * 1000);
        return;
      }
      outbox = outbox.filter(function (o) { return o.client_id !== item.client_id; });
      saveOutbox();
      if (ack.error) {  // refused: give the words back so nothing typed is lost
        var pending = $("pending-" + item.client_id);
        if (pending) { pending.remove(); }
        var input = item.parent_id && thread ? thread.composer().input : $("f-body");
        if (input && !input.value) { input.value = item.body; }
        if (box) { box.textContent = ack.error.message; }
        return;
      }
      if (box) { box.textContent = ""; }
      upsert(ack.message);
    });
  }

  // What is written goes to the outbox first (on the timeline, or as a reply in a thread).
  function queue(body, parentId) {
    var item = { channel_id: Number(channelId), body: body, client_id: newId(), parent_id: parentId || null };
    outbox.push(item); saveOutbox();
    showPending(item);
    sendItem(item);
  }

  function hasFiles(form) {
    var files = form && form.querySelector('input[type="file"]');
    return !!(files && files.files && files.files.length);
  }

  // Pictures and files go with their words in one multipart send through the API; what it stored
  // comes back as the message (and to everyone else live, as every message does).
  function sendWithFiles(form, input, body, parentId, box) {
    var data = new window.FormData();
    data.append("body", body); data.append("client_id", newId());
    if (parentId) { data.append("parent_id", parentId); }
    Array.prototype.forEach.call(form.querySelector('input[type="file"]').files, function (f) { data.append("files", f); });
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.disabled = true; }
    if (box) { box.textContent = label("sending"); }
    function done() { if (button) { button.disabled = false; } }
    fetch("/api/v1/channels/" + channelId + "/messages", {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": window.hub.csrfToken() }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) { return { ok: r.ok, data: d }; });
    }).then(function (r) {
      done();
      if (!r.ok) {  // refused: the words and the files stay where they were, with what to fix
        if (box) { box.textContent = (r.data.error && r.data.error.message) || label("offline"); }
        return;
      }
      if (box) { box.textContent = ""; }
      input.value = "";
      form.dispatchEvent(new window.Event("hub:sent"));
      upsert(r.data);
    }).catch(function () { done(); if (box) { box.textContent = label("offline"); } });
  }

  function submit(event) {
    event.preventDefault();
    var input = $("f-body"), body = input.value.trim(), form = $("chat-composer");
    if (hasFiles(form)) { sendWithFiles(form, input, body, null, $("chat-error")); return; }
    if (!body) { return; }
    input.value = "";
    queue(body, null);
  }

  function startEdit(li) {
    var body = li.querySelector(".chat-body");
    if (!body || li.querySelector("textarea")) { return; }
    var area = document.createElement("textarea"); area.value = li.dataset.body || body.textContent; area.rows = 3;
    area.setAttribute("aria-label", label("edit"));
    var save = document.createElement("button"); save.type = "button"; save.className = "button"; save.textContent = label("save");
    var cancel = document.createElement("button"); cancel.type = "button"; cancel.className = "link-button"; cancel.textContent = label("cancel");
    var box = document.createElement("div"); box.className = "chat-edit";
    box.appendChild(area); box.appendChild(save); box.appendChild(cancel);
    body.hidden = true; body.after(box); area.focus();
    cancel.addEventListener("click", function () { box.remove(); body.hidden = false; });
    save.addEventListener("click", function () { act("edit", { message_id: Number(li.dataset.id), body: area.value }); });
  }

  // ------------------------------------------------------------ read state, typing, presence
  function scheduleRead() {
    window.clearTimeout(readTimer);
    readTimer = window.setTimeout(function () {
      if (document.hidden || !socket.connected) { return; }
      var items = list().querySelectorAll("li.chat-message:not(.pending)");
      var last = items.length ? Number(items[items.length - 1].dataset.seq) : 0;
      if (Math.max(last, newest) <= 0 || root.dataset.newest !== "true") { return; }
      socket.emit("read", { channel_id: Number(channelId), seq: Math.max(last, newest) });
    }, 800);
  }

  function onTyping(payload) {
    if (String(payload.channel_id) !== String(channelId) || payload.user.id === Number(userId)) { return; }
    var el = $("chat-typing");
    el.textContent = label("typing", { name: payload.user.name });
    typingFrom = payload.user.id;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { el.textContent = ""; typingFrom = null; }, 5000);
  }

  var present = {};
  function showPresence(rows) {
    present = {};
    rows.forEach(function (row) { present[row.user_id] = row; });
    renderPresence();
  }
  function renderPresence() {
    var el = $("chat-present");
    if (!el) { return; }
    el.textContent = Object.keys(present).map(function (k) { return present[k]; })
      .filter(function (row) { return row.status !== "offline"; })
      .map(function (row) { return row.name + (row.status === "away" ? " (" + row.status + ")" : ""); }).join(", ");
  }
  function sendPresence() {
    if (!socket.connected) { return; }
    socket.emit("presence", { status: document.hidden ? "away" : "online", channel_id: Number(channelId) },
                function (ack) {
                  if (ack && ack.present) { showPresence(ack.present); }
                  // Something was written that never reached us live (a lost event): fetch it.
                  if (ack && ack.last_seq > seen) { catchUp(); }
                });
  }

  // Mention autocomplete (static/js/chat_mentions.js): only people who can see this channel.
  // Keys it does not take: Enter sends (Shift+Enter is a new line); typing tells the channel.
  function wireMentions(input, box, onEnter) {
    window.hubChatMentions(input, box, "/api/v1/channels/" + channelId + "/mentionable?q=",
      function (event) {
        if (event.key === "Enter" && !event.shiftKey) { onEnter(event); return; }
        if (Date.now() - lastTyping > 3000 && socket.connected) {
          lastTyping = Date.now(); socket.emit("typing", { channel_id: Number(channelId) });
        }
      });
  }

  function wireOlder() {
    var link = $("chat-older");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetch("/api/v1/channels/" + channelId + "/messages?timeline=1&before_seq=" + link.dataset.beforeSeq,
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); }).then(function (data) {
          var first = list().firstElementChild;
          data.items.forEach(function (m) { if (!$("m-" + m.id)) { list().insertBefore(buildMessage(m), first); } });
          if (data.next) { link.dataset.beforeSeq = data.next; } else { link.remove(); }
        });
    });
  }

  function start() {
    root = $("chat");
    if (!root || typeof window.io !== "function") { return; }
    channelId = root.dataset.channelId; userId = root.dataset.userId;
    Object.keys(root.dataset).forEach(function (k) {
      if (k.indexOf("l") === 0 && k.length > 1 && k[1] === k[1].toUpperCase()) {
        labels[k[1].toLowerCase() + k.slice(2)] = root.dataset[k];
      }
    });
    reactions = JSON.parse(root.dataset.reactions || "{}");
    // What the page already shows is current as of its rendering (when it is the newest page).
    var rendered = root.dataset.newest === "true" ? Number(root.dataset.lastSeq) : 0;
    newest = rendered;
    seen = Math.max(Number(load(seqKey(channelId), 0)) || 0, rendered);
    store(seqKey(channelId), seen);
    outbox = load(outboxKey(), []).map(function (item) { item.inFlight = false; return item; });
    document.querySelectorAll("#chat-messages li.chat-message, #chat-thread li.chat-message").forEach(function (li) {
      addActions(li, null);
    });

    socket = window.io("/chat", { transports: ["websocket"] });
    window.hubChat = { socket: socket, seen: function () { return seen; } };
    if (window.hubChatSidebar) { window.hubChatSidebar(socket, channelId); }  // badges, live entries
    if (window.hubChatThread) {
      thread = window.hubChatThread({ build: buildMessage, pendingItem: pendingItem, queue: queue, label: label,
                                      userId: userId, wireMentions: wireMentions, hasFiles: hasFiles,
                                      sendWithFiles: sendWithFiles });
    }
    socket.on("connect", function () {
      document.body.dataset.chat = "connected"; setConnection(label("online"));
      joinCurrent();
    });
    socket.on("disconnect", function () { document.body.dataset.chat = "disconnected"; setConnection(label("offline")); });
    socket.on("message", onMessage);
    ["message_edited", "message_deleted", "reaction"].forEach(function (name) { socket.on(name, upsert); });
    socket.on("typing", onTyping);
    socket.on("presence", function (row) { present[row.user_id] = row; renderPresence(); });
    socket.on("channel_access_ended", function (payload) {
      if ((payload.channel_ids || []).map(String).indexOf(String(channelId)) >= 0) {
        list().textContent = ""; window.location.reload();
      }
    });

    var form = $("chat-composer");
    if (form) { form.addEventListener("submit", submit); wireMentions($("f-body"), $("chat-mentions"), submit); }
    wireOlder();
    document.addEventListener("visibilitychange", function () { sendPresence(); scheduleRead(); });
    window.setInterval(sendPresence, 20000);
    var last = list().lastElementChild;
    if (last && !window.location.hash) { last.scrollIntoView({ block: "end" }); }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
