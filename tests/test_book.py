"""The offline HTML book (``python -m analysis book``): built from the stored notebooks, then opened page by page in
headless Chromium, which must show no broken image, no Chinese character in a fallback font and no console error.

The browser is driven through the Chrome DevTools protocol with ``websocket-client`` (a dependency of Jupyter
Server already): no browser download, no extra package. Where the Debian package ``chromium`` is not installed
the browser tests are skipped with the reason printed (``-ra``); the build tests always run.
A screenshot of each page's first screen is written to ``build/screenshots/`` (git-ignored) for a person to look at.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from analysis import book as B
from analysis.paths import FIGURES_DIR, NOTEBOOKS_DIR

CJK = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\u3000-\u303F\uFF00-\uFFEF]")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--hide-scrollbars", "about:blank"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "book"
    t0 = time.perf_counter()
    B.build_book(out)
    return out, time.perf_counter() - t0


# ----------------------------------------------------------------------------- the build
def test_every_notebook_is_a_page_in_reading_order_after_the_readme(built):
    out, _ = built
    slugs = [p.slug for p in B.pages()]
    notebooks = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert slugs == ["index", *notebooks, "glossary", "figures"]
    for slug in slugs:
        assert (out / f"{slug}.html").is_file()
    page = (out / "04-keywords.html").read_text(encoding="utf-8")
    toc = re.findall(r'<ol class="book-toc">(.*?)</ol>', page, re.S)[0]
    assert re.findall(r'href="([^"]+)"', toc) == [f"{s}.html" for s in slugs]
    assert 'href="03-policy-corpus.html">←' in page and 'href="05-topics.html">05' in page  # previous / next


def test_the_book_loads_nothing_from_the_network_and_builds_fast(built):
    out, seconds = built
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), (page.name, tag)
    assert seconds < 60, f"book build took {seconds:.1f} s"


def test_saved_figures_are_shown_at_full_resolution_and_all_are_in_the_gallery(built):
    out, _ = built
    pngs = sorted(p.name for p in FIGURES_DIR.glob("*.png"))
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == pngs
    gallery = (out / "figures.html").read_text(encoding="utf-8")
    assert sorted(set(re.findall(r'src="figures/([^"]+\.png)"', gallery))) == pngs
    topics = (out / "05-topics.html").read_text(encoding="utf-8")
    assert 'src="figures/topics-intertopic-map.png"' in topics  # the saved PNG, not the 100-dpi inline copy


def test_links_point_into_the_book_or_the_repository(built):
    out, _ = built
    front = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="05-topics.html"' in front and 'href="notebooks/' not in front
    assert 'href="glossary.html"' in front
    start = (out / "00-start-here.html").read_text(encoding="utf-8")
    assert 'href="glossary.html"' in start


def test_tables_align_numbers_right_and_show_one_missing_value_marker(built):
    out, _ = built
    pages = "".join(p.read_text(encoding="utf-8") for p in out.glob("[0-9][0-9]-*.html"))
    assert '<td class="num">' in pages and f'<td class="na" title="missing">{B.NA_MARKER}</td>' in pages
    assert not re.search(r"<td>\s*(?:NaN|&lt;NA&gt;|None|NaT)\s*</td>", pages)


def test_search_index_finds_chinese_and_english_terms(built):
    out, _ = built
    text = (out / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(text.removeprefix("window.BOOK_INDEX = ").rstrip().rstrip(";"))
    hay = {e["url"] for e in entries if "Jensen" in e["text"] + e["title"]}
    assert {"glossary.html", "05-topics.html"} <= hay
    assert any("区块链" in e["text"] for e in entries if e["url"] == "04-keywords.html")


def test_the_embedded_font_covers_every_character_of_the_book(built):
    out, _ = built
    cmap = _book_cmap(out)
    used = set()
    for page in out.glob("*.html"):
        used |= set(CJK.findall(page.read_text(encoding="utf-8")))
    missing = sorted(c for c in used if ord(c) not in cmap and c not in "\u3000")
    assert len(used) > 500 and not missing, missing[:20]


def test_a_failed_build_keeps_the_previous_book(tmp_path, monkeypatch):
    out = tmp_path / "book"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    monkeypatch.setattr(B, "subset_font", lambda chars: (_ for _ in ()).throw(RuntimeError("font broke")))
    with pytest.raises(RuntimeError, match="font broke"):
        B.build_book(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["book"]  # no temporary folder left behind


# ----------------------------------------------------------------------------- the browser
class Chromium:
    """Headless Chromium driven over the DevTools protocol (one websocket, flat sessions)."""

    def __init__(self, executable: str):
        import websocket

        self.profile = tempfile.mkdtemp(prefix="book-chromium-")
        self.proc = subprocess.Popen([executable, f"--user-data-dir={self.profile}", *CHROMIUM_FLAGS],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.is_file() and len(port_file.read_text().split()) >= 2:
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.proc.returncode}")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60, suppress_origin=True)
        self.n = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.n:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv()))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); browser tests of the book skipped")
    b = Chromium(CHROMIUM)
    yield b
    b.close()


def _evaluate(b: Chromium, session: str, expression: str):
    res = b.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
                 session)
    return res["result"].get("value")


def _book_cmap(out: Path) -> set[int]:
    """Code points of the font embedded in the built book."""
    import io

    from fontTools.ttLib import TTFont

    css = (out / "static" / "book-font.css").read_text(encoding="ascii")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1))
    return set(TTFont(io.BytesIO(data)).getBestCmap())


def _font_fallbacks(b: Chromium, session: str, cmap: set[int]) -> list[str]:
    """Text nodes whose Chinese characters are drawn in another font than the book's own.

    For each rendered text node with Chinese characters: the book's font must draw at least as many glyphs as the
    node has Chinese characters, and other fonts may draw only the characters the book's font does not have
    (a symbol such as ≈) and, in code (set in a monospace font first), the non-Chinese characters.
    """
    root = b.send("DOM.getDocument", {"depth": -1}, session)["root"]
    problems = []

    def walk(node, in_code):
        name = node.get("nodeName", "")
        code = in_code or name in ("PRE", "CODE")
        text = node.get("nodeValue", "") if node.get("nodeType") == 3 else ""
        n_cjk = len(CJK.findall(text))
        if n_cjk:  # fonts of this one text node
            fonts = b.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]}, session)["fonts"]
            if fonts:  # a text node that is not rendered (hidden) has none
                custom = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
                other = sum(f["glyphCount"] for f in fonts if not f["isCustomFont"])
                allowed = sum(1 for c in text if ord(c) not in cmap or (code and not CJK.match(c)))
                if custom < n_cjk or other > allowed:
                    problems.append(f"{text.strip()[:60]!r} in <{parent.lower()}> (code={code}, cjk={n_cjk}, allowed={allowed}): "
                                    f"{[(f['familyName'], f['glyphCount']) for f in fonts]}")
        for child in node.get("children", []):
            walk_child(child, code, name)

    def walk_child(child, code, name):
        nonlocal parent
        parent = name
        walk(child, code)

    parent = ""
    walk(root, False)
    return problems


@pytest.mark.parametrize("page", [p.slug for p in B.pages()])
def test_page_in_chromium(browser, built, page):
    out, _ = built
    b = browser
    target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
            b.send(f"{domain}.enable", {}, session)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
        b.send("Page.navigate", {"url": (out / f"{page}.html").as_uri()}, session)
        b.wait_for("Page.loadEventFired", session)
        fonts = _evaluate(b, session, "document.fonts.ready.then(() => [...document.fonts].map("
                                      "f => f.family.replace(/\"/g, '') + ':' + f.status))")
        assert f"{B.FONT_FAMILY}:loaded" in fonts, fonts
        broken = _evaluate(b, session, "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                                       ".map(i => i.getAttribute('src'))")
        assert broken == [], broken
        fallbacks = _font_fallbacks(b, session, _book_cmap(out))
        assert fallbacks == [], fallbacks[:5]
        errors = [e for e in b.events if e.get("sessionId") == session and (
            e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"))]
        assert errors == [], errors[:3]
        shot = b.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
        B.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        (B.SCREENSHOT_DIR / f"{page}.png").write_bytes(base64.b64decode(shot))
    finally:
        b.send("Target.closeTarget", {"targetId": target})
        b.events = [e for e in b.events if e.get("sessionId") != session]


def _open(b: Chromium, url: str) -> tuple[str, str]:
    target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "DOM", "CSS"):
        b.send(f"{domain}.enable", {}, session)
    b.send("Page.navigate", {"url": url}, session)
    b.wait_for("Page.loadEventFired", session)
    _evaluate(b, session, "document.fonts.ready.then(() => true)")
    return target, session


def test_chromium_check_sees_characters_missing_from_the_font(browser, tmp_path, monkeypatch):
    """The fallback check is not vacuous: a book whose font lacks 数 and 据 fails it on the front page."""
    real = B.subset_font
    monkeypatch.setattr(B, "subset_font", lambda chars: real(set(chars) - {"数", "据"}))
    out = B.build_book(tmp_path / "book")
    cmap = _book_cmap(out)
    assert ord("数") not in cmap
    target, session = _open(browser, (out / "index.html").as_uri())
    try:
        problems = _font_fallbacks(browser, session, cmap)
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
        browser.events = [e for e in browser.events if e.get("sessionId") != session]
    assert any("数" in p or "据" in p for p in problems), problems[:3]


def test_search_box_finds_a_chinese_term(browser, built):
    out, _ = built
    b = browser
    target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        b.send("Page.enable", {}, session)
        b.send("Page.navigate", {"url": (out / "index.html").as_uri()}, session)
        b.wait_for("Page.loadEventFired", session)
        found = _evaluate(b, session, """(() => {
            const i = document.getElementById('book-search-input');
            i.value = '区块链'; i.dispatchEvent(new Event('input'));
            const box = document.getElementById('book-search-results');
            return [box.hidden, [...box.querySelectorAll('a')].map(a => a.getAttribute('href'))];
        })()""")
        hidden, links = found
        assert not hidden and "04-keywords.html" in links
        none = _evaluate(b, session, """(() => {
            const i = document.getElementById('book-search-input');
            i.value = 'zzqqxx-no-such-term'; i.dispatchEvent(new Event('input'));
            return document.querySelectorAll('#book-search-results a').length;
        })()""")
        assert none == 0
    finally:
        b.send("Target.closeTarget", {"targetId": target})
        b.events = [e for e in b.events if e.get("sessionId") != session]
