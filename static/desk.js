// The desk: keyboard shortcuts on the moderation tabs (j / k next and previous reply, a approve,
// h hide: the current reply's own buttons, so the forms and their CSRF tokens do the work), and
// the Recent tab kept live from the desk's stream. Without JavaScript every button works and a
// reload shows what arrived.
(function () {
  "use strict";
  var ROWS = "ul.queue > li, ul.desk > li";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(ROWS));
  }
  function current() {
    return document.querySelector("ul.queue > li.current, ul.desk > li.current");
  }
  function select(row) {
    var was = current();
    if (was) was.classList.remove("current");
    if (!row) return;
    row.classList.add("current");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    select(all[next]);
  }
  function press(suffix) {
    var row = current();
    var form = row && row.querySelector('form[action$="/' + suffix + '"]');
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": press("approve"); break;
      case "h": press("hide"); break;
      default: return;
    }
    event.preventDefault();
  });

  var list = document.querySelector("ul.desk[data-desk-live]");
  if (!list || !window.EventSource) return;
  var source = new EventSource(list.getAttribute("data-desk-live"));

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }
  // A row as the stream renders it, with this editor's CSRF token in its forms.
  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var row = template.content.firstElementChild;
    if (!row) return null;
    var token = list.getAttribute("data-csrf") || "";
    row.querySelectorAll('input[name="csrf"]').forEach(function (input) { input.value = token; });
    return row;
  }
  function existing(id) {
    return document.getElementById("desk-" + id);
  }

  source.addEventListener("reply", function (event) {
    var data = parse(event);
    if (!data || existing(data.id)) return;
    var row = fragment(data.html);
    if (!row) return;
    list.insertBefore(row, list.firstChild);
    var empty = document.querySelector("p.empty");
    if (empty) empty.remove();
  });

  source.addEventListener("change", function (event) {
    var data = parse(event);
    var was = data && existing(data.id);
    var row = was && fragment(data.html);
    if (!row) return;
    if (was.classList.contains("current")) row.classList.add("current");
    was.replaceWith(row);
  });

  source.addEventListener("remove", function (event) {
    var data = parse(event);
    var was = data && existing(data.id);
    if (!was) return;
    if (was.classList.contains("current")) move(1);
    was.remove();
  });
})();
