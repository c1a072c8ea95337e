"""The notebooks as a static, offline HTML book: ``python -m analysis book`` (``make book``).

Every notebook becomes a page from its *stored* outputs (nothing is executed), in reading order, after the README as
front page and followed by the glossary and a gallery of every figure at full resolution. Each page has the contents
in reading order, previous/next links and a search box (a plain substring search over the pages' prose, which suits
Chinese; the index is a script, so search works from ``file://`` without a server). Tables show text left-aligned, numbers right-aligned and every kind of missing value
(NaN, <NA>, None, NaT) as one marker, —. Chinese is drawn in the
package's own font — Noto Sans SC from ``pylopdf-fonts-zh-cn``, cut down to the characters the book uses and
embedded in ``static/book-font.css`` — so a reader needs no system CJK font, and nothing is fetched from the network.

Tool: nbconvert's HTML exporter with a small template (``book/templates/offline``), already installed with
JupyterLab. Jupyter Book 1 was measured as the alternative (``tests/benchmarks/book.md``): 60 s and about 250 MB
of extra packages to install, against none for nbconvert; the book builds in a few seconds.
The font is cut with fontTools (already a dependency of matplotlib).

The output goes to ``build/book/`` (git-ignored), written to a temporary folder first and moved into place, so a
failed build leaves the previous book as it was.
"""
from __future__ import annotations

import base64
import copy
import html
import io
import json
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .paths import FIGURES_DIR, NOTEBOOKS_DIR, ROOT

BOOK_DIR = ROOT / "build" / "book"
SCREENSHOT_DIR = ROOT / "build" / "screenshots"
TEMPLATE_DIR = ROOT / "book" / "templates"
STATIC_DIR = ROOT / "book" / "static"
#: CSS family name of the embedded font (book.css puts it first for prose and last for code).
FONT_FAMILY = "Book CJK"
BOOK_TITLE = "数字时代治理现代化 · a reproducible research package"

_SAVE_FIGURE = re.compile(r"save_figure\(\s*\w+\s*,\s*[\"']([^\"']+)[\"']")
_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
_HTML_LINK = re.compile(r"((?:src|href)=\")([^\"]+)(\")")
_NUM_TD = re.compile(r"<td>(\s*[-+−]?[\d,]*\.?\d+(?:e[-+]?\d+)?\s*%?\s*)</td>")
#: pandas writes a missing value as NaN, <NA>, None or NaT depending on the column's type; the book shows one marker.
_NA_TD = re.compile(r"<td>\s*(?:NaN|nan|&lt;NA&gt;|None|NaT)\s*</td>")
NA_MARKER = "—"


@dataclass(frozen=True)
class Page:
    """One page of the book: ``slug`` (file stem), ``title``, ``kind`` and the repository file it comes from."""

    slug: str
    title: str
    kind: str  # "markdown", "notebook" or "figures"
    source: Path | None

    @property
    def href(self) -> str:
        return f"{self.slug}.html"


def notebook_title(path: Path) -> str:
    """The first heading of a notebook's first markdown cell (``# 05 · Topic models …`` → ``05 · Topic models …``)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def pages() -> list[Page]:
    """The book in reading order: README, notebooks 00…, glossary, figures."""
    out = [Page("index", "前言 README", "markdown", ROOT / "README.md")]
    for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        out.append(Page(nb.stem, notebook_title(nb), "notebook", nb))
    out.append(Page("glossary", "术语表 Glossary", "markdown", ROOT / "GLOSSARY.md"))
    out.append(Page("figures", "全部图表 All figures", "figures", None))
    return out


def _target(url: str, source_dir: str, slugs: dict[str, str]) -> str:
    """Where a link of a repository file points in the book (``source_dir``: the file's folder, repo-relative)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith(("#", "/")):
        return url
    path, _, frag = url.partition("#")
    if not path:
        return url
    rel = posixpath.normpath(posixpath.join(source_dir, path))
    if rel.startswith(".."):
        return url
    if rel in slugs:
        new = slugs[rel]
    elif rel.startswith("figures/"):
        new = rel
    else:  # another file of the repository: the book sits in build/book/
        new = "../../" + rel
    return new + (f"#{frag}" if frag else "")


def _rewrite_links(text: str, source_dir: str, slugs: dict[str, str]) -> str:
    def sub(m):
        return m.group(1) + _target(m.group(2), source_dir, slugs) + m.group(3)

    return _HTML_LINK.sub(sub, _MD_LINK.sub(sub, text))


def _figure_html(name: str) -> str:
    return (f'<a href="figures/{name}.png"><img class="book-full" src="figures/{name}.png" '
            f'alt="{html.escape(name)}"></a>')


def _prepare_notebook(nb, source_dir: str, slugs: dict[str, str]):
    """A copy of ``nb`` with links pointing into the book and each saved figure shown from figures/ at full size."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _rewrite_links(cell.source, source_dir, slugs)
        elif cell.cell_type == "code":
            names = _SAVE_FIGURE.findall(cell.source)
            images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            if len(names) == 1 and len(images) == 1 and (FIGURES_DIR / f"{names[0]}.png").is_file():
                images[0]["data"] = {"text/html": _figure_html(names[0])}
    return nb


def _markdown_notebook(text: str):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text)]
    return nb


def _figures_notebook():
    parts = ["# 全部图表 All figures\n\nEvery figure the notebooks save, at full resolution (click for the PNG; the "
             "SVG is beside it in the repository's `figures/`)."]
    for png in sorted(FIGURES_DIR.glob("*.png")):
        parts.append(f"## {png.stem}\n\n<div class=\"book-figure\">{_figure_html(png.stem)}</div>")
    return _markdown_notebook("\n\n".join(parts))


def _plain(markdown: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"[`*_#>|]+", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"\s+", " ", text).strip()


def search_entries(page: Page, nb) -> list[dict]:
    """Search-index entries of one page: one per heading section of its markdown cells (title, text, url)."""
    entries: list[dict] = []
    title, buf = page.title, []

    def flush():
        text = _plain("\n".join(buf))
        if text or title:
            entries.append({"page": page.title, "title": title, "url": page.href, "text": text})

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^#{1,4}\s+(.*)", line)
            if m:
                flush()
                title, buf = m.group(1).strip(), []
            else:
                buf.append(line)
    flush()
    return entries


def subset_font(chars: set[str], font_path: Path | None = None) -> bytes:
    """The project's CJK font cut down to ``chars`` (plus printable ASCII), as OpenType bytes."""
    from fontTools import subset

    from .plotting import cjk_font_path

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    font = subset.load_font(str(font_path or cjk_font_path()), opts)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted({ord(c) for c in chars} | set(range(0x20, 0x7F))))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _font_css(font: bytes) -> str:
    data = base64.b64encode(font).decode("ascii")
    return (f"/* Noto Sans SC (SIL Open Font License), cut to the characters of this book */\n"
            f"@font-face {{ font-family: \"{FONT_FAMILY}\"; font-style: normal; font-weight: 400; "
            f"src: url(data:font/otf;base64,{data}) format(\"opentype\"); }}\n")


def build_book(out_dir: Path | str | None = None) -> Path:
    """Build the offline HTML book from the stored notebooks and return its folder (default ``build/book``).

    Raises
    ------
    FileNotFoundError
        If the book's template or static files are missing (they live in ``book/``).
    """
    import nbformat
    from nbconvert import HTMLExporter

    out = Path(out_dir) if out_dir is not None else BOOK_DIR
    for need in (TEMPLATE_DIR / "offline" / "index.html.j2", STATIC_DIR / "book.css", STATIC_DIR / "search.js"):
        if not need.is_file():
            raise FileNotFoundError(f"book: {need.relative_to(ROOT)} is missing; it belongs to the repository")
    book = pages()
    slugs = {"README.md": "index.html", "GLOSSARY.md": "glossary.html"}
    slugs.update({f"notebooks/{p.source.name}": p.href for p in book if p.kind == "notebook"})
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATE_DIR)],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the book is an ordinary folder
    try:
        index, chars = [], set()
        for i, page in enumerate(book):
            if page.kind == "notebook":
                nb = _prepare_notebook(nbformat.read(page.source, as_version=4), "notebooks", slugs)
            elif page.kind == "markdown":
                text = page.source.read_text(encoding="utf-8")
                nb = _markdown_notebook(_rewrite_links(text, "", slugs))
            else:
                nb = _figures_notebook()
            toc = [{"href": p.href, "title": p.title, "current": p.slug == page.slug} for p in book]
            resources = {"metadata": {"name": page.title},
                         "book": {"title": BOOK_TITLE, "toc": toc,
                                  "prev": book[i - 1] if i > 0 else None,
                                  "next": book[i + 1] if i + 1 < len(book) else None}}
            body, _ = exporter.from_notebook_node(nb, resources=resources)
            if page.kind == "notebook":  # tables printed by pandas; authored pages keep their tables as written
                body = _NUM_TD.sub(r'<td class="num">\1</td>', body)
                body = _NA_TD.sub(f'<td class="na" title="missing">{NA_MARKER}</td>', body)
            (tmp / page.href).write_text(body, encoding="utf-8")
            chars |= set(body)
            index.extend(search_entries(page, nb))
        (tmp / "search-index.js").write_text(
            "window.BOOK_INDEX = " + json.dumps(index, ensure_ascii=False, indent=0) + ";\n", encoding="utf-8")
        static = tmp / "static"
        static.mkdir()
        for f in ("book.css", "search.js"):
            shutil.copyfile(STATIC_DIR / f, static / f)
        chars |= set(json.dumps(index, ensure_ascii=False))
        (static / "book-font.css").write_text(_font_css(subset_font(chars)), encoding="utf-8")
        figs = tmp / "figures"
        figs.mkdir()
        for png in sorted(FIGURES_DIR.glob("*.png")):
            shutil.copyfile(png, figs / png.name)
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
    return out
