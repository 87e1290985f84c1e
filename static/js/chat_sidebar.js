// chat_sidebar.js: the channel list beside chat (templates/chat/_sidebar.html), kept live.
// - unread badges: the socket joins every listed channel's room; a message by someone else in a
//   channel not on screen adds one, and the person's own reads (on any page) set the count;
// - entries arrive live: a new conversation, a new channel of one's space, a channel one joined
//   or wrote in elsewhere ("channel_added", with its unread count) is built as the template
//   builds it and announced; one left elsewhere ("channel_removed") goes.
// On a channel page chat.js hands over its socket; on the chat home this opens its own.
(function () {
  "use strict";

  var PRIVATE_KINDS = ["affinity", "team", "cohort"];

  function start(socket, currentId) {
    var nav = document.querySelector(".chat-sidebar");
    if (!nav) { return; }
    var me = Number(document.body.dataset.userId);
    function label(name, values) {
      var text = nav.dataset["l" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
      Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
      return text;
    }
    function link(id) { return nav.querySelector('a[data-channel-id="' + id + '"]'); }
    function setBadge(id, count) {
      var badge = nav.querySelector('[data-unread-for="' + id + '"]');
      if (badge) { badge.textContent = count ? String(count) : ""; }
    }
    function join(id, afterSeq) {
      if (String(id) === String(currentId)) { return; }  // chat.js joins the open channel itself
      socket.emit("join", { channel_id: Number(id), after_seq: Number(afterSeq) || 0 }, function (ack) {
        if (ack && ack.ok) { setBadge(id, ack.unread); }
      });
    }
    function joinAll() {
      nav.querySelectorAll("a[data-channel-id]").forEach(function (a) { join(a.dataset.channelId, a.dataset.lastSeq); });
    }

    function span(className, text) {
      var el = document.createElement("span"); el.className = className; el.textContent = text; return el;
    }
    function privateMark(kind) {  // as the privacy_mark macro in templates/_macros.html
      var marks = [];
      if (PRIVATE_KINDS.indexOf(kind) >= 0) {
        var lock = span("lock", "\uD83D\uDD12"); lock.setAttribute("role", "img"); lock.setAttribute("aria-label", label("private"));
        marks.push(lock);
      }
      if (kind === "affinity") { marks.push(document.createTextNode(" ")); marks.push(span("tag members-only", label("membersOnly"))); }
      return marks;
    }
    function entry(channel) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = channel.url; a.dataset.channelId = channel.id; a.dataset.lastSeq = channel.last_seq;
      if (channel.kind === "space") {
        a.appendChild(span("chat-channel-name", "# " + channel.name)); a.appendChild(document.createTextNode(" "));
        var where = span("chat-space-name", "");
        privateMark(channel.space_kind).forEach(function (m) { where.appendChild(m); });
        where.appendChild(document.createTextNode(" " + channel.space_name));
        a.appendChild(where);
      } else {
        a.appendChild(span("chat-channel-name", channel.name));
      }
      a.appendChild(document.createTextNode(" "));
      var badge = span("badge chat-unread", channel.unread ? String(channel.unread) : "");
      badge.dataset.unreadFor = channel.id;
      a.appendChild(badge); a.appendChild(span("visually-hidden", label("unread")));
      li.appendChild(a);
      return li;
    }

    socket.on("connect", joinAll);
    if (socket.connected) { joinAll(); }
    socket.on("message", function (m) {
      if (String(m.channel_id) === String(currentId) || m.author.id === me) { return; }
      var badge = nav.querySelector('[data-unread-for="' + m.channel_id + '"]');
      if (badge) { badge.textContent = String((Number(badge.textContent) || 0) + 1); }
    });
    socket.on("read", function (payload) { setBadge(payload.channel_id, payload.unread); });
    socket.on("channel_added", function (channel) {
      if (link(channel.id)) { setBadge(channel.id, channel.unread); return; }
      var list = nav.querySelector('ul[data-kind="' + channel.kind + '"]');
      if (!list) { return; }
      var none = list.querySelector(".chat-none");
      if (none) { none.remove(); }
      list.insertBefore(entry(channel), channel.kind === "dm" ? list.firstChild : null);
      join(channel.id, channel.last_seq);
      window.hub.announce(label(channel.kind === "dm" ? "newConversation" : "newChannel", { name: channel.name }));
    });
    socket.on("channel_removed", function (payload) {
      var a = link(payload.channel_id);
      if (!a || String(payload.channel_id) === String(currentId)) { return; }
      a.closest("li").remove();
      socket.emit("leave", { channel_id: Number(payload.channel_id) });
    });
  }

  window.hubChatSidebar = start;
  document.addEventListener("DOMContentLoaded", function () {
    // The chat home has no channel open: the sidebar has a socket of its own.
    if (document.getElementById("chat") || !document.querySelector(".chat-sidebar") || typeof window.io !== "function") { return; }
    start(window.io("/chat", { transports: ["websocket"] }), null);
  });
})();
