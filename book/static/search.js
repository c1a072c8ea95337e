// Search over the book's pages, offline: the index is a script (search-index.js, window.BOOK_INDEX), not a fetch,
// so it works from file:// without a server. Plain substring matching, which suits Chinese (no word breaks).
(function () {
  "use strict";
  var input = document.getElementById("book-search-input");
  var box = document.getElementById("book-search-results");
  if (!input || !box || !window.BOOK_INDEX) { return; }
  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]; });
  }
  function run() {
    var q = input.value.trim().toLowerCase();
    if (q.length === 0) { box.hidden = true; box.innerHTML = ""; return; }
    var hits = [];
    window.BOOK_INDEX.forEach(function (e) {
      var i = e.text.toLowerCase().indexOf(q);
      var inTitle = e.title.toLowerCase().indexOf(q) >= 0;
      if (i >= 0 || inTitle) {
        var at = Math.max(i, 0);
        var snippet = e.text.slice(Math.max(0, at - 40), at + q.length + 60);
        hits.push({e: e, snippet: snippet, rank: inTitle ? 0 : 1});
      }
    });
    hits.sort(function (a, b) { return a.rank - b.rank; });
    var html = "<p>" + hits.length + " 个结果 results for “" + esc(input.value.trim()) + "”</p><ol>";
    hits.slice(0, 30).forEach(function (h) {
      html += "<li><a href=\"" + h.e.url + "\">" + esc(h.e.page) + " · " + esc(h.e.title) + "</a>" +
              "<div class=\"snippet\">" + esc(h.snippet) + "</div></li>";
    });
    box.innerHTML = html + "</ol>";
    box.hidden = false;
  }
  input.addEventListener("input", run);
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { input.value = ""; run(); } });
}());
