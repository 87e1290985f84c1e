// home.js: the chat home (templates/chat/index.html). No channel is open there, so the sidebar
// (badges, live entries) has the page's socket to itself.
import { socket } from "./socket.js";
import { startSidebar } from "./sidebar.js";

if (socket) { startSidebar(socket, null); }
