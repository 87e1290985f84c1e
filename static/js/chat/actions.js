// actions.js: what the buttons under a message do (render.js puts them there): React, Edit, Delete.
// The listeners sit on the document, so messages drawn later need no wiring of their own.
import { byId, chat } from "./page.js";
import { socket } from "./socket.js";
import { cloneTemplate } from "./templates.js";
import { upsert } from "./timeline.js";

function act(event, payload) {
  socket.timeout(10000).emit(event, payload, (err, ack) => {
    const box = byId("chat-error");
    if (err) { if (box) { box.textContent = chat.label("offline"); } return; }
    if (ack && ack.error) { if (box) { box.textContent = ack.error.message; } return; }
    if (box) { box.textContent = ""; }
    if (ack && ack.message) { upsert(ack.message); }  // the edited message replaces the edit box
  });
}

function closePicker(picker) {
  picker.open = false;
  picker.querySelector("summary").focus();
}

function startEdit(li) {
  const body = li.querySelector(".chat-body");
  if (!body || li.querySelector(".chat-edit")) { return; }
  const box = cloneTemplate("chat-edit-template"), area = box.querySelector("textarea");
  area.value = li.dataset.body || body.textContent;
  body.hidden = true;
  body.after(box);
  area.focus();
}

function onClick(event) {
  const button = event.target.closest && event.target.closest(".chat-actions button, .chat-edit button, button.chat-reaction");
  const li = button && button.closest("li.chat-message");
  if (!li) { return; }
  const id = Number(li.dataset.id), action = button.dataset.action;
  if (button.classList.contains("chat-reaction")) {  // a reaction under the message: add or take back one's own
    act("react", { message_id: id, kind: button.dataset.kind });
  } else if (button.dataset.kind) {  // a choice in the React picker closes it, focus back on its button
    act("react", { message_id: id, kind: button.dataset.kind });
    closePicker(button.closest("details"));
  } else if (action === "edit") {
    startEdit(li);
  } else if (action === "delete") {
    if (window.confirm(chat.label("confirmDelete"))) { act("delete", { message_id: id }); }
  } else if (action === "save") {
    act("edit", { message_id: id, body: li.querySelector(".chat-edit textarea").value });
  } else if (action === "cancel") {
    li.querySelector(".chat-edit").remove();
    li.querySelector(".chat-body").hidden = false;
  }
}

// Escape closes an open React picker. Heard while the key goes down the page (capture), so the
// picker closes before the thread panel hears it, as when each picker had its own listener.
// In the box that edits a message, the composer's keys: Enter saves (Shift+Enter: a new line),
// Escape cancels.
function onKeydown(event) {
  const picker = event.key === "Escape" && event.target.closest && event.target.closest("details.react-picker");
  if (picker && picker.open) { closePicker(picker); return; }
  const edit = event.target.closest && event.target.closest(".chat-edit");
  if (!edit || event.target.tagName !== "TEXTAREA") { return; }
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    edit.querySelector('[data-action="save"]').click();
  } else if (event.key === "Escape") {
    event.preventDefault(); event.stopPropagation();  // (not the thread panel too)
    edit.querySelector('[data-action="cancel"]').click();
  }
}

export function wireActions() {
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown, true);
}
