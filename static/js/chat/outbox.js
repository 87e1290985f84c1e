// outbox.js: sending, so that nothing written is lost or doubled. Words wait in the outbox
// (store.js) with their client_id until the server's ack says they are stored; what had no answer
// goes again on reconnect, and the server stores a client_id once. Pictures and files go with their
// words by the API's multipart send (the socket carries words only) and come back like any message.
import { byId, chat, isHere, newClientId } from "./page.js";
import { socket } from "./socket.js";
import { loadOutbox, saveOutbox } from "./store.js";
import * as thread from "./thread.js";
import * as timeline from "./timeline.js";

let outbox = loadOutbox();
const RETRY_AFTER = 3000;  // ms after a send that had no answer

// A reply waits in its thread; a message at the end of the timeline.
function showPending(item) {
  if (item.parent_id) { thread.showPending(item); } else { timeline.showPending(item); }
}
const errorBox = (item) => (item.parent_id ? thread.composer().error : byId("chat-error"));
const inputOf = (item) => (item.parent_id ? thread.composer().input : byId("f-body"));

function sendItem(item) {
  if (!socket.connected || item.inFlight || !outbox.some((o) => o.client_id === item.client_id)) { return; }
  item.inFlight = true;
  showPending(item);
  const payload = { channel_id: item.channel_id, body: item.body, client_id: item.client_id, parent_id: item.parent_id || null };
  socket.timeout(10000).emit("send", payload, (err, ack) => {
    item.inFlight = false;
    // No answer: it stays in the outbox and goes again, with the same client_id (stored once),
    // in a moment if the socket is still up, else on reconnect.
    if (err) { window.setTimeout(() => sendItem(item), RETRY_AFTER); return; }
    const box = errorBox(item);
    if (ack.error && ack.error.code === "rate_limited") {
      if (box) { box.textContent = ack.error.message; }
      window.setTimeout(() => sendItem(item), (ack.error.retry_after || 1) * 1000);
      return;
    }
    outbox = outbox.filter((o) => o.client_id !== item.client_id);
    saveOutbox(outbox);
    if (ack.error) {  // refused: give the words back so nothing typed is lost
      const pending = byId("pending-" + item.client_id);
      if (pending) { pending.remove(); }
      const input = inputOf(item);
      if (input && !input.value) { input.value = item.body; }
      if (box) { box.textContent = ack.error.message; }
      return;
    }
    if (box) { box.textContent = ""; }
    timeline.upsert(ack.message);
  });
}

// What waits for this channel goes (on every join: the socket is back).
export function flushOutbox() { outbox.filter((item) => isHere(item.channel_id)).forEach(sendItem); }

// Words written on the timeline (parentId null) or as a reply in a thread.
export function queue(body, parentId) {
  const item = { channel_id: Number(chat.channelId), body, client_id: newClientId(), parent_id: parentId || null };
  outbox.push(item);
  saveOutbox(outbox);
  showPending(item);
  sendItem(item);
}

export function hasFiles(form) {
  const files = form && form.querySelector('input[type="file"]');
  return Boolean(files && files.files && files.files.length);
}

// One multipart send through the API; what it stored comes back as the message.
export function sendWithFiles(form, input, body, parentId, box) {
  const data = new window.FormData();
  data.append("body", body);
  data.append("client_id", newClientId());
  if (parentId) { data.append("parent_id", parentId); }
  Array.from(form.querySelector('input[type="file"]').files).forEach((f) => data.append("files", f));
  const button = form.querySelector('button[type="submit"]');
  const done = () => { if (button) { button.disabled = false; } };
  if (button) { button.disabled = true; }
  if (box) { box.textContent = chat.label("sending"); }
  fetch(`/api/v1/channels/${chat.channelId}/messages`, {
    method: "POST", credentials: "same-origin", body: data,
    headers: { "Accept": "application/json", "X-CSRFToken": window.hub.csrfToken() },
  }).then((r) => r.json().catch(() => ({})).then((d) => ({ ok: r.ok, data: d }))).then((r) => {
    done();
    if (!r.ok) {  // refused: the words and the files stay where they were, with what to fix
      if (box) { box.textContent = (r.data.error && r.data.error.message) || chat.label("offline"); }
      return;
    }
    if (box) { box.textContent = ""; }
    input.value = "";
    form.dispatchEvent(new window.Event("hub:sent"));  // attach.js empties its list
    timeline.upsert(r.data);
  }).catch(() => { done(); if (box) { box.textContent = chat.label("offline"); } });
}
