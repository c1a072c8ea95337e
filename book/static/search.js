// The book's search and phone menu, offline: the index is a script (search-index.js, window.BOOK_INDEX: one entry
// per heading section with its prose, table text, printed results and figure titles), not a fetch, so it works from file:// without
// a server. Plain substring matching, which suits Chinese (no word breaks). A result opens the section's anchor
// with the query in the address (page.html?q=…#heading); the page then marks the matches in that section and
// scrolls to the first one.
(function () {
  "use strict";
  var nav = document.getElementById("book-nav");
  var menu = document.getElementById("book-menu");
  var input = document.getElementById("book-search-input");
  var box = document.getElementById("book-search-results");
  var main = document.getElementById("book-main");

  // ---- phone: the contents behind a button
  if (menu && nav) {
    menu.addEventListener("click", function () {
      var open = !nav.classList.contains("open");
      nav.classList.toggle("open", open);
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
    nav.addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("#book-toc a") : null;
      if (a) { nav.classList.remove("open"); menu.setAttribute("aria-expanded", "false"); }
    });
  }

  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]; });
  }
  function isWordChar(c) { return /[A-Za-z0-9_\u00C0-\u024F]/.test(c || ""); }

  // A snippet around position i of text, cut at word boundaries (Latin) with the match marked.
  function snippet(text, i, n) {
    var start = Math.max(0, i - 60), end = Math.min(text.length, i + n + 90);
    if (start > 0) {
      while (start < i && isWordChar(text.charAt(start - 1)) && isWordChar(text.charAt(start))) { start++; }
      while (start < i && text.charAt(start) === " ") { start++; }
    }
    if (end < text.length) {
      while (end > i + n && isWordChar(text.charAt(end - 1)) && isWordChar(text.charAt(end))) { end--; }
    }
    // never cut a character outside the Basic Multilingual Plane (a surrogate pair) in two
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(start))) { start--; }
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text.charAt(end))) { end++; }
    return (start > 0 ? "… " : "") + esc(text.slice(start, i)) + "<mark>" + esc(text.slice(i, i + n)) +
      "</mark>" + esc(text.slice(i + n, end)) + (end < text.length ? " …" : "");
  }

  function resultUrl(url, q) {
    var k = url.indexOf("#");
    var page = k < 0 ? url : url.slice(0, k), hash = k < 0 ? "" : url.slice(k);
    return page + "?q=" + encodeURIComponent(q) + hash;
  }

  function run() {
    if (!input || !box || !window.BOOK_INDEX) { return; }
    var raw = input.value.trim().replace(/\s+/g, " "), q = raw.toLowerCase();
    if (q.length === 0) { box.hidden = true; box.innerHTML = ""; return; }
    var hits = [];
    window.BOOK_INDEX.forEach(function (e, order) {
      var i = e.text.toLowerCase().indexOf(q);
      var inTitle = e.title.toLowerCase().indexOf(q) >= 0;
      if (i >= 0 || inTitle) { hits.push({e: e, i: i, rank: inTitle ? 0 : 1, order: order}); }
    });
    hits.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var html = "<button type=\"button\" class=\"close\" aria-label=\"Close\">关闭 Close</button>" +
      "<p>" + hits.length + " 个结果 results for “" + esc(raw) + "”</p><ol>";
    hits.slice(0, 40).forEach(function (h) {
      var title = esc(h.e.page) + (h.e.title && h.e.title !== h.e.page ? " › " + esc(h.e.title) : "");
      html += "<li><a href=\"" + esc(resultUrl(h.e.url, raw)) + "\">" + title + "</a>" +
        (h.i >= 0 ? "<div class=\"snippet\">" + snippet(h.e.text, h.i, q.length) + "</div>" : "") + "</li>";
    });
    if (hits.length > 40) { html += "</ol><p>… " + (hits.length - 40) + " more: refine the search.</p>"; }
    else { html += "</ol>"; }
    box.innerHTML = html;
    box.hidden = false;
    box.querySelector(".close").addEventListener("click", function () { input.value = ""; run(); input.focus(); });
  }

  if (input && box) {
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (ev) {
      var first = box.querySelector("ol a");
      if (ev.key === "Enter") {
        if (first) { window.location.href = first.getAttribute("href"); }
      } else if (ev.key === "ArrowDown" && first) {
        ev.preventDefault();
        first.focus();
      }
    });
    // the arrow keys walk the results (and back up to the search box)
    box.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") { return; }
      var links = Array.prototype.slice.call(box.querySelectorAll("ol a"));
      var k = links.indexOf(document.activeElement);
      if (k < 0) { return; }
      ev.preventDefault();
      if (ev.key === "ArrowDown") { links[Math.min(k + 1, links.length - 1)].focus(); }
      else if (k === 0) { input.focus(); }
      else { links[k - 1].focus(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { input.value = ""; run(); }
    });
  }

  // ---- landing: mark the query in the section the address points to, and show the first match
  function landing() {
    var q = new URLSearchParams(window.location.search).get("q");
    if (!q || !main) { return; }
    q = q.trim().replace(/\s+/g, " ");
    if (input) { input.value = q; }
    var needle = q.toLowerCase();
    var id = decodeURIComponent(window.location.hash.slice(1));
    var start = id ? document.getElementById(id) : null;
    if (start && start.classList.contains("book-alt-anchor")) { start = start.parentNode; }
    var headings = Array.prototype.slice.call(main.querySelectorAll("h1, h2, h3, h4, h5, h6"));
    var end = null;
    if (start) {
      for (var k = 0; k < headings.length; k++) {
        if (headings[k] !== start && (start.compareDocumentPosition(headings[k]) & Node.DOCUMENT_POSITION_FOLLOWING)) {
          end = headings[k]; break;
        }
      }
    }
    function inSection(n) {
      if (start && !(start.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING) && !start.contains(n)) {
        return false;
      }
      return !(end && !(end.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_PRECEDING));
    }
    // The section's text nodes in document order (and figures whose title, the image's alt text, holds the query).
    // The query is matched over their joined text, as the index saw it: any run of white space (a line break of
    // the Markdown source) matches a space, and a match may run across nodes (a word in <code> or a link inside a
    // sentence). Text nodes of different blocks (paragraphs, table cells) are joined with a space, as in the index.
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode: function (n) {
        if (n.nodeType === 1) {
          if (n.matches(".jp-InputArea-editor, script, style, .anchor-link")) { return NodeFilter.FILTER_REJECT; }
          return n.tagName === "IMG" && inSection(n) && (n.getAttribute("alt") || "").toLowerCase().indexOf(needle) >= 0 ?
            NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
        }
        return n.parentNode && inSection(n) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var BLOCK = "p, li, td, th, h1, h2, h3, h4, h5, h6, pre, dd, dt, blockquote, figcaption, div";
    var first = null, figures = [], segs = [], joined = "", lastBlock = null;
    while (walker.nextNode()) {
      var n = walker.currentNode;
      if (n.nodeType === 1) { figures.push(n); continue; }
      var block = n.parentNode.closest(BLOCK);
      if (segs.length && block !== lastBlock) { joined += " "; }
      lastBlock = block;
      segs.push({node: n, at: joined.length, ranges: []});
      joined += n.nodeValue;
    }
    var words = q.split(/\s+/).map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var re = new RegExp(words.join("\\s+"), "gi"), hit, k = 0;
    while ((hit = re.exec(joined)) !== null) {
      if (hit[0].length === 0) { re.lastIndex++; continue; }
      var a = hit.index, b = a + hit[0].length;
      while (k < segs.length && segs[k].at + segs[k].node.nodeValue.length <= a) { k++; }
      for (var j = k; j < segs.length && segs[j].at < b; j++) {
        var s0 = Math.max(a, segs[j].at) - segs[j].at;
        var s1 = Math.min(b, segs[j].at + segs[j].node.nodeValue.length) - segs[j].at;
        if (s1 > s0) { segs[j].ranges.push([s0, s1]); }
      }
    }
    var firstFigure = figures.length ? (figures[0].closest("figure") || figures[0]) : null;
    segs.forEach(function (seg) {
      if (!seg.ranges.length) { return; }
      var text = seg.node.nodeValue, at = 0;
      var frag = document.createDocumentFragment();
      seg.ranges.forEach(function (r) {
        frag.appendChild(document.createTextNode(text.slice(at, r[0])));
        var m = document.createElement("mark");
        m.className = "book-hit";
        m.textContent = text.slice(r[0], r[1]);
        frag.appendChild(m);
        if (!first) { first = m; }
        at = r[1];
      });
      frag.appendChild(document.createTextNode(text.slice(at)));
      seg.node.parentNode.replaceChild(frag, seg.node);
    });
    figures.forEach(function (img) { (img.closest("figure") || img).classList.add("book-hit-figure"); });
    if (firstFigure && (!first || (firstFigure.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING))) {
      first = firstFigure;
    }
    var target = first || start;
    if (target) {
      var go = function () {
        var tall = target.getBoundingClientRect().height > window.innerHeight * 0.8;
        target.scrollIntoView({block: first && !tall ? "center" : "start"});
      };
      go();
      window.addEventListener("load", go);
    }
  }
  landing();
  // Another result on the same page with the same query changes only the address's #section: the browser does not
  // reload, so the marks move here.
  window.addEventListener("hashchange", function () {
    if (!main || !new URLSearchParams(window.location.search).get("q")) { return; }
    Array.prototype.forEach.call(main.querySelectorAll("mark.book-hit"), function (m) {
      var parent = m.parentNode;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    Array.prototype.forEach.call(main.querySelectorAll(".book-hit-figure"), function (f) {
      f.classList.remove("book-hit-figure");
    });
    landing();
  });
}());
