// timeline.js: the channel's messages on screen (#chat-messages). Each is shown once, by id, in seq
// order, and replaced only by a newer version of itself (updated_seq). `seen`, the highest seq this
// page has had, is kept (store.js) so a reconnect or a reload asks only for the rest. A reply lives
// in its thread (thread.js); it stays on the timeline only when its reader may not open the thread.
import { byId, chat, getJson, isHere, isMe } from "./page.js";
import { buildMessage, pendingItem } from "./render.js";
import { socket } from "./socket.js";
import { loadSeen, saveSeen } from "./store.js";
import * as thread from "./thread.js";

// What the page already shows is current as of its rendering (when it is the newest page).
let newest = chat.newest ? chat.lastSeq : 0;
let seen = Math.max(loadSeen(chat.channelId), newest);
saveSeen(chat.channelId, seen);
const parentShown = {};  // parent id -> may this reader open its thread (asked once)
let readTimer = null;

const list = () => byId("chat-messages");
const shown = () => list().querySelectorAll("li.chat-message:not(.pending)");

export function seenSeq() { return seen; }

// Every version of every message of this channel comes here, live or replayed.
// Returns true when it is new on the timeline.
export function upsert(m) {
  if (!isHere(m.channel_id)) { return false; }
  seen = Math.max(seen, m.updated_seq, m.seq);
  newest = Math.max(newest, m.seq);
  saveSeen(chat.channelId, seen);
  thread.update(m);
  const existing = byId("m-" + m.id);
  if (existing) {
    if (Number(existing.dataset.updatedSeq) < m.updated_seq) { existing.replaceWith(buildMessage(m)); }
    return false;
  }
  const pending = isMe(m.author.id) && m.client_id ? byId("pending-" + m.client_id) : null;
  if (pending) { pending.remove(); }
  if (m.parent_id) { timelineIfThreadClosed(m); scheduleRead(); return false; }
  return insertOnTimeline(m);
}

// The server answers 404 for a parent this reader may not see: then its replies are theirs to read here.
function timelineIfThreadClosed(m) {
  const known = parentShown[m.parent_id];
  if (known === true || byId("m-" + m.parent_id) || thread.isOpen(m.parent_id)) { return; }
  if (known === false) { insertOnTimeline(m); return; }
  getJson("/api/v1/messages/" + m.parent_id).then(() => { parentShown[m.parent_id] = true; }, (error) => {
    if (error.status) { parentShown[m.parent_id] = error.status !== 404; }
    if (error.status === 404 && !byId("m-" + m.id)) { insertOnTimeline(m); }
  });
}

function insertOnTimeline(m) {
  if (!chat.newest) { return false; }
  const items = shown();
  let before = null;
  for (let i = items.length - 1; i >= 0; i--) {
    if (Number(items[i].dataset.seq) < m.seq) { break; }
    before = items[i];
  }
  list().insertBefore(buildMessage(m), before || list().querySelector("li.pending"));
  scheduleRead();
  return true;
}

export function showPending(item) {
  if (!byId("pending-" + item.client_id)) { list().appendChild(pendingItem(item)); }
}

// Tell the server how far this person has read, once the messages settle and the page is seen.
export function scheduleRead() {
  window.clearTimeout(readTimer);
  readTimer = window.setTimeout(() => {
    if (document.hidden || !socket.connected || !chat.newest) { return; }
    const items = shown();
    const last = Math.max(items.length ? Number(items[items.length - 1].dataset.seq) : 0, newest);
    if (last > 0) { socket.emit("read", { channel_id: Number(chat.channelId), seq: last }); }
  }, 800);
}

// "Older messages" loads the page before in place (without scripts it is a link to it).
export function wireOlder() {
  const link = byId("chat-older");
  if (!link) { return; }
  link.addEventListener("click", (event) => {
    event.preventDefault();
    getJson(`/api/v1/channels/${chat.channelId}/messages?timeline=1&before_seq=${link.dataset.beforeSeq}`).then((data) => {
      const first = list().firstElementChild;
      data.items.forEach((m) => { if (!byId("m-" + m.id)) { list().insertBefore(buildMessage(m), first); } });
      if (data.next) { link.dataset.beforeSeq = data.next; } else { link.remove(); }
    });
  });
}
