"""The notebooks as a static, offline HTML book: ``python -m analysis book`` (``make book``).

Every notebook becomes a page from its *stored* outputs (nothing is executed), in reading order, after the README as
front page and followed by the glossary and a gallery of every figure at full resolution. Each page has the contents
in reading order with an outline of the page's own sections, previous/next links and a search box. On a phone the
contents fold behind a button in a one-line bar that also holds the search box.

What a reader gets:

* **Search** over headings, prose, the text of every table, printed results and the title of every figure, one
  entry per section (a plain substring search, which suits Chinese; the index is a script, so search works from
  ``file://`` without a server). A result opens the section's own anchor and marks the match there.
* **Anchors**: every heading gets the id GitHub gives it (``## Large corpora`` → ``#large-corpora``), so the links the
  README and notebooks write for GitHub work in the book; the id JupyterLab gives the same heading is kept beside it.
* **Tables**: every cell is classified when the book is built — a number (right-aligned, tabular figures), a missing
  value (one marker, —, whatever pandas wrote: NaN, <NA>, None, NaT) or text (left-aligned, wrapped, newlines shown);
  a header cell, and a number in a column of text, follow their column. Short text does not wrap, so a narrow
  Chinese column is not one character per line; a table wider than the screen scrolls sideways inside its own box,
  and on a phone a table of long text becomes one card per row. A table a pandas Styler aligns on purpose (notebook
  04's KWIC: left context right, keyword centred) keeps the notebook's alignment.
* **Figures**: every figure a notebook shows is the file it saves in ``figures/`` (150 dpi), never the notebook's
  inline copy; it links to the PNG at full size. The figure a cell shows is told by its ``save_figure`` calls: the
  name may be a literal or an expression over the notebook's imports (``rf.FIGURE_FILES["图1"]``); a cell tag
  ``figure:<name>`` overrides it. A shown figure that maps to no file stops the build. The gallery heads each figure
  with its title (``book/figure-titles.csv``, checked against the text of the figure's SVG by the tests) and links
  the section that shows it.
* **Repository files** the pages link to (``data/…`` tables, ``tests/benchmarks/…`` reports) are part of the book:
  Markdown files become pages of their own (``repo-<path>.html``), any other file is copied to ``repo/<path>``. The
  book therefore works offline from any folder it is copied to; nothing points outside it.
* **Font**: Chinese is drawn in the package's own font — Noto Sans SC from ``pylopdf-fonts-zh-cn`` — cut down to the
  characters the book uses and embedded in ``static/book-font.css``; the few characters Noto Sans SC lacks (``⁸``,
  ``₂`` …) come from DejaVu Sans (shipped with matplotlib) under the same family name. A reader needs no system
  font and nothing is fetched from the network.

Tool: nbconvert's HTML exporter renders the cells (``book/templates/offline``, a template that outputs the cells
only); the page around them is ``book/templates/page.html.j2``. Measured times: ``tests/benchmarks/book.md``.

Incremental: each page's rendered cells, the font subset and JupyterLab's stylesheet are kept in ``.cache/book/``
under a key of everything they are made from (the source file's bytes, this module, the templates, the versions
of the rendering libraries, the figure list and titles, the list of pages; for the font, its characters and the
font files). A build re-renders only what changed, and writes the same bytes as a build from scratch (tested); with
nothing changed it imports neither nbformat nor nbconvert. The output goes to ``build/book/`` (git-ignored), written
to a temporary folder first and moved into place, so a failed build leaves the previous book as it was.
"""
from __future__ import annotations

import ast
import base64
import copy
import csv
import hashlib
import html
import importlib
import importlib.util
import io
import json
import os
import posixpath
import re
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .display import NUMBER_LIKE
from .paths import CACHE_DIR, FIGURES_DIR, NOTEBOOKS_DIR, ROOT

BOOK_DIR = ROOT / "build" / "book"
SCREENSHOT_DIR = ROOT / "build" / "screenshots"
BOOK_CACHE_DIR = CACHE_DIR / "book"
TEMPLATE_DIR = ROOT / "book" / "templates"
STATIC_DIR = ROOT / "book" / "static"
FIGURE_TITLES = ROOT / "book" / "figure-titles.csv"
#: CSS family name of the embedded font (book.css puts it first for prose and last for code).
FONT_FAMILY = "Book CJK"
BOOK_TITLE = "数字时代治理现代化 · a reproducible research package"
#: Repository files (other than README, GLOSSARY, notebooks, figures) the book links to: Markdown becomes a page,
#: anything else is copied under FILES_DIR (not "files/": nbconvert strips that prefix from links, Jupyter's /files/).
FILES_DIR = "repo"
REPO_PAGE_PREFIX = "repo-"

_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
_HTML_LINK = re.compile(r"((?:src|href)=\")([^\"]+)(\")")
#: pandas writes a missing value as NaN, <NA>, None or NaT depending on the column's type; the book shows one marker.
NA_STRINGS = frozenset({"NaN", "nan", "<NA>", "None", "NaT"})
NA_MARKER = "—"
#: A cell reads as a number: 1,911 · −0.003 · 12 % · 1.2e-05 · 0.64–0.87 · (−0.003, 0.285) · <0.001 · 2021-06-10 —
#: the one reading analysis.display uses to right-align a column in JupyterLab, so the two always agree.
NUMERIC = NUMBER_LIKE
#: Text up to this many characters is kept on one line in a table (see book.css: td.short).
SHORT_TEXT = 16
_CACHE_FORMAT = "book-cache-3"


@dataclass(frozen=True)
class Page:
    """One page of the book: ``slug`` (file stem), ``title``, ``kind`` and the repository file it comes from.

    ``kind`` is ``"markdown"``, ``"notebook"``, ``"figures"`` (the gallery) or ``"repo"`` (a Markdown file of the
    repository that a page links to: not in the contents, reached by its links).
    """

    slug: str
    title: str
    kind: str
    source: Path | None

    @property
    def href(self) -> str:
        return f"{self.slug}.html"

    @property
    def in_toc(self) -> bool:
        return self.kind != "repo"


class FigureMappingError(ValueError):
    """A notebook shows a figure the book cannot tie to a file in figures/ (the build stops: no inline fallback)."""


# ----------------------------------------------------------------------------- pages and links
def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def _read_notebook_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_title(path: Path) -> str:
    """The first heading of a notebook's first markdown cell (``# 05 · Topic models …`` → ``05 · Topic models …``)."""
    for cell in _read_notebook_json(path)["cells"]:
        if cell["cell_type"] == "markdown":
            title = _first_heading(_cell_source(cell))
            if title:
                return title
    return path.stem


def pages() -> list[Page]:
    """The book in reading order: README, notebooks 00…, glossary, figures (the pages of the contents)."""
    out = [Page("index", "前言 README", "markdown", ROOT / "README.md")]
    for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        out.append(Page(nb.stem, notebook_title(nb), "notebook", nb))
    out.append(Page("glossary", "术语表 Glossary", "markdown", ROOT / "GLOSSARY.md"))
    out.append(Page("figures", "全部图表 All figures", "figures", None))
    return out


def repo_page(rel: str) -> Page:
    """The page a repository Markdown file (``tests/benchmarks/book.md``) becomes: ``repo-tests-benchmarks-book``."""
    path = ROOT / rel
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", rel[:-3] if rel.endswith(".md") else rel).strip("-")
    title = _first_heading(path.read_text(encoding="utf-8")) if path.is_file() else None
    return Page(REPO_PAGE_PREFIX + stem, title or rel, "repo", path)


def _book_links(book: list[Page]) -> dict[str, str]:
    links = {"README.md": "index.html", "GLOSSARY.md": "glossary.html"}
    links.update({f"notebooks/{p.source.name}": p.href for p in book if p.kind == "notebook"})
    return links


def _target(url: str, source_dir: str, links: dict[str, str], wanted: set[str] | None = None) -> str:
    """Where a link of a repository file points in the book (``source_dir``: the file's folder, repo-relative).

    ``wanted`` collects the repository files (repo-relative) the book must carry: Markdown files become pages,
    anything else is copied under ``repo/``.
    """
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith(("#", "/")):
        return url
    path, _, frag = url.partition("#")
    if not path:
        return url
    rel = posixpath.normpath(posixpath.join(source_dir, unquote(path)))
    if rel.startswith(".."):
        return url
    if rel in links:
        new = links[rel]
    elif rel.startswith("figures/"):
        new = rel
    else:  # another file of the repository: carried by the book
        if wanted is not None:
            wanted.add(rel)
        new = repo_page(rel).href if rel.endswith(".md") else f"{FILES_DIR}/{rel}"
    return new + (f"#{frag}" if frag else "")


def _rewrite_links(text: str, source_dir: str, links: dict[str, str], wanted: set[str] | None = None) -> str:
    def sub(m):
        return m.group(1) + _target(m.group(2), source_dir, links, wanted) + m.group(3)

    return _HTML_LINK.sub(sub, _MD_LINK.sub(sub, text))


class _LinksAndIds(HTMLParser):
    """The links (``href``/``src`` of ``a``, ``img``, ``link``, ``script``, ``source``) of one HTML page outside code,
    and every ``id`` (and ``<a name>``) it defines."""

    TAGS = {"a", "img", "link", "script", "source", "iframe"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.code = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag in ("pre", "code"):
            self.code += 1
        elif tag in self.TAGS and not self.code:
            self.links += [a[k] for k in ("href", "src") if a.get(k)]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("pre", "code"):
            self.code -= 1

    def handle_endtag(self, tag):
        if tag in ("pre", "code") and self.code:
            self.code -= 1


def broken_links(folder: Path | str) -> list[str]:
    """The link and anchor checker of a built book: every link of every HTML page that does not resolve *inside*
    ``folder``, as ``"page: link (reason)"``.

    A relative link must name a file of the folder (never one outside it, so the book works offline wherever it is
    copied); a ``#fragment`` must be an ``id`` of its target page (or of the page itself); ``file:`` and absolute
    paths are broken by definition. Links to the web (``http``, ``https``, ``mailto``) are not followed. Links
    inside ``<pre>``/``<code>`` are text, not links.
    """
    folder = Path(folder).resolve()
    parsed: dict[Path, _LinksAndIds] = {}

    def parse(path: Path) -> _LinksAndIds:
        if path not in parsed:
            p = _LinksAndIds()
            p.feed(path.read_text(encoding="utf-8"))
            p.close()
            parsed[path] = p
        return parsed[path]

    broken = []
    for page in sorted(folder.rglob("*.html")):
        name = page.relative_to(folder).as_posix()
        for url in parse(page).links:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            if parts.scheme or parts.netloc or parts.path.startswith("/"):
                broken.append(f"{name}: {url} (not a path inside the book)")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_relative_to(folder):
                broken.append(f"{name}: {url} (outside the book's folder)")
            elif not target.is_file():
                broken.append(f"{name}: {url} (no such file in the book)")
            elif parts.fragment:
                if target.suffix != ".html":
                    broken.append(f"{name}: {url} (an anchor into a file that is not a page)")
                elif unquote(parts.fragment) not in parse(target).ids:
                    broken.append(f"{name}: {url} (no such anchor)")
    return broken


# ----------------------------------------------------------------------------- figures
def figure_titles() -> dict[str, dict[str, str]]:
    """``book/figure-titles.csv``: figure stem → {title_zh, title_en, source} (source: ``figure`` when both titles
    are the text drawn in the figure, ``table`` when the figure has no overall title and the table gives one)."""
    if not FIGURE_TITLES.is_file():
        return {}
    with FIGURE_TITLES.open(encoding="utf-8", newline="") as fh:
        return {r["figure"]: r for r in csv.DictReader(fh)}


def figure_title(name: str, titles: dict[str, dict[str, str]] | None = None) -> str:
    """``中文标题 · English title`` of a figure, or its file stem where the table has no row."""
    row = (titles if titles is not None else figure_titles()).get(name)
    if not row:
        return name
    return " · ".join(t for t in (row["title_zh"].strip(), row["title_en"].strip()) if t)


def _png_size(path: Path) -> tuple[int, int] | None:
    with path.open("rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _figure_html(name: str, title: str) -> str:
    size = _png_size(FIGURES_DIR / f"{name}.png")
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    t = html.escape(title, quote=True)
    return (f'<figure class="book-figure" data-figure="{html.escape(name)}">'
            f'<a href="figures/{name}.png" title="全尺寸 Full size: figures/{name}.png">'
            f'<img class="book-full" src="figures/{name}.png" alt="{t}"{dims}></a></figure>')


class _Resolver:
    """Evaluates the name argument of ``save_figure`` without running the notebook.

    Accepted: a string literal (or an f-string without fields); a variable bound to a string literal anywhere in
    the notebook; an attribute/subscript chain with constant keys rooted at a module the notebook imports from the
    ``analysis`` package (``rf.FIGURE_FILES["图1"]``). Anything else is unresolvable (``None``).
    """

    def __init__(self, cells: list[dict]):
        self.modules: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.ambiguous: set[str] = set()
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse(_clean_magics(_cell_source(cell)))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for a in node.names:
                        if a.name.split(".")[0] == "analysis":
                            key = a.asname or a.name.split(".")[0]
                            self.modules[key] = a.name if a.asname else a.name.split(".")[0]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                        and node.module.split(".")[0] == "analysis":
                    for a in node.names:
                        self.modules[a.asname or a.name] = f"{node.module}.{a.name}"
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name):
                    name = node.targets[0].id
                    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) \
                            and self.constants.get(name, node.value.value) == node.value.value:
                        self.constants[name] = node.value.value
                    else:
                        self.ambiguous.add(name)

    def _root(self, name: str):
        if name in self.constants and name not in self.ambiguous:
            return self.constants[name]
        if name in self.modules:
            target = self.modules[name]
            try:
                return importlib.import_module(target)
            except ImportError:  # ``from analysis.x import obj``: an attribute, not a module
                mod, _, attr = target.rpartition(".")
                return getattr(importlib.import_module(mod), attr)
        raise LookupError(name)

    def value(self, node: ast.AST):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
            return "".join(v.value for v in node.values)
        if isinstance(node, ast.Name):
            return self._root(node.id)
        if isinstance(node, ast.Attribute):
            return getattr(self.value(node.value), node.attr)
        if isinstance(node, ast.Subscript):
            return self.value(node.value)[self.value(node.slice)]
        raise LookupError(ast.dump(node))

    def resolve(self, node: ast.AST) -> str | None:
        try:
            v = self.value(node)
        except (LookupError, AttributeError, KeyError, IndexError, TypeError, ImportError):
            return None
        return v if isinstance(v, str) else None


def _clean_magics(src: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines())


def _save_figure_calls(src: str) -> list[ast.AST]:
    """The name arguments of the ``save_figure(fig, name)`` calls of one cell, in source order."""
    try:
        tree = ast.parse(_clean_magics(src))
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if fname == "save_figure":
                arg = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "name"), None)
                if arg is not None:
                    calls.append((node.lineno, node.col_offset, arg))
    return [a for _, _, a in sorted(calls, key=lambda c: (c[0], c[1]))]


def figure_map(nb: dict, label: str = "notebook") -> dict[tuple[int, int], str]:
    """Which file of figures/ each image output of a notebook is: ``{(cell index, output index): stem}``.

    A cell's image outputs are paired in order with the names of its ``save_figure`` calls (or with its
    ``figure:<name>`` tags). Raises :class:`FigureMappingError` naming the cell when a shown figure cannot be tied to
    an existing ``figures/<name>.png``: the book never falls back to the notebook's inline copy.
    """
    resolver = None
    out: dict[tuple[int, int], str] = {}
    for ci, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        images = [oi for oi, o in enumerate(cell.get("outputs", [])) if "image/png" in o.get("data", {})]
        if not images:
            continue
        where = f"{label}, cell {ci} (id {cell.get('id', '?')})"
        tags = [t.split(":", 1)[1] for t in cell.get("metadata", {}).get("tags", []) if t.startswith("figure:")]
        if tags:
            names = tags
        else:
            args = _save_figure_calls(_cell_source(cell))
            if args and resolver is None:
                resolver = _Resolver(nb["cells"])
            names = [resolver.resolve(a) if resolver else None for a in args]
            if None in names:
                bad = ast.unparse(args[names.index(None)])
                raise FigureMappingError(
                    f"{where}: cannot tell which figure save_figure(…, {bad}) writes without running the notebook; "
                    "use a string literal, a name imported from analysis, or tag the cell figure:<name>")
        if len(names) != len(images):
            raise FigureMappingError(
                f"{where} shows {len(images)} figure(s) but saves {len(names)} ({names}); every figure in the book "
                "must be a file of figures/ — save each shown figure, or tag the cell figure:<name> per image")
        for oi, name in zip(images, names):
            if not (FIGURES_DIR / f"{name}.png").is_file():
                raise FigureMappingError(f"{where}: figures/{name}.png does not exist")
            out[(ci, oi)] = name
    return out


# ----------------------------------------------------------------------------- rendering helpers
def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation and symbols dropped, each space a hyphen."""
    out = []
    for c in text.strip().lower():
        if c == " ":
            out.append("-")
        elif c in "-_" or unicodedata.category(c)[0] in "LNM":
            out.append(c)
    return "".join(out)


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


_HEADING = re.compile(r'<h([1-6])\b([^>]*?)\sid="([^"]*)"([^>]*)>(.*?)</h\1>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">(?:¶|&#182;|&para;)</a>')


def _headings(body: str) -> tuple[str, list[dict]]:
    """Give every heading its GitHub id (unique within the page), keep JupyterLab's id as a second anchor."""
    used: dict[str, int] = {}
    ids: set[str] = set()
    outline: list[dict] = []

    def sub(m):
        level, before, old, after, inner = m.groups()
        text = " ".join(_text_of(_ANCHOR_LINK.sub("", inner)).split())
        base = github_slug(text) or "section"
        n = used.get(base, 0)
        used[base] = n + 1
        slug = base if n == 0 else f"{base}-{n}"
        ids.add(slug)
        jl = unquote(html.unescape(old))
        alt = ""
        if jl and jl not in ids:
            ids.add(jl)
            alt = f'<span class="book-alt-anchor" id="{html.escape(jl, quote=True)}"></span>'
        inner = _ANCHOR_LINK.sub(f'<a class="anchor-link" href="#{slug}" aria-label="link to this section">¶</a>',
                                 inner)
        outline.append({"level": int(level), "id": slug, "title": text})
        return f'<h{level}{before} id="{html.escape(slug, quote=True)}"{after}>{alt}{inner}</h{level}>'

    return _HEADING.sub(sub, body), outline


_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</\1>", re.S)
_SPAN = re.compile(r'\b(colspan|rowspan)="?(\d+)"?')


def cell_kind(content: str) -> str:
    """``num``, ``na`` or ``text`` for the HTML content of a table cell (empty cells count as text)."""
    text = " ".join(_text_of(content).split())
    if text in NA_STRINGS:
        return "na"
    if text and NUMERIC.fullmatch(text):
        return "num"
    return "text"


def _add_class(attrs: str, classes: str) -> str:
    m = re.search(r'\bclass="([^"]*)"', attrs)
    if m:
        return attrs[:m.start()] + f'class="{m.group(1)} {classes}"' + attrs[m.end():]
    return f'{attrs} class="{classes}"'


def _classify_table(table: str, missing_marker: bool) -> str:
    """Mark each cell of one HTML table: num / na / text (+ short or long), header cells by their column."""
    head_end = table.find("</thead>")
    grid_kinds: dict[int, set[str]] = {}
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    cells = []  # (start, end, tag, attrs, content, column, in_head)
    for row in _ROW.finditer(table):
        col = 0
        in_head = head_end >= 0 and row.start() < head_end
        next_pending = {c: n - 1 for c, n in pending.items() if n > 1}
        for cell in _CELL.finditer(row.group(1)):
            while pending.get(col, 0) > 0:
                col += 1
            tag, attrs, content = cell.groups()
            spans = {k: int(v) for k, v in _SPAN.findall(attrs)}
            width = spans.get("colspan", 1)
            if spans.get("rowspan", 1) > 1:
                for c in range(col, col + width):
                    next_pending[c] = spans["rowspan"] - 1
            start = row.start(1) + cell.start()
            cells.append((start, row.start(1) + cell.end(), tag, attrs, content, range(col, col + width), in_head))
            if tag == "td" and not in_head:
                # an empty cell does not decide its column (as analysis.display reads it: "" counts as missing)
                kind = cell_kind(content) if _text_of(content).strip() else "empty"
                for c in range(col, col + width):
                    grid_kinds.setdefault(c, set()).add(kind)
            col += width
        pending = next_pending

    def column_is_numeric(cols: range) -> bool:
        kinds = [grid_kinds.get(c, set()) - {"na", "empty"} for c in cols]
        return all(k == {"num"} for k in kinds) and bool(kinds)

    # A table of long text reads as one card per row on a phone, each cell after the first labelled with its
    # column's heading (book.css: .book-stack, td::before): a Markdown table with any long cell (the glossary), a
    # pandas frame with two or more columns of long text (notebook 07's claims), a table of figures (the README's).
    # Other tables keep their columns and scroll sideways.
    long_cols = {c.start for _, _, tag, _, content, c, in_head in cells
                 if tag == "td" and not in_head and len(" ".join(_text_of(content).split())) > 40}
    frame = re.match(r'<table\b[^>]*(?:class="dataframe|id="T_)', table) is not None  # pandas: to_html or Styler
    stack = "<img" in table or (len(long_cols) >= 2 if frame else bool(long_cols))
    labels = {c.start: " ".join(_text_of(content).split()) for _, _, tag, _, content, c, in_head in cells
              if in_head and tag == "th"} if stack else {}
    out, last = [], 0
    for start, end, tag, attrs, content, cols, in_head in cells:
        text = " ".join(_text_of(content).split())
        if tag == "th" and in_head:
            kind = "num" if text and column_is_numeric(cols) else "text"
        else:
            kind = cell_kind(content)
            if kind == "num" and tag == "td" and not column_is_numeric(cols):
                kind = "text"  # a number in a column of text (the glossary's "03, 07") aligns with its column
            elif tag == "td" and not text and column_is_numeric(cols):
                kind = "num"   # an empty cell in a column of numbers aligns with its column
        classes = kind
        extra = ""
        if kind == "na" and missing_marker:
            content, extra = NA_MARKER, ' title="missing"'
        elif kind == "text":
            if "\\n" in content or "\\t" in content:  # pandas writes a newline inside a cell as the two characters \n
                content = content.replace("\\n", "\n").replace("\\t", "\t")
            classes += " short" if len(text) <= SHORT_TEXT and "\n" not in content.strip() else " long"
            if tag == "td" and text.endswith("...") and len(text) > 20:
                classes += " cut"
                extra = (' title="shortened by pandas (display.max_colwidth) when the notebook ran; '
                         'the full text is in the table it comes from"')
        if stack and tag == "td" and cols.start > 0 and labels.get(cols.start):
            extra += f' data-label="{html.escape(labels[cols.start], quote=True)}"'
        out.append(table[last:start])
        out.append(f"<{tag}{_add_class(attrs, classes)}{extra}>{content}</{tag}>")
        last = end
    out.append(table[last:])
    return f'<div class="book-table{" book-stack" if stack else ""}">' + "".join(out) + "</div>"


_BARE_FIGURE = re.compile(r'<img\b(?![^>]*\bclass="book-full")[^>]*\bsrc="(figures/[^"]+\.png)"[^>]*>')


def _zoomable(body: str) -> str:
    """Make every image of figures/ a link to itself at full size (the README's thumbnails, Markdown images)."""
    def sub(m):
        before = body[max(0, m.start() - 200):m.start()]
        if re.search(r"<a\b[^>]*>\s*$", before):  # already the content of a link
            return m.group(0)
        return f'<a class="book-zoom" href="{m.group(1)}" title="全尺寸 Full size">{m.group(0)}</a>'

    return _BARE_FIGURE.sub(sub, body)


def _tables(body: str, missing_marker: bool) -> str:
    return _TABLE.sub(lambda m: _classify_table(m.group(0), missing_marker), body)


class _Sections(HTMLParser):
    """Walks a rendered page in order and collects, per heading, the text a reader searches: the heading, prose,
    table text, printed results (a cell's text output) and figure titles; code is left out."""

    SKIP = {"jp-InputArea-editor", "jp-InputPrompt", "jp-OutputPrompt"}
    BREAKS = {"p", "li", "td", "th", "tr", "br", "div", "dd", "dt", "blockquote", "figure", "h1", "h2", "h3",
              "h4", "h5", "h6", "pre", "table"}

    def __init__(self, title: str):
        super().__init__(convert_charrefs=True)
        self.sections = [{"id": "", "title": title, "parts": []}]
        self.figures: list[tuple[str, str]] = []  # (figure stem, section id)
        self.divs: list[bool] = []
        self.skip = 0
        self.raw = 0  # inside <style> or <script>
        self.anchor = 0
        self.heading: list | None = None

    def _add(self, text: str):
        (self.heading[2] if self.heading is not None else self.sections[-1]["parts"]).append(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "div":
            s = bool(classes & self.SKIP)
            self.divs.append(s)
            self.skip += s
        elif tag in ("style", "script"):
            self.raw += 1
        elif tag == "a" and "anchor-link" in classes:
            self.anchor += 1
        elif re.fullmatch(r"h[1-6]", tag) and a.get("id") and not self.skip:
            self.heading = [tag, a["id"], []]
        elif tag == "figure" and a.get("data-figure") and not self.skip:
            self.figures.append((a["data-figure"], self.sections[-1]["id"]))
        elif tag == "img" and not self.skip and "book-full" in classes and a.get("alt"):
            self._add(f" {a['alt']} ")
        if tag in self.BREAKS:
            self._add(" ")

    def handle_endtag(self, tag):
        if tag == "div" and self.divs:
            self.skip -= self.divs.pop()
        elif tag in ("style", "script"):
            self.raw = max(0, self.raw - 1)
        elif tag == "a" and self.anchor:
            self.anchor -= 1
        elif self.heading is not None and tag == self.heading[0]:
            _, hid, parts = self.heading
            self.heading = None
            self.sections.append({"id": hid, "title": " ".join("".join(parts).split()), "parts": []})
        if tag in self.BREAKS:
            self._add(" ")

    def handle_data(self, data):
        if not (self.raw or self.skip or self.anchor):
            self._add(data)


def search_entries(page: Page, body: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """Search-index entries of one rendered page — one per heading section: ``page``, ``title`` (the heading),
    ``url`` (``page.html#heading-id``) and ``text`` (prose, table text, figure titles) — and the figures it shows
    with the section each is in."""
    parser = _Sections(page.title)
    parser.feed(body)
    parser.close()
    entries = []
    for s in parser.sections:
        text = " ".join("".join(s["parts"]).split())
        if s["id"] == "" and not text:
            continue
        entries.append({"page": page.title, "title": s["title"], "url": page.href + (f"#{s['id']}" if s["id"] else ""),
                        "text": text})
    return entries, parser.figures


# ----------------------------------------------------------------------------- fonts and styles
def _dejavu_path() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    for loc in (spec.submodule_search_locations or []) if spec else []:
        p = Path(loc) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if p.is_file():
            return p
    return None


def _font_cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path), lazy=True, fontNumber=0).getBestCmap())


def _subset(path: Path, codepoints: set[int], opts_layout: bool = True) -> bytes:
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = ["*"] if opts_layout else []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["FFTM"]  # FontForge's timestamp table (DejaVu): fontTools cannot subset it and says so
    font = subset.load_font(str(path), opts)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(codepoints))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def subset_font(chars: set[str], font_path: Path | None = None) -> bytes:
    """The project's CJK font cut down to ``chars`` (plus printable ASCII), as OpenType bytes."""
    from .plotting import cjk_font_path

    return _subset(font_path or cjk_font_path(), {ord(c) for c in chars} | set(range(0x20, 0x7F)))


def _ignorable(c: str) -> bool:
    """Characters no font needs to draw: controls, line breaks and the zero-width format characters."""
    return unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")


def font_css(chars: set[str]) -> tuple[str, set[str]]:
    """``@font-face`` rules of the book's font: Noto Sans SC cut to ``chars``, and DejaVu Sans cut to the characters
    Noto Sans SC lacks (same family name, ``unicode-range`` limited to those characters). Returns the CSS and the
    characters neither font has (the tests require none)."""
    from .plotting import cjk_font_path

    main_path = cjk_font_path()
    main_cmap = _font_cmap(main_path)
    want = {c for c in chars if not _ignorable(c)}
    rest = {c for c in want if ord(c) not in main_cmap and ord(c) >= 0x20}
    parts = ["/* The book's font, cut to the characters of this book: Noto Sans SC (SIL Open Font License); the\n"
             "   characters it lacks from DejaVu Sans (Bitstream Vera licence, shipped with matplotlib). */\n"]
    data = base64.b64encode(subset_font(want)).decode("ascii")
    parts.append(f"@font-face {{ font-family: \"{FONT_FAMILY}\"; font-style: normal; font-weight: 400; "
                 f"src: url(data:font/otf;base64,{data}) format(\"opentype\"); }}\n")
    missing = set(rest)
    extra = _dejavu_path()
    if rest and extra is not None:
        have = {c for c in rest if ord(c) in _font_cmap(extra)}
        if have:
            missing -= have
            data = base64.b64encode(_subset(extra, {ord(c) for c in have}, opts_layout=False)).decode("ascii")
            ranges = ", ".join(f"U+{ord(c):04X}" for c in sorted(have))
            parts.append(f"@font-face {{ font-family: \"{FONT_FAMILY}\"; font-style: normal; font-weight: 400; "
                         f"src: url(data:font/ttf;base64,{data}) format(\"truetype\"); unicode-range: {ranges}; }}\n")
    return "".join(parts), missing


def _jupyterlab_css() -> str:
    """JupyterLab's light theme, pygments colours and nbconvert's own rules: the stylesheet every page links once
    (nbconvert's lab template inlines these 270 kB into each page)."""
    _import_nbconvert()
    import nbformat
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.v4.new_notebook())
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    return "/* JupyterLab light theme and nbconvert's lab template styles (BSD-3-Clause) */\n" + "\n".join(styles)


# ----------------------------------------------------------------------------- building
def _sha(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class _Cache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, name: str, key: str):
        if self.folder is None:
            return None
        f = self.folder / f"{name}.json"
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data.get("value") if data.get("key") == key else None

    def put(self, name: str, key: str, value) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{name}.json.{os.getpid()}"
        tmp.write_text(json.dumps({"key": key, "value": value}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / f"{name}.json")

    def prune(self, keep: set[str]) -> list[str]:
        """Remove the rendered pages this build did not use (a renamed or removed notebook's); returns their names."""
        if self.folder is None or not self.folder.is_dir():
            return []
        gone = sorted(f.stem for f in self.folder.glob("page-*.json") if f.stem not in keep)
        for name in gone:
            (self.folder / f"{name}.json").unlink(missing_ok=True)
        return gone


def _import_nbconvert() -> None:
    """Import nbformat and nbconvert without jsonschema's optional URI grammars.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is installed (it is, as a
    dependency of jupyter-events); that package builds a dozen Lark parsers on import: 1.4 of the 1.8 s CPU the two
    imports take. Neither nbformat's schema nor this project checks the ``iri`` formats they serve, so while the
    book imports them, ``rfc3987_syntax`` counts as absent (jsonschema skips it, as it does where it is not
    installed). Nothing changes when jsonschema is already imported.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes `import rfc3987_syntax` fail
    try:
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


class _Renderer:
    """nbconvert, imported on first use (a build with every page cached never imports it)."""

    def __init__(self):
        self._exporter = None

    def __call__(self, nb) -> str:
        if self._exporter is None:
            self._exporter = _fragment_exporter()(
                template_name="offline", extra_template_basedirs=[str(TEMPLATE_DIR)],
                exclude_input_prompt=True, exclude_output_prompt=True)
        body, _ = self._exporter.from_notebook_node(nb, resources={"metadata": {"name": ""}})
        return body


def _fragment_exporter():
    """nbconvert's HTMLExporter without its final BeautifulSoup pass over the whole page.

    That pass gives images without alt text a placeholder and makes cells focusable (``tabindex``) under
    ``.jp-Notebook``; the book's cells have no such wrapper and its figures carry their titles as alt text, so the
    pass changes nothing here — and it took a third of the rendering time. Where nbconvert's internals differ from
    the version this was written for (7.x), the ordinary exporter is used.
    """
    _import_nbconvert()
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    try:
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    except ImportError:  # pragma: no cover - another nbconvert
        return HTMLExporter

    class FragmentExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            if not hasattr(self, "_init_resources") or not hasattr(self, "_nb_metadata"):  # pragma: no cover
                return super().from_notebook_node(nb, resources, **kw)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return FragmentExporter


def _as_notebook(cells_json: dict):
    _import_nbconvert()
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    return rejoin_lines(nbformat.from_dict(copy.deepcopy(cells_json)))


def _markdown_nb(text: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "id": "md", "metadata": {}, "source": text}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _render_page(page: Page, links: dict[str, str], titles: dict, render: _Renderer) -> dict:
    """One page's rendered cells, outline, search entries, figures and the repository files it links to."""
    wanted: set[str] = set()
    if page.kind == "notebook":
        raw = _read_notebook_json(page.source)
        mapping = figure_map(raw, f"notebooks/{page.source.name}")
        nb = copy.deepcopy(raw)
        for ci, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                cell["source"] = _rewrite_links(_cell_source(cell), "notebooks", links, wanted)
            for oi, out in enumerate(cell.get("outputs", [])):
                if (ci, oi) in mapping:
                    name = mapping[(ci, oi)]
                    out["data"] = {"text/html": _figure_html(name, figure_title(name, titles))}
                    out["metadata"] = {}
    else:
        source_dir = posixpath.dirname(page.source.relative_to(ROOT).as_posix())
        nb = _markdown_nb(_rewrite_links(page.source.read_text(encoding="utf-8"), source_dir, links, wanted))
    body = render(_as_notebook(nb))
    body = _zoomable(_tables(body, missing_marker=page.kind == "notebook"))
    body, outline = _headings(body)
    if page.kind == "repo":
        rel = page.source.relative_to(ROOT).as_posix()
        body = (f'<p class="book-source">仓库文件 Repository file <code>{html.escape(rel)}</code> — '
                f'<a href="index.html">前言 README</a></p>\n') + body
    entries, figures = search_entries(page, body)
    return {"body": body, "outline": outline, "entries": entries, "figures": figures, "wanted": sorted(wanted)}


def _gallery(figure_places: dict[str, tuple[Page, str, str]], titles: dict) -> tuple[str, list[dict], list[dict]]:
    """The gallery: every figure, headed by its title, linked to the section of the page that shows it."""
    pngs = sorted(p.stem for p in FIGURES_DIR.glob("*.png"))
    order = [n for n in figure_places if n in pngs] + [n for n in pngs if n not in figure_places]
    used: dict[str, int] = {}
    parts = ['<div class="jp-Cell jp-MarkdownCell book-gallery">',
             '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">',
             '<h1 id="全部图表-all-figures">全部图表 All figures</h1>',
             "<p>Every figure the notebooks save, at full resolution, in reading order (tap or click a figure for the "
             "PNG; the SVG is beside it in the repository's <code>figures/</code>). Each is linked to the section "
             "that shows it.</p>"]
    outline = [{"level": 1, "id": "全部图表-all-figures", "title": "全部图表 All figures"}]
    entries = []
    for name in order:
        title = figure_title(name, titles)
        base = github_slug(title) or name
        n = used.get(base, 0)
        used[base] = n + 1
        hid = base if n == 0 else f"{base}-{n}"
        parts.append(f'<h2 id="{html.escape(hid, quote=True)}">{html.escape(title)}'
                     f'<a class="anchor-link" href="#{html.escape(hid, quote=True)}">¶</a></h2>')
        where = ""
        if name in figure_places:
            page, sid, stitle = figure_places[name]
            href = page.href + (f"#{sid}" if sid else "")
            where = (f' · shown in <a href="{html.escape(href, quote=True)}">{html.escape(page.title)} › '
                     f'{html.escape(stitle)}</a>')
        parts.append(f'<p class="book-figure-source"><code>figures/{html.escape(name)}.png</code>{where}</p>')
        parts.append(_figure_html(name, title))
        outline.append({"level": 2, "id": hid, "title": title})
        entries.append({"page": "全部图表 All figures", "title": title, "url": f"figures.html#{hid}",
                        "text": f"{title} figures/{name}.png"})
    parts.append("</div></div>")
    return "\n".join(parts), outline, entries


def _page_shell():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("page.html.j2")


#: The libraries a rendered page is made with: a new version of any of them may change the HTML, so it re-renders
#: every page (an incremental build must give the bytes a full build gives).
_RENDER_LIBRARIES = ("nbconvert", "nbformat", "mistune", "pygments", "jinja2", "markupsafe")


def _versions(names) -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in names:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} absent")
    return ";".join(out)


def _book_inputs_key(book: list[Page]) -> str:
    """What every page depends on besides its own source: this module, the templates, the rendering libraries'
    versions, the page list, the figures and their titles."""
    tmpl = b"".join(p.read_bytes() for p in sorted((TEMPLATE_DIR / "offline").glob("*")))
    figs = [(p.name, _png_size(p)) for p in sorted(FIGURES_DIR.glob("*.png"))]  # pages carry their width/height
    fig_titles = FIGURE_TITLES.read_bytes() if FIGURE_TITLES.is_file() else b""
    return _sha(_CACHE_FORMAT, Path(__file__).read_bytes(), tmpl, _versions(_RENDER_LIBRARIES), json.dumps(figs),
                fig_titles, json.dumps([(p.slug, p.title) for p in book]))


def _font_files_key() -> str:
    """The fonts the subset is cut from (file name and size) and the fontTools that cuts them: a changed font
    package or fontTools re-cuts the font (reading the 8 MB font to hash it would cost a warm build 0.08 s CPU)."""
    from .plotting import cjk_font_path

    files = [p for p in (cjk_font_path(), _dejavu_path()) if p is not None]
    return _sha(_versions(("fonttools", "matplotlib", "pylopdf-fonts-zh-cn")),
                *[f"{p.name}:{p.stat().st_size}" for p in files])


def build_book(out_dir: Path | str | None = None, *, cache_dir: Path | str | None = BOOK_CACHE_DIR,
               info: dict | None = None) -> Path:
    """Build the offline HTML book from the stored notebooks and return its folder (default ``build/book``).

    Parameters
    ----------
    out_dir : path, optional
        Where the book goes (replaced as a whole when the build succeeds).
    cache_dir : path or None
        Rendered pages, font and stylesheet kept between builds (default ``.cache/book``); ``None`` builds
        everything from scratch and keeps nothing.
    info : dict, optional
        Filled with what the build did: ``rendered`` and ``cached`` page slugs, ``font`` (``"built"`` or
        ``"cached"``), ``missing_glyphs`` (characters no embedded font has), ``pruned`` (cached pages of files no
        longer in the book, removed), and ``seconds`` (wall) and ``cpu`` per step (``render``, ``font``, ``total``).

    Raises
    ------
    FileNotFoundError
        If the book's template or static files are missing (they live in ``book/``).
    FigureMappingError
        If a notebook shows a figure that cannot be tied to a file of ``figures/``.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    info = info if info is not None else {}
    info.update(rendered=[], cached=[], seconds={"render": 0.0, "font": 0.0}, cpu={"render": 0.0, "font": 0.0})
    out = Path(out_dir) if out_dir is not None else BOOK_DIR
    for need in (TEMPLATE_DIR / "offline" / "index.html.j2", TEMPLATE_DIR / "page.html.j2",
                 STATIC_DIR / "book.css", STATIC_DIR / "search.js"):
        if not need.is_file():
            raise FileNotFoundError(f"book: {need.relative_to(ROOT)} is missing; it belongs to the repository")
    cache = _Cache(Path(cache_dir) if cache_dir is not None else None)
    book = pages()
    links = _book_links(book)
    titles = figure_titles()
    common = _book_inputs_key(book)
    render = _Renderer()

    def page_data(page: Page) -> dict:
        src = page.source.read_bytes() if page.source is not None else b""
        key = _sha(common, page.kind, page.slug, src)
        data = cache.get(f"page-{page.slug}", key)
        if data is None:
            t, c = time.perf_counter(), time.process_time()
            data = _render_page(page, links, titles, render)
            info["seconds"]["render"] += time.perf_counter() - t
            info["cpu"]["render"] += time.process_time() - c
            cache.put(f"page-{page.slug}", key, data)
            info["rendered"].append(page.slug)
        else:
            info["cached"].append(page.slug)
        return data

    rendered: dict[str, dict] = {}
    for page in book:
        if page.kind != "figures":
            rendered[page.slug] = page_data(page)
    # Markdown files of the repository the pages link to become pages too (and their links, in turn).
    extra: list[Page] = []
    files: set[str] = set()
    queue = [w for d in rendered.values() for w in d["wanted"]]
    seen: set[str] = set()
    while queue:
        rel = queue.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        if rel.endswith(".md") and (ROOT / rel).is_file():
            page = repo_page(rel)
            extra.append(page)
            rendered[page.slug] = page_data(page)
            queue.extend(rendered[page.slug]["wanted"])
        else:
            files.add(rel)
    places: dict[str, tuple[Page, str, str]] = {}
    for page in book:
        if page.kind == "notebook":
            section_titles = {e["url"].partition("#")[2]: e["title"] for e in rendered[page.slug]["entries"]}
            for name, sid in rendered[page.slug]["figures"]:
                places.setdefault(name, (page, sid, section_titles.get(sid, page.title)))
    body, outline, entries = _gallery(places, titles)
    rendered["figures"] = {"body": body, "outline": outline, "entries": entries, "figures": [], "wanted": []}
    info["seconds"]["pages"] = time.perf_counter() - t0

    shell = _page_shell()
    toc = [p for p in book if p.in_toc]
    html_pages: dict[str, str] = {}
    for page in book + extra:
        i = toc.index(page) if page in toc else None
        html_pages[page.href] = shell.render(
            book_title=BOOK_TITLE, page=page, toc=toc, body=rendered[page.slug]["body"],
            outline=[h for h in rendered[page.slug]["outline"] if h["level"] in (2, 3)],
            prev=toc[i - 1] if i else None, next=toc[i + 1] if i is not None and i + 1 < len(toc) else None)
    index = [e for p in book + extra for e in rendered[p.slug]["entries"]]
    index_js = "window.BOOK_INDEX = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"
    static_text = {f: (STATIC_DIR / f).read_text(encoding="utf-8") for f in ("book.css", "search.js")}

    chars = set(index_js).union(*map(set, html_pages.values()), *map(set, static_text.values()))
    font_key = _sha(_CACHE_FORMAT, Path(__file__).read_bytes(), _font_files_key(), "".join(sorted(chars)))
    font = cache.get("font", font_key)
    info["font"] = "cached"
    if font is None:
        t, c = time.perf_counter(), time.process_time()
        css, missing = font_css(chars)
        info["seconds"]["font"] = time.perf_counter() - t
        info["cpu"]["font"] = time.process_time() - c
        font = {"css": css, "missing": "".join(sorted(missing))}
        cache.put("font", font_key, font)
        info["font"] = "built"
    info["missing_glyphs"] = font["missing"]
    info["pruned"] = cache.prune({f"page-{p.slug}" for p in book + extra})
    lab_key = _sha(_CACHE_FORMAT, _versions(("nbconvert", "pygments", "jupyterlab-pygments")))
    lab_css = cache.get("jupyterlab-css", lab_key)
    if lab_css is None:
        lab_css = _jupyterlab_css()
        cache.put("jupyterlab-css", lab_key, lab_css)
    info["seconds"]["assemble"] = time.perf_counter() - t0 - info["seconds"]["pages"]

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the book is an ordinary folder
    try:
        for href, text in html_pages.items():
            (tmp / href).write_text(text, encoding="utf-8")
        (tmp / "search-index.js").write_text(index_js, encoding="utf-8")
        static = tmp / "static"
        static.mkdir()
        for f, text in static_text.items():
            (static / f).write_text(text, encoding="utf-8")
        (static / "book-font.css").write_text(font["css"], encoding="utf-8")
        (static / "jupyterlab.css").write_text(lab_css, encoding="utf-8")
        figs = tmp / "figures"
        figs.mkdir()
        for png in sorted(FIGURES_DIR.glob("*.png")):
            shutil.copyfile(png, figs / png.name)
        for rel in sorted(files):
            src = ROOT / rel
            if src.is_file():
                dst = tmp / FILES_DIR / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    info["seconds"]["total"] = time.perf_counter() - t0
    info["cpu"]["total"] = time.process_time() - c0
    return out
