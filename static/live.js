// Live story pages: new, edited and removed replies appear while the page is open. Without
// JavaScript (or if the stream fails) the page is complete on every load. The conversation is
// paged by top-level threads in the reader's order (the section's data-sort, data-page,
// data-pages, data-threads, data-per-page): a new thread appears only on the page a reload
// would show it on, the first page when newest come first, else the last one while it has room
// (and never on one thread's own page, data-whole-thread).
(function () {
  "use strict";
  var section = document.querySelector("section.conversation[data-live]");
  if (!section || !window.EventSource) return;
  var source = new EventSource(section.getAttribute("data-live"));

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }
  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }
  function rootList() {
    return section.querySelector(":scope > ol.thread");
  }
  function number(name) {
    return parseInt(section.getAttribute("data-" + name), 10) || 0;
  }
  // Where a new top-level thread goes on this page: "first", "last", or null (another page).
  function placeForThread() {
    if (section.hasAttribute("data-whole-thread")) return null;
    var sort = section.getAttribute("data-sort");
    if (sort === "newest") return number("page") === 1 ? "first" : null;
    var lastPage = number("page") >= number("pages");
    return lastPage && number("threads") < number("per-page") ? "last" : null;
  }

  source.addEventListener("reply", function (event) {
    var data = parse(event);
    if (!data || document.getElementById("reply-" + data.id)) return;
    var item = fragment(data.html);
    if (!item) return;
    var parent = data.parent && document.getElementById("reply-" + data.parent);
    if (data.parent && !parent) return;
    var list = parent ? parent.querySelector(":scope > ol.thread") : rootList();
    if (parent && !list) {
      list = document.createElement("ol");
      list.className = "thread";
      parent.appendChild(list);
    }
    if (!list) return;
    if (parent) {
      list.appendChild(item);
    } else {
      var place = placeForThread();
      if (!place) return;
      if (place === "first") list.insertBefore(item, list.firstChild);
      else list.appendChild(item);
      section.setAttribute("data-threads", String(number("threads") + 1));
    }
    var empty = section.querySelector("p.empty");
    if (empty) empty.remove();
  });

  source.addEventListener("change", function (event) {
    var data = parse(event);
    var current = data && document.getElementById("reply-" + data.id);
    var item = data && fragment(data.html);
    if (!current || !item) return;
    var body = current.querySelector(":scope > article");
    var fresh = item.querySelector(":scope > article");
    if (!body || !fresh) return;
    var pick = document.getElementById("featured-" + data.id);
    var picked = pick && pick.querySelector(":scope > article");
    if (picked) picked.replaceWith(fresh.cloneNode(true));
    body.replaceWith(fresh);
  });

  // Quotes of the story, under "Quoted by" (the section is on the page, hidden, until one shows).
  var quotes = document.querySelector("section.quotes");
  function quoteCount(total) {
    if (!quotes) return;
    var count = quotes.querySelector(".count");
    if (count) count.textContent = "(" + total + ")";
    quotes.hidden = total === 0;
  }
  source.addEventListener("quote", function (event) {
    var data = parse(event);
    if (!data || !quotes || document.getElementById("quote-" + data.id)) return;
    var item = fragment(data.html);
    var list = quotes.querySelector("ol.quote-list");
    if (!item || !list) return;
    list.appendChild(item);
    quoteCount(data.total);
  });
  source.addEventListener("quote-remove", function (event) {
    var data = parse(event);
    if (!data) return;
    var current = document.getElementById("quote-" + data.id);
    if (current) current.remove();
    quoteCount(data.total);
  });

  source.addEventListener("remove", function (event) {
    var data = parse(event);
    var pick = data && document.getElementById("featured-" + data.id);
    if (pick) pick.remove();
    var current = data && document.getElementById("reply-" + data.id);
    if (!current) return;
    var answers = current.querySelector(":scope > ol.thread");
    if (answers && answers.children.length) {
      var body = current.querySelector(":scope > article");
      if (body) {
        body.className = "reply-body removed";
        body.innerHTML = "<p>This reply was removed.</p>";
      }
    } else {
      current.remove();
    }
  });
})();
