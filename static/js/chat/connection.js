// connection.js: keeping up with the channel. On every (re)connect the page joins with after_seq a
// little below what it has seen and gets what it missed, then sends what waits in the outbox; a
// longer gap comes from the API page by page, as does one a live event shows (main.js). Presence, said every 20 seconds and when the tab is
// hidden or shown, is answered with the last seq written, so an event lost on the way is fetched too.
import { showPresence, updatePresence } from "./presence.js";
import { byId, chat, getJson } from "./page.js";
import { flushOutbox } from "./outbox.js";
import { socket } from "./socket.js";
import { scheduleRead, seenSeq, upsert } from "./timeline.js";

const OVERLAP = 50;  // re-ask a few seqs back: emits of concurrent commits may arrive out of order

function setConnection(text) { const el = byId("chat-connection"); if (el) { el.textContent = text; } }

// What changed after `after` (by default, the highest seq seen), page by page.
export function catchUp(after) {
  const from = after === undefined ? seenSeq() : after;
  getJson(`/api/v1/channels/${chat.channelId}/messages?limit=200&after_seq=${from}`).then((data) => {
    (data.items || []).forEach(upsert);
    if (data.next) { catchUp(Number(data.next)); }
  });
}

function joinChannel() {
  const payload = { channel_id: Number(chat.channelId), after_seq: Math.max(0, seenSeq() - OVERLAP) };
  socket.timeout(15000).emit("join", payload, (err, ack) => {
    if (err || !ack) { return; }
    if (ack.error) { setConnection(ack.error.message); return; }
    ack.missed.forEach(upsert);
    showPresence(ack.present || []);
    if (ack.more) { catchUp(); }
    flushOutbox();
    scheduleRead();
  });
}

function sendPresence() {
  if (!socket.connected) { return; }
  socket.emit("presence", { status: document.hidden ? "away" : "online", channel_id: Number(chat.channelId) }, (ack) => {
    if (ack && ack.present) { showPresence(ack.present); }
    if (ack && ack.last_seq > seenSeq()) { catchUp(); }
  });
}

export function keepUp() {
  socket.on("connect", () => {
    document.body.dataset.chat = "connected";
    setConnection(chat.label("online"));
    joinChannel();
  });
  socket.on("disconnect", () => {
    document.body.dataset.chat = "disconnected";
    setConnection(chat.label("offline"));
  });
  socket.on("presence", updatePresence);
  document.addEventListener("visibilitychange", () => { sendPresence(); scheduleRead(); });
  window.setInterval(sendPresence, 20000);
}
