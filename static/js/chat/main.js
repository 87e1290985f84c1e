// main.js: live chat on a channel page (templates/chat/channel.html), over the /chat socket.
// Nothing is lost or doubled: every message carries seq (its place in the channel) and updated_seq
// (its latest change); the page joins with what it has seen and gets what it missed
// (connection.js), shows each message once (timeline.js), and what one writes waits in an outbox
// until it is stored (outbox.js). Replies live in the thread panel (thread.js). Markup comes from
// the server's <template>s (render.js). Progressive enhancement: without JavaScript the forms post.
import { wireActions } from "./actions.js";
import { wireComposers } from "./composer.js";
import { catchUp, keepUp } from "./connection.js";
import { byId, chat, isHere, isMe } from "./page.js";
import { addActions } from "./render.js";
import { startSidebar } from "./sidebar.js";
import { socket } from "./socket.js";
import { wireThreadPanel } from "./thread.js";
import { seenSeq, upsert, wireOlder } from "./timeline.js";
import { showTyping, stopTyping } from "./typing.js";

// A new message (edits, deletions and reactions go straight to upsert): announced when it lands on
// the timeline (the thread panel announces its replies); other channels' are the sidebar's.
function onMessage(m) {
  if (!isHere(m.channel_id)) { return; }
  stopTyping(m.author.id);
  const before = seenSeq();
  if (upsert(m) && !isMe(m.author.id)) { window.hub.announce(chat.label("newFrom", { name: m.author.name })); }
  catchUpPastGap(m, before);
}

// Every change takes the channel's next seq: a live event past a gap means one was lost on the
// way (say, while Redis was down), so what changed since the last one seen is fetched.
function catchUpPastGap(m, before) {
  if (before && m.updated_seq > before + 1) { catchUp(before); }
}

function onChange(m) {
  if (!isHere(m.channel_id)) { return; }
  const before = seenSeq();
  upsert(m);
  catchUpPastGap(m, before);
}

function start() {
  document.querySelectorAll("#chat-messages li.chat-message, #chat-thread li.chat-message").forEach(addActions);
  // Browser tests reach the socket (to drop it) and the highest seq seen.
  window.hubChat = { socket, seen: seenSeq };
  startSidebar(socket, chat.channelId);
  wireThreadPanel();
  wireActions();
  keepUp();
  socket.on("message", onMessage);
  ["message_edited", "message_deleted", "reaction"].forEach((name) => socket.on(name, onChange));
  socket.on("typing", showTyping);
  socket.on("channel_access_ended", (payload) => {
    if ((payload.channel_ids || []).some(isHere)) { byId("chat-messages").textContent = ""; window.location.reload(); }
  });
  wireComposers();
  wireOlder();
  const last = byId("chat-messages").lastElementChild;
  if (last && !window.location.hash) { last.scrollIntoView({ block: "end" }); }
}

if (chat.root && socket) { start(); }
