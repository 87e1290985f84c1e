// render.js: a message's markup for messages that arrive live. It is not written here: the server
// renders templates/chat/_message.html as a skeleton into #chat-message-template, and this clones
// it, takes out the parts the message has not, and fills in text and attributes (never HTML,
// except the body the server already sanitized, hub content.render).
import { chat, isMe } from "./page.js";
import { cloneTemplate, keepIf, takeOut } from "./templates.js";

const COLOURS = 8;  // as hub.people.avatars.COLOURS: .avatar-c0 to .avatar-c7

export function replyCount(n) { return n === 1 ? chat.label("oneReply") : chat.label("replies", { n }); }
function threadUrl(id) { return `/chat/channels/${chat.channelId}?thread=${id}`; }

// As hub.people.avatars.initials: "Ana María Ruiz" -> "AR".
function initials(name) {
  const words = String(name || "").replace(/\./g, " ").split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  if (!words.length) { return "?"; }
  return (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
}

// The skeleton holds both forms of the avatar macro: the picture, and initials on a circle.
function fillAvatar(meta, author) {
  const [picture, circle] = meta.querySelectorAll(".avatar");
  if (author.avatar_url) { picture.src = author.avatar_url; circle.remove(); return; }
  picture.remove();
  circle.textContent = initials(author.name);
  circle.className = circle.className.replace(/\bavatar-c\d+\b/, "avatar-c" + (Number(author.id) % COLOURS));
}

function fillMeta(meta, m, prefix) {
  fillAvatar(meta, m.author);
  meta.querySelector(".chat-author").textContent = m.author.name;
  const link = meta.querySelector(".chat-time"), time = link.querySelector("time");
  link.href = "/chat/messages/" + m.id;
  time.setAttribute("datetime", m.created_at);
  // In the person's zone, read relative while recent, as the server's times (static/js/times.js).
  time.textContent = window.hubTimes ? window.hubTimes.formatTime(m.created_at) : m.created_at;
  if (window.hubTimes) { window.hubTimes.refresh(link); }
  keepIf(meta.querySelector(".chat-edited"), m.edited_at && !m.deleted);
  // On the timeline a reply shows only when its reader cannot open its thread.
  keepIf(meta.querySelector(".chat-reply-to"), m.parent_id && prefix === "m");
}

// As templates/_attachments.html: pictures shown, other files offered to download.
function fillAttachments(list, items) {
  const picture = takeOut(list, ".attachment-image"), file = takeOut(list, ".attachment-file");
  if (!keepIf(list, items && items.length)) { return; }
  items.forEach((a) => {
    const item = (a.is_image ? picture : file).cloneNode(true), link = item.querySelector("a");
    link.href = a.url;
    if (a.is_image) {
      const img = link.querySelector("img");
      img.src = a.url; img.alt = a.filename;
      if (a.width) { img.width = a.width; img.height = a.height; } else { img.removeAttribute("width"); img.removeAttribute("height"); }
    } else {
      link.textContent = a.filename;
      const size = Math.round(a.size / 102.4) / 10;
      item.querySelector(".meta").textContent = "(" + chat.label("kb", { type: String(a.type).toUpperCase(), size }) + ")";
    }
    list.appendChild(item);
  });
}

// Each reaction a toggle, as the server draws it: pressed when the reader's own is among them.
function fillReactions(box, reactions) {
  const one = takeOut(box, ".chat-reaction");
  Object.keys(reactions || {}).forEach((kind) => {
    const chip = one.cloneNode(true), count = reactions[kind].length;
    chip.dataset.kind = kind;
    chip.textContent = (chat.reactions[kind] || kind) + " " + count;
    chip.setAttribute("aria-pressed", reactions[kind].some(isMe) ? "true" : "false");
    chip.setAttribute("aria-label", chat.label("reactionCount", { kind: chat.reactionNames[kind] || kind, n: count }));
    chip.disabled = !chat.canPost;
    box.appendChild(chip);
  });
}

function fillBody(li, m) {
  const gone = li.querySelector(".chat-body.meta"), body = li.querySelector(".chat-body.prose");
  if (m.deleted) {
    [body, li.querySelector(".attachments"), li.querySelector(".chat-reactions")].forEach((el) => el.remove());
    return;
  }
  gone.remove();
  body.innerHTML = m.body_html;  // sanitized on the server by content.render
  fillAttachments(li.querySelector(".attachments"), m.attachments);
  fillReactions(li.querySelector(".chat-reactions"), m.reactions);
  li.dataset.body = m.body;  // what Edit starts from
}

// A thread's first message shows its reply count; on the timeline, links open its thread.
function fillThreadParts(li, m, prefix) {
  const count = li.querySelector("p.chat-replies"), links = li.querySelector(".chat-thread-links");
  if (keepIf(count, !m.parent_id && prefix === "tp")) { count.textContent = replyCount(m.reply_count); }
  if (!keepIf(links, !m.parent_id && prefix === "m")) { return; }
  const replies = links.querySelector("a.chat-replies"), reply = links.querySelector("a.chat-reply-link");
  [replies, reply].forEach((a) => { a.href = threadUrl(m.id); a.dataset.threadId = m.id; });
  if (keepIf(replies, m.reply_count)) { replies.textContent = replyCount(m.reply_count); }
  keepIf(reply, !m.deleted && chat.canPost);
  keepIf(links, links.querySelector("a"));
}

// prefix: "m" on the timeline, "tp" a thread's first message, "r" a reply in the thread panel.
export function buildMessage(m, prefix = "m") {
  const li = cloneTemplate("chat-message-template");
  li.id = prefix + "-" + m.id;
  li.classList.toggle("deleted", Boolean(m.deleted));
  Object.assign(li.dataset, { id: m.id, seq: m.seq, updatedSeq: m.updated_seq, authorId: m.author.id });
  if (m.parent_id) { li.dataset.parentId = m.parent_id; }
  fillMeta(li.querySelector(".chat-meta"), m, prefix);
  fillBody(li, m);
  fillThreadParts(li, m, prefix);
  addActions(li);
  return li;
}

// What one has written, shown at once while it is on its way.
export function pendingItem(item) {
  const li = cloneTemplate("chat-pending-template");
  li.id = "pending-" + item.client_id;
  li.querySelector(".chat-body").textContent = item.body;
  return li;
}

// React, and Edit or Delete for whom they are (static/js/chat/actions.js does what they say). The
// template is there only for those who may post.
export function addActions(li) {
  if (li.classList.contains("deleted") || li.querySelector(".chat-actions")) { return; }
  const bar = cloneTemplate("chat-actions-template");
  if (!bar) { return; }
  const mine = isMe(li.dataset.authorId);
  keepIf(bar.querySelector('[data-action="edit"]'), mine);
  keepIf(bar.querySelector('[data-action="delete"]'), mine || chat.manage);
  li.appendChild(bar);
}
