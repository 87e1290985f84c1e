// mentions.js: @mention autocomplete for a message box: a listbox the keyboard drives (arrows
// move, Enter or Tab takes, Escape closes). `url` + the typed handle answers with the people who
// can see the channel; `otherKeys(event)` gets every key the list does not take.
import { getJson } from "./page.js";

export function wireMentions(input, box, url, otherKeys) {
  let active = -1, timer = null;
  const options = () => box.querySelectorAll("li");

  function typedHandle() {
    const match = /(^|[\s(])@([\w.\-]{0,40})$/.exec(input.value.slice(0, input.selectionStart));
    return match ? match[2] : null;
  }
  function close() {
    box.hidden = true; active = -1;
    input.removeAttribute("aria-activedescendant");  // a textarea (textbox) takes no aria-expanded
  }
  function highlight(i) {
    const all = options();
    active = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((o, j) => o.setAttribute("aria-selected", j === active ? "true" : "false"));
    if (all[active]) { input.setAttribute("aria-activedescendant", all[active].id); }
  }
  function choose(handle) {
    const start = input.selectionStart, upto = input.value.slice(0, start).replace(/@[\w.\-]*$/, "@" + handle + " ");
    input.value = upto + input.value.slice(start);
    input.selectionStart = input.selectionEnd = upto.length;
    close(); input.focus();
  }
  function show(items) {
    if (!items || !items.length) { close(); return; }
    box.textContent = "";
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option"); li.id = box.id + "-" + i;
      li.dataset.handle = item.handle; li.textContent = item.name + " @" + item.handle;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(item.handle); });
      box.appendChild(li);
    });
    box.hidden = false; highlight(0);
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const handle = typedHandle();
      if (handle === null) { close(); return; }
      getJson(url + encodeURIComponent(handle)).then((data) => show(data.items), close);
    }, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (!box.hidden) {
      const all = options();
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); return; }
      if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); return; }
      if ((event.key === "Enter" || event.key === "Tab") && all[active]) {
        event.preventDefault(); choose(all[active].dataset.handle); return;
      }
      if (event.key === "Escape") { event.preventDefault(); close(); return; }  // not the thread panel too
    }
    otherKeys(event);
  });
  input.addEventListener("blur", () => { window.setTimeout(close, 150); });
}
