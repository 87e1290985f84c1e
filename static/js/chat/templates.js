// templates.js: markup comes from <template>s the server renders from its own partials
// (templates/chat/_templates.html, _sidebar.html), so a page and its scripts draw one thing one way.
// Scripts clone them and fill in text and attributes; parts a case has not are taken out.

export function cloneTemplate(id) {
  const template = document.getElementById(id);
  const first = template && template.content.firstElementChild;
  return first ? document.importNode(first, true) : null;
}

// Keep `element` only when `wanted`; says whether it was kept.
export function keepIf(element, wanted) {
  if (element && !wanted) { element.remove(); }
  return Boolean(element && wanted);
}

// A part drawn once per item (a reaction, an attachment): taken out, to be copied for each.
export function takeOut(root, selector) {
  const part = root.querySelector(selector);
  if (part) { part.remove(); }
  return part;
}
