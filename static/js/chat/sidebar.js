// sidebar.js: the channel list beside chat (templates/chat/_sidebar.html), kept live.
// - unread badges: the socket joins every listed channel's room; a message by someone else in a
//   channel not on screen adds one, and the person's own reads (on any page) set the count;
// - entries arrive live: a new conversation, a new channel of one's space, a channel one joined or
//   wrote in elsewhere ("channel_added", with its unread count) is cloned from the sidebar's own
//   entry <template> and announced; one left elsewhere ("channel_removed") goes.
import { labelsOf } from "./labels.js";
import { cloneTemplate, keepIf } from "./templates.js";

const PRIVATE_KINDS = ["affinity", "team", "cohort"];  // as the privacy_mark macro (templates/_macros.html)

// An entry as the sidebar's macro draws it; its template carries every mark, and keeps the space's own.
function entry(channel) {
  const li = cloneTemplate(channel.kind === "dm" ? "chat-entry-dm" : "chat-entry-space"), a = li.querySelector("a");
  a.href = channel.url;
  a.dataset.channelId = channel.id;
  a.dataset.lastSeq = channel.last_seq;
  a.querySelector(".chat-channel-name").append(channel.name);  // after the "# " a channel's name has
  const where = a.querySelector(".chat-space-name");
  if (where) {
    keepIf(where.querySelector(".lock"), PRIVATE_KINDS.includes(channel.space_kind));
    keepIf(where.querySelector(".members-only"), channel.space_kind === "affinity");
    where.append(channel.space_name);
  }
  a.querySelector(".chat-unread").dataset.unreadFor = channel.id;
  showCount(a, channel.unread);
  return li;
}

// The badge shows the number; the words beside it, for screen readers, say "unread" only when
// there is something unread (an empty badge reads as nothing).
function showCount(a, count) {
  const badge = a.querySelector(".chat-unread"), words = a.querySelector(".chat-unread-words");
  badge.textContent = count ? String(count) : "";
  if (words) { words.textContent = count ? ` ${words.dataset.word}` : ""; }
}

// currentId: the channel open on this page (its own module joins it), or null on the chat home.
export function startSidebar(socket, currentId) {
  const nav = document.querySelector(".chat-sidebar");
  if (!nav) { return; }
  const label = labelsOf(nav), me = Number(document.body.dataset.userId);
  const link = (id) => nav.querySelector(`a[data-channel-id="${id}"]`);
  const isOpen = (id) => String(id) === String(currentId);

  function setBadge(id, count) {
    const a = link(id);
    if (a) { showCount(a, count); }
  }
  function join(id, afterSeq) {
    if (isOpen(id)) { return; }
    socket.emit("join", { channel_id: Number(id), after_seq: Number(afterSeq) || 0 }, (ack) => {
      if (ack && ack.ok) { setBadge(id, ack.unread); }
    });
  }
  function joinAll() { nav.querySelectorAll("a[data-channel-id]").forEach((a) => join(a.dataset.channelId, a.dataset.lastSeq)); }

  socket.on("connect", joinAll);
  if (socket.connected) { joinAll(); }
  socket.on("message", (m) => {
    if (isOpen(m.channel_id) || m.author.id === me) { return; }
    const a = link(m.channel_id);
    if (a) { showCount(a, (Number(a.querySelector(".chat-unread").textContent) || 0) + 1); }
  });
  socket.on("read", (payload) => setBadge(payload.channel_id, payload.unread));
  socket.on("channel_added", (channel) => {
    if (link(channel.id)) { setBadge(channel.id, channel.unread); return; }
    const list = nav.querySelector(`ul[data-kind="${channel.kind}"]`);
    if (!list) { return; }
    const none = list.querySelector(".chat-none");
    if (none) { none.remove(); }
    list.insertBefore(entry(channel), channel.kind === "dm" ? list.firstChild : null);
    join(channel.id, channel.last_seq);
    window.hub.announce(label(channel.kind === "dm" ? "newConversation" : "newChannel", { name: channel.name }));
  });
  socket.on("channel_removed", (payload) => {
    const a = link(payload.channel_id);
    if (!a || isOpen(payload.channel_id)) { return; }
    a.closest("li").remove();
    socket.emit("leave", { channel_id: Number(payload.channel_id) });
  });
}
