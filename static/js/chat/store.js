// store.js: what outlives a reload, per person, in localStorage: the highest seq seen in each
// channel (so a page asks only for what it missed) and the outbox (written, not yet stored).
// Private browsing may refuse storage: then each page starts afresh, and nothing breaks.
import { chat } from "./page.js";

function save(key, value) {
  try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage refused */ }
}
function load(key, fallback) {
  try { const v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
}

const seqKey = (channelId) => `hub.chat.seq.${chat.userId}.${channelId}`;
const outboxKey = () => `hub.chat.outbox.${chat.userId}`;

export function loadSeen(channelId) { return Number(load(seqKey(channelId), 0)) || 0; }
export function saveSeen(channelId, seq) { save(seqKey(channelId), seq); }

export function loadOutbox() { return load(outboxKey(), []); }
// Whether an item is on its way is this page's business, not the next one's.
export function saveOutbox(items) { save(outboxKey(), items.map(({ inFlight, ...item }) => item)); }
