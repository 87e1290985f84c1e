// presence.js: who is here now (#chat-present), from the join's and presence acks (everyone) and
// presence events (one person at a time).
import { byId, chat } from "./page.js";

let present = {};

function render() {
  const el = byId("chat-present");
  if (!el) { return; }
  el.textContent = Object.values(present).filter((row) => row.status !== "offline")
    .map((row) => (row.status === "away" ? chat.label("away", { name: row.name }) : row.name)).join(", ");
}

export function showPresence(rows) {
  present = {};
  rows.forEach((row) => { present[row.user_id] = row; });
  render();
}

export function updatePresence(row) { present[row.user_id] = row; render(); }
