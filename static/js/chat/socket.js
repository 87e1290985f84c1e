// socket.js: the page's one connection to the /chat namespace, shared by every chat module.
// Websocket only: it works behind several server processes without sticky sessions.
// null where Socket.IO did not load: the page then stays as the server drew it, forms and all.
export const socket = typeof window.io === "function" ? window.io("/chat", { transports: ["websocket"] }) : null;
