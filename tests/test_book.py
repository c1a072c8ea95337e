"""The offline HTML book (``python -m analysis book``): built from the stored notebooks, then checked as files and,
page by page, in headless Chromium at a desktop (1366×900) and a phone (390×844) size.

Build checks (always run): reading order, nothing from the network, every figure the file of figures/ (mapped
robustly from the save_figure calls), gallery titles, tables classified cell by cell, the search index (headings,
prose, table text, printed results, figure titles, one anchor per section), every link and anchor resolving inside
the book, the embedded fonts covering every character, a failed build keeping the previous book, and the incremental
build (only what changed is rendered; the bytes are those of a build from scratch).

Browser checks: no broken image, no glyph drawn by a fallback font, no console error; computed alignment of table
text and number cells; a search that lands on a heading's anchor with the match marked and in view (also across a
line break of the source or into code, and again when only the #section changes), snippets cut at word boundaries,
arrow keys through the results; the phone layout (contents folded behind a button, not covering the first screen;
results not covering the search box; no sideways scrolling of the page; no output clipped by its area); figures
linked to their full-size file; links that look like links.

The browser is driven through the Chrome DevTools protocol with ``websocket-client`` (a dependency of Jupyter
Server already): no browser download, no extra package. Where the Debian package ``chromium`` is not installed
the browser tests are skipped with the reason printed (``-ra``). A screenshot of each page's first screen at both
sizes is written to ``build/screenshots/`` (git-ignored) for a person to look at. Every build here goes to a
temporary folder with its own cache: nothing tracked is written.
"""
from __future__ import annotations

import base64
import copy
import io
import json
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from analysis import book as B
from analysis.paths import FIGURES_DIR, NOTEBOOKS_DIR, ROOT

CJK = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\u3000-\u303F\uFF00-\uFFEF]")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--hide-scrollbars", "about:blank"]
SIZES = {"desktop": (1366, 900, False), "phone": (390, 844, True)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cold build (empty cache) into a temporary folder: (folder, seconds, info)."""
    root = tmp_path_factory.mktemp("book")
    info: dict = {}
    t0 = time.perf_counter()
    B.build_book(root / "book", cache_dir=root / "cache", info=info)
    return root / "book", time.perf_counter() - t0, info


def _ids(html: str) -> set[str]:
    return {unquote(i) for i in re.findall(r'\sid="([^"]+)"', html)}


def _index(out: Path) -> list[dict]:
    text = (out / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.BOOK_INDEX = ").rstrip().rstrip(";"))


def _notebook_json(name: str) -> dict:
    return json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the build
def test_every_notebook_is_a_page_in_reading_order_after_the_readme(built):
    out, _, _ = built
    slugs = [p.slug for p in B.pages()]
    notebooks = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert slugs == ["index", *notebooks, "glossary", "figures"]
    for slug in slugs:
        assert (out / f"{slug}.html").is_file()
    page = (out / "04-keywords.html").read_text(encoding="utf-8")
    toc = page.split('<ol class="book-toc">', 1)[1].split("</nav>", 1)[0]
    assert [h for h in re.findall(r'href="([^"#]+)"', toc)] == [f"{s}.html" for s in slugs]
    outline = re.findall(r'<ol class="book-outline"[^>]*>(.*?)</ol>', toc, re.S)[0]  # this page's sections
    assert 'href="#3--keyness-inside-the-digest-each-category-against-the-rest"' in outline
    assert 'href="03-policy-corpus.html">←' in page and 'href="05-topics.html">05' in page  # previous / next


def test_the_book_loads_nothing_from_the_network_and_builds_fast(built):
    out, seconds, _ = built
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), (page.name, tag)
    assert seconds < 60, f"book build took {seconds:.1f} s"


# ----------------------------------------------------------------------------- figures
def test_every_figure_of_every_notebook_is_the_file_in_figures(built):
    """No inline 100-dpi copy anywhere: each image output is the figures/ file its cell saves, in order."""
    out, _, _ = built
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        nb = _notebook_json(path.name)
        expected = [name for _, name in sorted(B.figure_map(nb, path.name).items())]
        n_images = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
        assert len(expected) == n_images, path.name
        page = (out / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "data:image/png" not in page, f"{path.name}: an inline image is left"
        shown = re.findall(r'<figure class="book-figure" data-figure="([^"]+)">', page)
        assert shown == expected, path.name
        for src in re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', page):
            assert src.startswith("figures/") and (FIGURES_DIR / src.removeprefix("figures/")).is_file(), src
    report_figures = (out / "02-report-figures.html").read_text(encoding="utf-8")
    assert report_figures.count('class="book-full" src="figures/') == 7  # names given as rf.FIGURE_FILES["图1"] …
    assert 'src="figures/fig01-digital-technology-timeline.png"' in report_figures


def test_figure_map_pairs_each_image_with_its_save_call_in_order():
    """Each mapped pair has the same aspect ratio in the inline copy and in the file (the pairing is right)."""
    from PIL import Image

    checked = 0
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        nb = _notebook_json(path.name)
        for (ci, oi), name in B.figure_map(nb, path.name).items():
            data = nb["cells"][ci]["outputs"][oi]["data"]["image/png"]
            inline = Image.open(io.BytesIO(base64.b64decode("".join(data) if isinstance(data, list) else data)))
            w, h = B._png_size(FIGURES_DIR / f"{name}.png")
            ratio = (inline.width / inline.height) / (w / h)
            assert 0.85 < ratio < 1.15, (path.name, ci, name, ratio)
            checked += 1
    assert checked >= 40


def _nb(*cells) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(src: str, n_images: int = 1, tags=()) -> dict:
    return {"cell_type": "code", "id": "c", "metadata": {"tags": list(tags)}, "source": src, "execution_count": 1,
            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR"}}
                        for _ in range(n_images)]}


def test_figure_map_resolves_names_without_running_the_notebook():
    stems = sorted(p.stem for p in FIGURES_DIR.glob("*.png"))
    a, b = stems[0], stems[1]
    nb = _nb(_code("import analysis\nfrom analysis.report import figures as rf", 0),
             _code(f'analysis.save_figure(fig, "{a}")'),
             _code('analysis.save_figure(fig, rf.FIGURE_FILES["图1"])'),
             _code(f'NAME = "{b}"', 0),
             _code("analysis.save_figure(fig, NAME)"),
             _code(f'analysis.save_figure(f1, "{a}")\nanalysis.save_figure(f2, name="{b}")\nplt.show()', 2),
             _code("for n, f in figs.items():\n    analysis.save_figure(f, n)", 1, tags=[f"figure:{b}"]))
    from analysis.report.figures import FIGURE_FILES

    assert B.figure_map(nb) == {(1, 0): a, (2, 0): FIGURE_FILES["图1"], (4, 0): b, (5, 0): a, (5, 1): b, (6, 0): b}


@pytest.mark.parametrize("src, n, match", [
    ("for n, f in figs.items():\n    analysis.save_figure(f, n)", 1, "cannot tell which figure"),
    ("plt.show()", 1, "shows 1 figure"),
    ('analysis.save_figure(fig, "no-such-figure")', 1, "does not exist"),
])
def test_figure_map_refuses_a_figure_it_cannot_tie_to_a_file(src, n, match):
    with pytest.raises(B.FigureMappingError, match=match):
        B.figure_map(_nb(_code(src, n)), "nb.ipynb")


def test_the_gallery_heads_every_figure_with_its_title(built):
    out, _, _ = built
    titles = B.figure_titles()
    stems = sorted(p.stem for p in FIGURES_DIR.glob("*.png"))
    assert sorted(titles) == stems, "book/figure-titles.csv must have one row per figure of figures/"
    gallery = (out / "figures.html").read_text(encoding="utf-8")
    heads = [B._text_of(h) for h in re.findall(r"<h2[^>]*>(.*?)<a class", gallery)]
    assert len(heads) == len(stems) and not set(heads) & set(stems)
    assert "主题间距离图 · Intertopic distance map: Jensen–Shannon distance, classical MDS; area ∝ prevalence" in heads
    assert 'href="05-topics.html#6--the-intertopic-map"' in gallery  # the section that shows it


def test_figure_titles_are_the_text_drawn_in_the_figures():
    """Rows marked ``figure`` carry titles drawn in the figure: both occur as text of its SVG."""
    import html

    wrong = []
    for name, row in B.figure_titles().items():
        if row["source"] != "figure":
            continue
        svg = (FIGURES_DIR / f"{name}.svg").read_text(encoding="utf-8")
        texts = " ".join(html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg, re.S))
        for t in (row["title_zh"], row["title_en"]):
            if t and t not in texts:
                wrong.append(f"{name}: {t!r}")
    assert not wrong, f"book/figure-titles.csv differs from the figures (update it): {wrong}"


# ----------------------------------------------------------------------------- tables
@pytest.mark.parametrize("text, kind", [
    ("1,911", "num"), ("−0.003", "num"), ("12 %", "num"), ("1.2e-05", "num"), ("0.64–0.87", "num"),
    ("(−0.003, 0.285)", "num"), ("<0.001", "num"), ("2021-06-10", "num"), ("00", "num"), ("×4", "num"),
    ("NaN", "na"), ("&lt;NA&gt;", "na"), ("None", "na"), ("NaT", "na"),
    ("数据安全法", "text"), ("第一章/第三条", "text"), ("True", "text"), ("K = 8", "text"), ("", "text"),
    ("国发〔2015〕40号", "text"), ("2019 and 2021", "text"),
])
def test_cell_kind(text, kind):
    assert B.cell_kind(text) == kind


def test_tables_mark_every_cell_and_show_newlines_and_one_missing_value_marker(built):
    out, _, _ = built
    pages = "".join(p.read_text(encoding="utf-8") for p in out.glob("[0-9][0-9]-*.html"))
    cells = re.findall(r"<t[dh]\b[^>]*>", pages)
    unmarked = [c for c in cells if not re.search(r'class="[^"]*\b(?:num|na|text)\b', c)]
    assert cells and not unmarked, unmarked[:5]
    assert re.search(r'<td class="[^"]*\bna"[^>]*title="missing">' + re.escape(B.NA_MARKER) + '</td>', pages)
    assert not re.search(r"<td[^>]*>\s*(?:NaN|&lt;NA&gt;|None|NaT)\s*</td>", pages)
    legislation = (out / "08-local-legislation.html").read_text(encoding="utf-8")
    assert "\\n" not in re.sub(r"<(?:pre|code)\b.*?</(?:pre|code)>", "", legislation, flags=re.S)
    assert re.search(r'<td class="[^"]*\btext long[^"]*"[^>]*>数据，是指任何以电子或者其他方式对信息的记录。\n\n', legislation)
    assert 'shortened by pandas' not in legislation  # analysis.display renders the whole text: nothing is cut
    # a header over a column of numbers is a number header; pandas' own "text-align: right" on the row is overruled
    assert re.search(r'<th class="[^"]*\bnum[^"]*"[^>]*>similarity</th>', legislation)
    start = (out / "00-start-here.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="[^"]*\bnum"[^>]*>00</td>', start) and re.search(r'<td class="[^"]*\btext long"[^>]*>What the package', start)


def test_a_styler_table_is_classified_and_only_markdown_or_wide_text_tables_become_cards():
    styler = ('<table id="T_x"><thead><tr><th class="blank"></th><th class="col_heading">a</th></tr></thead><tbody>'
              '<tr><th id="T_x_level0_row0" class="row_heading">0</th><td id="T_x_row0_col0" class="data row0 col0">'
              + "长" * 50 + "</td></tr></tbody></table>")
    out = B._classify_table(styler, missing_marker=True)
    assert 'class="data row0 col0 text long"' in out and "book-stack" not in out  # one long column: no cards
    markdown = "<table><thead><tr><th>term</th><th>meaning</th></tr></thead><tbody><tr><td>K</td><td>" + \
        "长" * 50 + "</td></tr></tbody></table>"
    out = B._classify_table(markdown, missing_marker=False)
    assert 'class="book-table book-stack"' in out and 'data-label="meaning"' in out


def test_a_header_follows_its_column_across_row_and_column_spans():
    table = ("<table><thead><tr><th></th><th colspan=\"2\">ab</th><th>c</th></tr></thead><tbody>"
             "<tr><th rowspan=\"2\">x</th><td>1</td><td>2</td><td>t</td></tr>"
             "<tr><td>3</td><td>4</td><td>u</td></tr></tbody></table>")
    out = B._classify_table(table, missing_marker=True)
    assert re.search(r'<th colspan="2" class="num[^"]*">ab</th>', out)
    assert re.search(r'<th class="text[^"]*">c</th>', out)
    assert out.count('<td class="num">') == 4 and out.count('class="text short">') >= 3
    mixed = B._classify_table("<table><tbody><tr><td>03, 07</td></tr><tr><td>README</td></tr></tbody></table>", True)
    assert '<td class="text short">03, 07</td>' in mixed  # a number in a column of text aligns with its column


# ----------------------------------------------------------------------------- search, links, anchors
def test_search_index_has_one_anchored_entry_per_section_with_tables_and_figure_titles(built):
    out, _, _ = built
    entries = _index(out)
    pages = {p.name: _ids(p.read_text(encoding="utf-8")) for p in out.glob("*.html")}
    for e in entries:
        page, _, frag = e["url"].partition("#")
        assert page in pages and (not frag or frag in pages[page]), e["url"]
    hay = {e["url"].partition("#")[0] for e in entries if "Jensen" in e["text"] + e["title"]}
    assert {"glossary.html", "05-topics.html"} <= hay
    by_url = {e["url"]: e for e in entries}
    assert "05-topics.html#4--topics-over-time-in-the-extended-policy-collection" in by_url  # a heading
    assert "浦东新区法规" in by_url["08-local-legislation.html#1--the-local-corpus"]["text"]  # table text
    assert "主题间距离图" in by_url["05-topics.html#6--the-intertopic-map"]["text"]  # figure title
    assert "import analysis" not in by_url["05-topics.html#2--the-topics"]["text"]  # code is not indexed
    printed = [e["url"] for e in entries if "stored article pairs by kind of shared text" in e["text"]]
    assert printed and printed[0].startswith("08-local-legislation.html#")  # a printed result (a cell's text output)
    assert not any("load_table(" in e["text"] for e in entries if e["url"].startswith("08-"))  # its code is not


def test_every_link_and_anchor_resolves_inside_the_book(built):
    """The link and anchor checker (``analysis.book.broken_links``, itself tested in tests/test_book_links.py): from
    any page, every relative link names a file of the book (none leaves the book's folder, so it works offline
    wherever the folder is copied) and every #anchor exists in its target."""
    out, _, _ = built
    ids = {p.name: _ids(p.read_text(encoding="utf-8")) for p in out.glob("*.html")}
    broken = B.broken_links(out)
    assert not broken, broken[:20]
    front = (out / "index.html").read_text(encoding="utf-8")
    for anchor in ("#large-corpora", "#local-legislation-against-national-law-text-reuse"):
        assert f'href="{anchor}"' in front and anchor[1:] in ids["index.html"]
    assert 'href="05-topics.html"' in front and 'href="notebooks/' not in front and "../../" not in front
    assert 'href="glossary.html"' in (out / "00-start-here.html").read_text(encoding="utf-8")
    assert (out / "repo" / "data" / "curated" / "indicators.csv").is_file()
    assert (out / "repo-tests-benchmarks-book.html").is_file()


def test_headings_get_the_ids_github_gives_them():
    assert B.github_slug("Local legislation against national law (text reuse)") == \
        "local-legislation-against-national-law-text-reuse"
    assert B.github_slug("1 · The local corpus") == "1--the-local-corpus"
    assert B.github_slug("4 · Inside one law: 数据安全法") == "4--inside-one-law-数据安全法"
    body, outline = B._headings('<h2 id="Large-corpora">Large corpora<a class="anchor-link" '
                                'href="#Large-corpora">&#182;</a></h2><h2 id="x">Large corpora</h2>')
    assert [h["id"] for h in outline] == ["large-corpora", "large-corpora-1"]
    assert 'id="Large-corpora"' in body  # JupyterLab's id kept as a second anchor


# ----------------------------------------------------------------------------- fonts
def _book_cmap(out: Path) -> set[int]:
    """Code points of the fonts embedded in the built book."""
    from fontTools.ttLib import TTFont

    css = (out / "static" / "book-font.css").read_text(encoding="ascii")
    cmap: set[int] = set()
    for data in re.findall(r"base64,([A-Za-z0-9+/=]+)\)", css):
        cmap |= set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
    return cmap


def test_the_embedded_fonts_cover_every_character_of_the_book(built):
    out, _, info = built
    cmap = _book_cmap(out)
    used = set()
    for f in [*out.glob("*.html"), out / "search-index.js", out / "static" / "book.css", out / "static" / "search.js"]:
        used |= set(f.read_text(encoding="utf-8"))
    missing = sorted(c for c in used if ord(c) not in cmap and not B._ignorable(c) and c not in "\t\n\r")
    assert len(used) > 500 and not missing, [f"{c} U+{ord(c):04X}" for c in missing[:20]]
    assert {"⁸", "₂"} <= used and {ord("⁸"), ord("₂")} <= cmap
    assert info["missing_glyphs"] == ""


# ----------------------------------------------------------------------------- robustness and speed
def test_a_failed_build_keeps_the_previous_book(tmp_path, monkeypatch):
    out = tmp_path / "book"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    monkeypatch.setattr(B, "subset_font", lambda chars: (_ for _ in ()).throw(RuntimeError("font broke")))
    with pytest.raises(RuntimeError, match="font broke"):
        B.build_book(out, cache_dir=None)
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["book"]  # no temporary folder left behind


def test_an_unchanged_book_renders_nothing_and_a_changed_notebook_only_its_page(tmp_path, monkeypatch):
    """Incremental build on a small book (README, one notebook copied to tmp, glossary, gallery)."""
    nb_path = tmp_path / "notebooks" / "07-claims-check.ipynb"
    nb_path.parent.mkdir()
    shutil.copyfile(NOTEBOOKS_DIR / nb_path.name, nb_path)
    small = [B.Page("index", "前言 README", "markdown", ROOT / "README.md"),
             B.Page("07-claims-check", B.notebook_title(nb_path), "notebook", nb_path),
             B.Page("glossary", "术语表 Glossary", "markdown", ROOT / "GLOSSARY.md"),
             B.Page("figures", "全部图表 All figures", "figures", None)]
    monkeypatch.setattr(B, "pages", lambda: small)
    cache, out = tmp_path / "cache", tmp_path / "book"
    first, second, third = {}, {}, {}
    cache.mkdir()
    (cache / "page-09-removed-notebook.json").write_text('{"key": "x", "value": {}}', encoding="utf-8")
    B.build_book(out, cache_dir=cache, info=first)
    assert first["pruned"] == ["page-09-removed-notebook"] and not (cache / "page-09-removed-notebook.json").exists()
    before = {p.name: p.read_bytes() for p in out.glob("*.html")}
    B.build_book(out, cache_dir=cache, info=second)
    assert second["rendered"] == [] and second["font"] == "cached"
    assert {p.name: p.read_bytes() for p in out.glob("*.html")} == before
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = ["# 07 · Claims check — 报告中可检验的陈述\n\nA changed sentence: 龘靐齉.\n"]
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    B.build_book(out, cache_dir=cache, info=third)
    assert third["rendered"] == ["07-claims-check"] and third["font"] == "built"  # 龘靐齉 are new characters
    assert "龘靐齉" in (out / "07-claims-check.html").read_text(encoding="utf-8")
    # the incremental book is, file for file and byte for byte, the book a build from scratch writes
    full = B.build_book(tmp_path / "full", cache_dir=None)
    assert _tree(out) == _tree(full)
    # a new version of a rendering library (here: one more library in the key) re-renders every page
    monkeypatch.setattr(B, "_RENDER_LIBRARIES", B._RENDER_LIBRARIES + ("websocket-client",))
    fourth: dict = {}
    B.build_book(out, cache_dir=cache, info=fourth)
    assert fourth["cached"] == [] and {p.slug for p in small if p.kind != "figures"} <= set(fourth["rendered"])
    assert _tree(out) == _tree(full)


def test_the_whole_book_from_the_cache_is_the_book_built_from_scratch(built):
    """Every page of the real book survives the cache (JSON) unchanged: a warm build writes the cold build's bytes."""
    out, _, _ = built
    warm: dict = {}
    again = B.build_book(out.parent / "warm-book", cache_dir=out.parent / "cache", info=warm)
    assert warm["rendered"] == [] and warm["font"] == "cached" and len(warm["cached"]) > 20
    assert _tree(again) == _tree(out)


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by its path inside it, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ----------------------------------------------------------------------------- the browser
class Chromium:
    """Headless Chromium driven over the DevTools protocol (one websocket, flat sessions)."""

    def __init__(self, executable: str):
        import websocket

        self.profile = tempfile.mkdtemp(prefix="book-chromium-")
        self.proc = subprocess.Popen([executable, f"--user-data-dir={self.profile}", *CHROMIUM_FLAGS],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(600):
            if port_file.is_file() and len(port_file.read_text().split()) >= 2:
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.proc.returncode}")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=120, suppress_origin=True)
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

    def wait_for(self, method: str, session: str, timeout: float = 60.0) -> None:
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
    pytest.importorskip("websocket", reason="websocket-client is not installed (a test tool pinned in requirements.txt, "
                        "absent from the dependency-floor venv); browser tests of the book skipped")
    b = Chromium(CHROMIUM)
    yield b
    b.close()


def _evaluate(b: Chromium, session: str, expression: str):
    res = b.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
                 session)
    if "exceptionDetails" in res:
        raise RuntimeError(res["exceptionDetails"])
    return res["result"].get("value")


class Tab:
    """One page in a fresh tab at a given size; ``with Tab(b, url, "phone") as t: t.js("…")``."""

    def __init__(self, b: Chromium, url: str, size: str = "desktop", domains=("Page", "Runtime", "Log", "DOM", "CSS")):
        self.b, self.url, self.size, self.domains = b, url, size, domains

    def __enter__(self):
        b = self.b
        self.target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = b.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        for domain in self.domains:
            b.send(f"{domain}.enable", {}, self.session)
        w, h, mobile = SIZES[self.size]
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile}, self.session)
        self.navigate(self.url)
        return self

    def navigate(self, url: str):
        self.b.events = [e for e in self.b.events if e.get("sessionId") != self.session
                         or e.get("method") != "Page.loadEventFired"]
        self.b.send("Page.navigate", {"url": url}, self.session)
        self.b.wait_for("Page.loadEventFired", self.session)
        self.js("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r(true))))")

    def js(self, expression: str):
        return _evaluate(self.b, self.session, expression)

    def screenshot(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        shot = self.b.send("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        path.write_bytes(base64.b64decode(shot))

    def errors(self) -> list[dict]:
        return [e for e in self.b.events if e.get("sessionId") == self.session and (
            e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"))]

    def __exit__(self, *exc):
        self.b.send("Target.closeTarget", {"targetId": self.target})
        self.b.events = [e for e in self.b.events if e.get("sessionId") != self.session]


#: ``styled(cell)``: whether a style sheet inside the page (a pandas Styler's <style> block) sets the cell's
#: text-align on purpose — notebook 04's KWIC aligns left context right and the keyword centred. Such cells keep the
#: notebook's alignment; every other cell must follow the book's classes.
STYLED_JS = """
    const styledRules = [...document.styleSheets].filter(s => s.ownerNode && s.ownerNode.closest('main'))
        .flatMap(s => [...s.cssRules]).filter(r => r.style && r.style.textAlign).map(r => r.selectorText);
    const styled = c => styledRules.some(sel => { try { return c.matches(sel); } catch (e) { return false; } });
"""


def _font_fallbacks(b: Chromium, session: str, cmap: set[int]) -> list[str]:
    """Text nodes with a glyph drawn by a font other than the book's own.

    Every rendered text node with a character outside printable ASCII is asked which fonts drew it. Outside code
    only the book's fonts (custom fonts) may draw; in code (set in a system monospace font first) the book's fonts
    must draw at least the Chinese characters.
    """
    root = b.send("DOM.getDocument", {"depth": -1}, session)["root"]
    problems = []

    def walk(node, in_code, parent):
        name = node.get("nodeName", "")
        code = in_code or name in ("PRE", "CODE")
        text = node.get("nodeValue", "") if node.get("nodeType") == 3 else ""
        if re.search(r"[^\x00-\x7F]", text) and parent not in ("SCRIPT", "STYLE", "TITLE"):
            fonts = b.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]}, session)["fonts"]
            if fonts:  # a text node that is not rendered (hidden) has none
                custom = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
                other = sum(f["glyphCount"] for f in fonts if not f["isCustomFont"])
                n_cjk = len(CJK.findall(text))
                if (code and custom < n_cjk) or (not code and other > 0):
                    problems.append(f"{text.strip()[:60]!r} in <{parent.lower()}> (code={code}): "
                                    f"{[(f['familyName'], f['glyphCount']) for f in fonts]}")
        for child in node.get("children", []):
            walk(child, code, name)

    walk(root, False, "")
    return problems


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("page", [p.slug for p in B.pages()])
def test_page_in_chromium(browser, built, page, size):
    out, _, _ = built
    with Tab(browser, (out / f"{page}.html").as_uri(), size) as tab:
        fonts = tab.js("[...document.fonts].map(f => f.family.replace(/\"/g, '') + ':' + f.status)")
        assert f"{B.FONT_FAMILY}:loaded" in fonts, fonts
        broken = tab.js("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                        ".map(i => i.getAttribute('src'))")
        assert broken == [], broken
        if size == "desktop":  # which font draws a character does not depend on the width
            fallbacks = _font_fallbacks(browser, tab.session, _book_cmap(out))
            assert fallbacks == [], fallbacks[:5]
        # figures open at full size: every figure image is the content of a link to its file
        unlinked = tab.js("[...document.querySelectorAll('main img')].filter(i => !(i.closest('a') && "
                          "i.closest('a').getAttribute('href') === i.getAttribute('src'))).map(i => i.src)")
        assert unlinked == [], unlinked
        # table cells: text left, numbers right, whatever JupyterLab's stylesheet says (cells a pandas Styler
        # aligns on purpose, such as KWIC's right / centre / left columns, keep the notebook's alignment; on a
        # phone a Markdown table of long text is a stack of cards, without columns to align)
        align = tab.js(f"""(() => {{
            {STYLED_JS}
            const stacked = c => c.closest('.book-stack') && getComputedStyle(c).display === 'block';
            const a = s => [...document.querySelectorAll(s)].filter(c => !styled(c) && !stacked(c))
                .map(c => getComputedStyle(c).textAlign);
            return {{text: a('main td.text, main th.text'), num: a('main td.num, main th.num'),
                     styled: [...document.querySelectorAll('main td')].filter(styled).length}};
        }})()""")
        assert set(align["text"]) <= {"left", "start"}, sorted(set(align["text"]))
        assert set(align["num"]) <= {"right", "end"}, sorted(set(align["num"]))
        if page == "04-keywords":  # the KWIC table's own alignment is recognised as the notebook's choice
            assert align["styled"] > 0
        # no output reaches past its output area, which clips it (JupyterLab's phone rule did: the last characters
        # of printed lines, the right edge of tables and figures)
        clipped = tab.js("""[...document.querySelectorAll('main .jp-OutputArea-output')].filter(o => {
            const r = o.getBoundingClientRect(), c = o.closest('.jp-OutputArea-child').getBoundingClientRect();
            return r.right > c.right + 1 || r.left < c.left - 1; }).map(o => o.className)""")
        assert clipped == [], clipped[:3]
        overflow = tab.js("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow} px (a wide table or figure escapes its box)"
        assert tab.errors() == [], tab.errors()[:3]
        tab.screenshot(B.SCREENSHOT_DIR / f"{page}-{size}.png")


def test_tables_align_text_left_and_numbers_right_in_chromium(browser, built):
    """The cells the issue counted as wrongly right-aligned (00, 05, 08) are left-aligned now, at both sizes."""
    out, _, _ = built
    for size in SIZES:
        for page in ("00-start-here", "05-topics", "08-local-legislation"):
            with Tab(browser, (out / f"{page}.html").as_uri(), size) as tab:
                res = tab.js("""(() => {""" + STYLED_JS + """
                    const cells = [...document.querySelectorAll('.jp-OutputArea-output td')].filter(c =>
                        getComputedStyle(c).display === 'table-cell' && !styled(c));  // not a card, not a Styler's
                    const isNum = c => /^[-+−]?[\\d,.]+(?:[–-][\\d,.]+)? ?%?$|^\\d{4}-\\d\\d(?:-\\d\\d)?$/.test(c.textContent.trim());
                    const text = cells.filter(c => c.textContent.trim() && !isNum(c));
                    return [text.length, text.filter(c => getComputedStyle(c).textAlign === 'right').length,
                            cells.filter(isNum).filter(c => getComputedStyle(c).textAlign !== 'right').length];
                })()""")
                n_text, text_right, num_not_right = res
                assert n_text > 20 and text_right == 0 and num_not_right == 0, (page, size, res)
                if page == "08-local-legislation":  # 数据安全法 on one line, not one character per line
                    heights = tab.js("""[...document.querySelectorAll('td.short')].filter(c =>
                        c.textContent.trim() === '数据安全法').map(c => {
                        const r = document.createRange(); r.selectNodeContents(c);
                        return r.getClientRects().length; })""")
                    assert heights and set(heights) == {1}, (size, heights)


def _search(tab: Tab, query: str) -> list[str]:
    return tab.js(f"""(() => {{
        const i = document.getElementById('book-search-input');
        i.focus(); i.value = {json.dumps(query)}; i.dispatchEvent(new Event('input'));
        return [...document.querySelectorAll('#book-search-results ol a')].map(a => a.getAttribute('href'));
    }})()""")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("query, page", [("Benjamini–Hochberg", "05-topics.html"),  # prose
                                         ("浦东新区法规", "08-local-legislation.html"),  # table text
                                         ("主题间距离图", "05-topics.html"),  # figure title
                                         ("stored article pairs", "08-local-legislation.html")])  # printed result
def test_search_lands_on_the_sections_anchor_with_the_match_marked(browser, built, size, query, page):
    out, _, _ = built
    with Tab(browser, (out / "index.html").as_uri(), size) as tab:
        links = _search(tab, query)
        covered = tab.js("""(() => {
            const i = document.getElementById('book-search-input').getBoundingClientRect();
            const r = document.getElementById('book-search-results').getBoundingClientRect();
            return r.top < i.bottom && r.left < i.right && r.right > i.left;
        })()""")
        assert not covered, "the results panel covers the search box"
        if query == "浦东新区法规":  # the arrow keys walk the results and come back to the search box
            walk = tab.js("""(() => {
                const key = (el, k) => el.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
                const input = document.getElementById('book-search-input'), seen = [];
                key(input, 'ArrowDown'); seen.push(document.activeElement.getAttribute('href'));
                key(document.activeElement, 'ArrowDown'); seen.push(document.activeElement.getAttribute('href'));
                key(document.activeElement, 'ArrowUp'); key(document.activeElement, 'ArrowUp');
                seen.push(document.activeElement.id);
                return seen; })()""")
            assert walk == [links[0], links[1], "book-search-input"], walk
        link = next(h for h in links if h.startswith(page + "?q="))
        assert "#" in link
        tab.navigate((out / link.split("?")[0]).as_uri() + "?" + link.split("?", 1)[1])
        res = tab.js("""(() => {
            const id = decodeURIComponent(location.hash.slice(1));
            const anchor = document.getElementById(id);
            const heading = anchor && (anchor.matches('h1,h2,h3,h4,h5,h6') ? anchor : anchor.parentElement);
            // a match in the text is marked; a match in a figure's title (its alt text) outlines the figure
            const marks = [...document.querySelectorAll('mark.book-hit, .book-hit-figure')];
            const m = marks[0] && marks[0].getBoundingClientRect();
            const before = marks[0] && heading &&
                (heading.compareDocumentPosition(marks[0]) & Node.DOCUMENT_POSITION_FOLLOWING);
            const text = marks[0] && (marks[0].tagName === 'MARK' ? marks[0].textContent : marks[0].querySelector('img').alt);
            return {id, heading: heading && heading.tagName, marks: marks.length, before: !!before,
                    inView: !!m && m.top >= -1 && m.top < innerHeight, text,
                    input: document.getElementById('book-search-input').value};
        })()""")
        assert res["heading"] in ("H1", "H2", "H3", "H4"), res
        assert res["marks"] >= 1 and res["before"] and res["inView"], res
        assert query.lower() in res["text"].lower() and res["input"] == query
        tab.screenshot(B.SCREENSHOT_DIR / f"search-{size}-{page.split('.')[0]}-{len(query)}.png")


@pytest.mark.parametrize("query", ["reg", "Jensen", "数据"])
def test_search_snippets_start_and_end_at_word_boundaries_with_the_match_marked(browser, built, query):
    """Each result's snippet is a piece of its section's indexed text that neither starts nor ends inside a Latin
    word (a query inside words, "reg", tempts a cut at "…gulations"), with the query marked inside it."""
    out, _, _ = built
    with Tab(browser, (out / "index.html").as_uri(), "phone") as tab:
        _search(tab, query)
        res = tab.js("""(() => {
            const byUrl = new Map(window.BOOK_INDEX.map(e => [e.url, e]));
            const word = c => /[A-Za-z0-9_\u00C0-\u024F]/.test(c || '');
            return [...document.querySelectorAll('#book-search-results li')].map(li => {
                const href = li.querySelector('a').getAttribute('href');
                const url = href.replace(/[?]q=[^#]*/, "");
                const sn = li.querySelector('.snippet');
                if (!sn) { return {url, title: true}; }
                const lead = sn.textContent.startsWith('… '), tail = sn.textContent.endsWith(' …');
                const body = sn.textContent.slice(lead ? 2 : 0, tail ? -2 : undefined);
                const text = byUrl.get(url).text, at = text.indexOf(body);
                return {url, found: at >= 0, lead, tail, mark: (sn.querySelector('mark') || {}).textContent,
                        startOk: at === 0 ? !lead : !(word(text[at - 1]) && word(text[at])),
                        endOk: at + body.length === text.length ? !tail :
                            !(word(text[at + body.length - 1]) && word(text[at + body.length]))};
            });
        })()""")
    snippets = [r for r in res if not r.get("title")]
    assert len(snippets) >= 3, res[:3]
    for r in snippets:
        assert r["found"] and r["startOk"] and r["endOk"], r
        assert r["mark"] is not None and r["mark"].lower() == query.lower(), r
    if query == "reg":  # the cut really happened somewhere: some snippets start after "… "
        assert any(r["lead"] for r in snippets)


def test_landing_marks_a_match_across_a_line_break_and_into_code(browser, built):
    """The index joins a paragraph's text into one line, so a query found there may cross a line break of the
    Markdown source or run into a word in <code>; the landing page must mark it all the same (and only in the
    section the address names)."""
    out, _, _ = built
    page = out / "landing-probe.html"  # a page of the built book's shape, with the book's own script
    page.write_text(
        '<!doctype html><meta charset="utf-8"><input id="book-search-input"><main id="book-main">'
        '<h2 id="a">A</h2><p>comparison is built once by <code>python -m analysis build</code>.</p>'
        '<h2 id="b">B</h2><p>comparison is built\nonce by <code>python</code> again, line break\n  every time</p>'
        '<table><tr><td>last cell</td><td>next cell</td></tr></table>'
        '</main><script src="static/search.js"></script>', encoding="utf-8")
    try:
        for query, want in [("built once by python", ["built\nonce by ", "python"]),
                            ("line break every", ["line break\n  every"]),
                            ("cell next", ["cell", "next"])]:  # across table cells, as the index joins them
            with Tab(browser, page.as_uri() + "?q=" + query.replace(" ", "%20") + "#b") as tab:
                marks = tab.js("[...document.querySelectorAll('mark.book-hit')].map(m => m.textContent)")
                assert marks == want, (query, marks)
                assert tab.js("document.getElementById('book-search-input').value") == query
                if query == "built once by python":  # another result on the same page: only the #section changes
                    moved = tab.js("""new Promise(r => { window.addEventListener('hashchange', () => r(
                        [...document.querySelectorAll('mark.book-hit')].map(m => [m.textContent,
                         m.closest('p').previousElementSibling.id])), {once: true}); location.hash = 'a'; })""")
                    assert moved == [["built once by ", "a"], ["python", "a"]], moved
    finally:
        page.unlink()


def test_phone_layout_keeps_the_first_screen_for_the_page(browser, built):
    out, _, _ = built
    for page in [p.slug for p in B.pages()]:
        with Tab(browser, (out / f"{page}.html").as_uri(), "phone") as tab:
            res = tab.js("""(() => {
                const nav = document.getElementById('book-nav').getBoundingClientRect();
                const toc = document.getElementById('book-toc');
                const first = document.querySelector('main h1, main p');
                return {nav: nav.height, tocShown: toc.offsetHeight > 0, first: first.getBoundingClientRect().top};
            })()""")
            assert res["nav"] <= 0.12 * 844 and not res["tocShown"] and res["first"] < 200, (page, res)
            opened = tab.js("""(() => { document.getElementById('book-menu').click();
                const toc = document.getElementById('book-toc').getBoundingClientRect();
                return [toc.height > 100, document.getElementById('book-menu').getAttribute('aria-expanded')]; })()""")
            assert opened == [True, "true"], page
            if page == "04-keywords":
                tab.screenshot(B.SCREENSHOT_DIR / "contents-open-phone.png")
            if page in ("glossary", "07-claims-check"):  # long-text tables are cards, each cell under its heading
                cards = tab.js("""[...document.querySelectorAll('.book-stack td[data-label]')].slice(0, 5).map(c =>
                    [getComputedStyle(c).display, getComputedStyle(c, '::before').content, c.dataset.label])""")
                assert cards and all(d == "block" and before == f'"{label}"' for d, before, label in cards), cards


def test_front_page_thumbnails_and_links_are_usable(browser, built):
    out, _, _ = built
    for size in SIZES:
        with Tab(browser, (out / "index.html").as_uri(), size) as tab:
            res = tab.js("""(() => {
                const thumbs = [...document.querySelectorAll('main td img')].map(i => i.getBoundingClientRect().width);
                const a = document.querySelector('main a[href="05-topics.html"]');
                const s = getComputedStyle(a), p = getComputedStyle(a.closest('td'));
                return {thumbs, underline: s.textDecorationLine, color: s.color, text: p.color};
            })()""")
            n_notebooks = len(list(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")))   # one thumbnail per notebook row
            assert len(res["thumbs"]) == n_notebooks and min(res["thumbs"]) >= 150, (size, res["thumbs"])
            assert "underline" in res["underline"] and res["color"] != res["text"], (size, res)


def test_chromium_check_sees_characters_missing_from_the_font(browser, tmp_path, monkeypatch):
    """The fallback check is not vacuous: a book whose font lacks 数 and 据 fails it on the front page."""
    real = B.subset_font
    monkeypatch.setattr(B, "subset_font", lambda chars: real(set(chars) - {"数", "据"}))
    out = B.build_book(tmp_path / "book", cache_dir=None)
    cmap = _book_cmap(out)
    assert ord("数") not in cmap
    with Tab(browser, (out / "index.html").as_uri()) as tab:
        problems = _font_fallbacks(browser, tab.session, cmap)
    assert any("数" in p or "据" in p for p in problems), problems[:3]
