// thread.js: the thread panel beside the timeline (templates/chat/_thread.html). Opening a
// message's thread shows it and its replies in a labelled region, moves focus to the reply box (or
// the panel's heading), and keeps the address at ?thread=<id> so a reload or a shared link opens it
// again. Escape or "Close thread" closes it and gives focus back to the link that opened it.
// Replies arrive through timeline.upsert, live or after a reconnect, and are announced in the
// panel's own live region; each is shown once, by id, in seq order, replaced only by a newer version.
import { byId, chat, getJson, isMe } from "./page.js";
import { buildMessage, pendingItem } from "./render.js";

const panel = byId("chat-thread");
const parentList = byId("chat-thread-parent"), replies = byId("chat-thread-replies");
const form = byId("chat-thread-composer"), input = byId("f-thread-body");
let threadId = (panel && panel.dataset.threadId) || null, opener = null, loading = 0;

function announce(text) {
  const live = byId("chat-thread-live");
  live.textContent = "";
  window.setTimeout(() => { live.textContent = text; }, 50);
}

function address(id) {
  const url = new URL(window.location.href);
  if (id) { url.searchParams.set("thread", id); } else { url.searchParams.delete("thread"); }
  url.searchParams.delete("thread_after");
  url.hash = "";
  window.history.replaceState(null, "", url.pathname + url.search);
}

// A reply in seq order; an older copy of the same message gives way to a newer one.
function placeReply(m, quiet) {
  const existing = byId("r-" + m.id);
  if (existing) {
    if (Number(existing.dataset.updatedSeq) < m.updated_seq) { existing.replaceWith(buildMessage(m, "r")); }
    return;
  }
  const pending = m.client_id ? byId("pending-" + m.client_id) : null;
  if (pending) { pending.remove(); }
  const items = replies.querySelectorAll("li.chat-message:not(.pending)");
  let before = null;
  for (let i = items.length - 1; i >= 0; i--) {
    if (Number(items[i].dataset.seq) < m.seq) { break; }
    before = items[i];
  }
  replies.insertBefore(buildMessage(m, "r"), before || replies.querySelector("li.pending"));
  if (!quiet && !m.deleted && !isMe(m.author.id)) { announce(chat.label("newReply", { name: m.author.name })); }
}

function placeParent(m) {
  const existing = parentList.firstElementChild;
  if (existing && Number(existing.dataset.updatedSeq) >= m.updated_seq) { return; }
  parentList.textContent = "";
  parentList.appendChild(buildMessage(m, "tp"));
}

// Every message event of this channel, live or replayed (from timeline.upsert).
export function update(m) {
  if (!panel || !threadId) { return; }
  if (String(m.id) === String(threadId)) { placeParent(m); } else if (String(m.parent_id) === String(threadId)) { placeReply(m, false); }
}

function loadReplies(id, after, token) {
  return getJson(`/api/v1/messages/${id}/replies?limit=200` + (after ? "&after_seq=" + after : "")).then((data) => {
    if (token !== loading) { return null; }  // another thread was opened meanwhile
    data.items.forEach((m) => placeReply(m, true));
    return data.next ? loadReplies(id, data.next, token) : null;
  });
}

function open(id, from) {
  id = String(id);
  opener = from ? { kind: from.classList.contains("chat-replies") ? "chat-replies" : "chat-reply-link" } : null;
  if (threadId !== id) {
    threadId = id;
    parentList.textContent = ""; replies.textContent = "";
    const later = byId("chat-thread-later");
    if (later) { later.parentNode.remove(); }
    const token = ++loading;
    getJson("/api/v1/messages/" + id).then((m) => {
      if (token === loading) { placeParent(m); }
      return loadReplies(id, null, token);
    }).catch(() => { if (token === loading) { close(); } });
  }
  panel.dataset.threadId = id;
  if (form) { form.elements.parent_id.value = id; }
  panel.hidden = false;
  panel.parentNode.classList.add("has-thread");
  address(id);
  (input || byId("chat-thread-title")).focus();
}

function close() {
  const was = threadId;
  threadId = null; loading++;
  panel.hidden = true; panel.dataset.threadId = "";
  panel.parentNode.classList.remove("has-thread");
  address(null);
  const message = was && byId("m-" + was);
  const back = message && (message.querySelector("a." + (opener ? opener.kind : "chat-replies")) ||
                           message.querySelector("a.chat-thread-open"));
  (back || byId("f-body") || byId("chat-title")).focus();
  opener = null;
}

export function currentThread() { return threadId; }
export function isOpen(id) { return threadId !== null && String(id) === String(threadId); }

// The reply box and where its errors go (composer.js and outbox.js write to them).
export function composer() { return { form, input, error: byId("chat-thread-error") }; }

export function showPending(item) {
  if (!panel || String(item.parent_id) !== String(threadId) || byId("pending-" + item.client_id)) { return; }
  replies.appendChild(pendingItem(item));
}

// Links that open a thread (also on messages drawn later), the close link, Escape.
export function wireThreadPanel() {
  if (!panel) { return; }
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.chat-thread-open");
    if (link && !event.defaultPrevented && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      open(link.dataset.threadId, link);
    }
  });
  byId("chat-thread-close").addEventListener("click", (event) => { event.preventDefault(); close(); });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented && threadId) { event.preventDefault(); close(); }
  });
  byId("chat-thread-keys").hidden = false;
  if (threadId) { panel.parentNode.classList.add("has-thread"); }
}
