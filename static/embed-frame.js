// Inside the embedded conversation's iframe: tell the host page how tall we are (it resizes the
// frame), open links and the reply form in a new tab (the reader's server will not be framed),
// and, while the article is still being imported, check back until its conversation exists.
(function () {
  "use strict";
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last || window.parent === window) return;
    last = height;
    // The height is no secret: any origin allowed to frame us may read it.
    window.parent.postMessage({ type: "broadsheet:height", height: height }, "*");
  }
  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.body);
  } else {
    new MutationObserver(report).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", report);
  }
  window.addEventListener("load", report);
  report();

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link) {
      link.target = "_blank";
      link.rel = (link.rel ? link.rel + " " : "") + "noopener";
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.target = "_blank";
  });

  var waiting = document.body.getAttribute("data-waiting");
  if (!waiting || !window.fetch) return;
  var tries = 0;
  var timer = setInterval(function () {
    tries += 1;
    if (tries > 200) return clearInterval(timer);
    fetch("/embed/counts?url=" + encodeURIComponent(waiting), { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body && body.counts && body.counts[waiting]) {
          clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () {});
  }, 3000);
})();
