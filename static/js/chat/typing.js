// typing.js: "… is typing" both ways. This page tells the channel at most every 3 seconds while
// keys go down; another person's line shows for 5 seconds, or until their message arrives.
import { byId, chat, isHere, isMe } from "./page.js";
import { socket } from "./socket.js";

let lastTold = 0, timer = null, typist = null;

export function tellTyping() {
  if (Date.now() - lastTold > 3000 && socket.connected) {
    lastTold = Date.now();
    socket.emit("typing", { channel_id: Number(chat.channelId) });
  }
}

function clear() { window.clearTimeout(timer); byId("chat-typing").textContent = ""; typist = null; }

export function showTyping(payload) {
  if (!isHere(payload.channel_id) || isMe(payload.user.id)) { return; }
  byId("chat-typing").textContent = chat.label("typing", { name: payload.user.name });
  typist = payload.user.id;
  window.clearTimeout(timer);
  timer = window.setTimeout(clear, 5000);
}

// Their message is here: they are no longer typing it.
export function stopTyping(authorId) { if (typist !== null && String(typist) === String(authorId)) { clear(); } }
