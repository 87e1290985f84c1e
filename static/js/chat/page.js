// page.js: what the channel page (templates/chat/channel.html) says about itself in #chat's data
// attributes, read once; and the small helpers every chat module shares.
import { labelsOf } from "./labels.js";

const root = document.getElementById("chat");
const data = root ? root.dataset : {};

export const chat = {
  root,
  channelId: data.channelId,
  userId: data.userId,
  canPost: data.canPost === "true",
  manage: data.manage === "true",
  newest: data.newest === "true",  // false on a page of older messages: new ones belong on the newest
  lastSeq: Number(data.lastSeq) || 0,
  reactions: JSON.parse(data.reactions || "{}"),  // kind -> emoji
  reactionNames: JSON.parse(data.reactionNames || "{}"),  // kind -> its name in words ("thumbs up")
  label: labelsOf(root),
};

export function byId(id) { return document.getElementById(id); }
export function isHere(channelId) { return String(channelId) === String(chat.channelId); }
export function isMe(userId) { return String(userId) === String(chat.userId); }

// GET from the API as the signed-in person; a refusal rejects with its status.
export function getJson(url) {
  return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then((r) => {
    if (!r.ok) { const error = new Error(String(r.status)); error.status = r.status; throw error; }
    return r.json();
  });
}

export function newClientId() {
  if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
  return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
}
