// labels.js: the words the chat scripts show, translated on the server (Flask-Babel) into an
// element's data-l-* attributes: data-l-new-from="New message from {name}" is
// label("newFrom", { name }). No English lives in the scripts.
export function labelsOf(element) {
  return function label(name, values = {}) {
    const key = "l" + name.charAt(0).toUpperCase() + name.slice(1);
    let text = (element && element.dataset[key]) || "";
    // A function as replacement, so a "$&" in someone's name stays as typed.
    Object.keys(values).forEach((k) => { text = text.replace("{" + k + "}", () => String(values[k])); });
    return text;
  };
}
