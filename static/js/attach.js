// attach.js: pictures and files pasted or dropped into a message box join the file input beside
// it (templates/_attach_field.html), which is always there and works alone without JavaScript;
// the form then posts them as if they had been chosen there. What is attached is listed, each with
// a button that takes it off. The server checks every file again (hub.attachments).
(function () {
  "use strict";

  function text(field, name, values) {
    var out = field.dataset[name] || "";
    Object.keys(values).forEach(function (k) { out = out.replace("{" + k + "}", values[k]); });
    return out;
  }

  function wire(field) {
    var input = field.querySelector('input[type="file"]');
    var list = field.querySelector(".attach-list");
    var form = field.closest("form");
    var box = form ? form.querySelector("textarea") : null;
    if (!input || !list || typeof window.DataTransfer !== "function") { return; }
    var hint = field.querySelector(".attach-js-hint");
    if (hint) { hint.hidden = false; }

    // The input's files are replaced as a whole: the ones it has, then the new ones.
    function set(files) {
      var all = new window.DataTransfer();
      files.forEach(function (file) { all.items.add(file); });
      input.files = all.files;
      show();
    }
    function current() { return Array.prototype.slice.call(input.files || []); }
    function add(files) { if (files.length) { set(current().concat(files)); } }

    function show() {
      list.textContent = "";
      current().forEach(function (file, i) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = file.name + " (" + text(field, "lSize", { size: (file.size / 1024).toFixed(1) }) + ")";
        var remove = document.createElement("button");
        remove.type = "button"; remove.className = "link-button";
        remove.textContent = text(field, "lRemove", { name: file.name });
        remove.addEventListener("click", function () {
          set(current().filter(function (_f, j) { return j !== i; }));
          input.focus();
        });
        item.appendChild(name); item.appendChild(remove);
        list.appendChild(item);
      });
    }

    function filesOf(transfer) { return transfer ? Array.prototype.slice.call(transfer.files || []) : []; }

    input.addEventListener("change", show);
    if (box) {
      box.addEventListener("paste", function (event) {
        var files = filesOf(event.clipboardData);
        if (!files.length) { return; }  // words are pasted as usual
        event.preventDefault();
        add(files);
      });
    }
    [box, field].forEach(function (target) {
      if (!target) { return; }
      target.addEventListener("dragover", function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0) {
          event.preventDefault(); field.classList.add("dragging");
        }
      });
      target.addEventListener("dragleave", function () { field.classList.remove("dragging"); });
      target.addEventListener("drop", function (event) {
        field.classList.remove("dragging");
        var files = filesOf(event.dataTransfer);
        if (!files.length) { return; }
        event.preventDefault();
        add(files);
      });
    });
    // After a send that went without reloading the page (chat), the form says so.
    if (form) { form.addEventListener("hub:sent", function () { set([]); }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".attach-field").forEach(wire);
  });
})();
