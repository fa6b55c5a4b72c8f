// Broadsheet's embedded conversation. In an article template:
//   <script async src="https://BROADSHEET/embed.js" data-story-url="CANONICAL_URL"></script>
// (or data-story="SLUG"). It puts an iframe from Broadsheet's own site right after this tag, so
// the two sites' scripts and styles never mix, and sizes it to its content. With data-count it
// puts a link with the reply count instead (for article lists). Optional: data-theme="light" or
// "dark", data-accent, data-background, data-text (colours), data-font, data-title.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || script.getAttribute("data-broadsheet-done")) return;
  script.setAttribute("data-broadsheet-done", "1");
  var origin = new URL(script.src).origin;
  var articleUrl = script.getAttribute("data-story-url");
  var slug = script.getAttribute("data-story");
  if (!articleUrl && !slug) return;

  function after(node) {
    script.parentNode.insertBefore(node, script.nextSibling);
  }

  if (script.hasAttribute("data-count")) {
    if (!articleUrl || !window.fetch) return;
    var link = document.createElement("a");
    link.className = "broadsheet-count";
    link.href = origin + "/embed/open?url=" + encodeURIComponent(articleUrl);
    fetch(origin + "/embed/counts?url=" + encodeURIComponent(articleUrl))
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var found = body && body.counts && body.counts[articleUrl];
        var n = found ? Number(found.replies) || 0 : 0;
        link.textContent = n === 1 ? "1 reply" : n + " replies";
        after(link);
      })
      .catch(function () {});
    return;
  }

  var params = new URLSearchParams();
  var path = slug ? "/embed/stories/" + encodeURIComponent(slug) : "/embed/article";
  if (!slug) params.set("url", articleUrl);
  ["theme", "accent", "background", "text", "font"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) params.set(name, value);
  });
  var query = params.toString();
  var frame = document.createElement("iframe");
  frame.src = origin + path + (query ? "?" + query : "");
  frame.title = script.getAttribute("data-title") || "Conversation from the fediverse";
  frame.className = "broadsheet-embed";
  // Styles set through the DOM, not as an attribute: a strict style-src allows these.
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "240px";
  frame.style.overflow = "hidden";

  window.addEventListener("message", function (event) {
    // Only our frame speaks here: its origin, and its window, not another frame of ours.
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "broadsheet:height") return;
    var height = Number(data.height);
    if (isFinite(height) && height > 0 && height < 200000) {
      frame.style.height = Math.ceil(height) + "px";
    }
  });
  after(frame);
})();
