// composer.js: the two message boxes, the channel's (#chat-composer) and the thread's reply box.
// Enter sends (Shift+Enter is a new line); @ offers the people who can see this channel; typing
// tells the channel. Without scripts both are plain forms that post and reload.
import { wireMentions } from "./mentions.js";
import { hasFiles, queue, sendWithFiles } from "./outbox.js";
import { byId, chat } from "./page.js";
import * as thread from "./thread.js";
import { tellTyping } from "./typing.js";

function wireBox(input, list, send) {
  wireMentions(input, list, `/api/v1/channels/${chat.channelId}/mentionable?q=`, (event) => {
    if (event.key === "Enter" && !event.shiftKey) { send(event); return; }
    tellTyping();
  });
}

function sendMessage(event) {
  event.preventDefault();
  const form = byId("chat-composer"), input = byId("f-body"), body = input.value.trim();
  if (hasFiles(form)) { sendWithFiles(form, input, body, null, byId("chat-error")); return; }
  if (!body) { return; }
  input.value = "";
  queue(body, null);
}

function sendReply(event) {
  event.preventDefault();
  const { form, input, error } = thread.composer(), id = thread.currentThread(), body = input.value.trim();
  if (id && hasFiles(form)) { sendWithFiles(form, input, body, Number(id), error); return; }
  if (!body || !id) { return; }
  input.value = "";
  queue(body, Number(id));
}

export function wireComposers() {
  const form = byId("chat-composer");
  if (form) { form.addEventListener("submit", sendMessage); wireBox(byId("f-body"), byId("chat-mentions"), sendMessage); }
  const reply = thread.composer();
  if (reply.form && reply.input) {
    reply.form.addEventListener("submit", sendReply);
    wireBox(reply.input, byId("chat-thread-mentions"), sendReply);
  }
}
