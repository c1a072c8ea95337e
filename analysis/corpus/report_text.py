"""The CAICT 2022 report as clean tables: paragraphs, footnotes and figure/table captions.

The raw file (``analysis.paths.REPORT_TXT``) is the PDF's text layer: every PDF line is followed by a
blank line, sentences and words are broken across lines, page headers, page numbers, footnotes and
captions sit in the running text, and Table 1 is spread over one line per cell. This module turns it
into three tables and a cleaned full text:

* ``paragraphs`` — one row per paragraph (headings are rows too, flagged ``is_heading``), with the
  printed page it starts on, its place in the report's outline (``section_path`` e.g. ``"三/（二）/1"``)
  and the 1-based raw line range it came from;
* ``footnotes`` — the 15 footnotes with their full text and the paragraph that cites them (the
  reference digit glued into the body text, ``"信息化工程1。"``, is removed from the paragraph);
* ``captions`` — the six figure captions and Table 1's caption with their ``来源：`` source lines.

Page rule (the raw text has no form feeds). Lines 1–85 are 前言 (front matter, roman page numbers,
stored as missing). From line 86 on, a new printed page starts at every line that begins with a
single space and at every running-header block (``数字时代治理现代化研究报告（2022年）`` followed by
a line holding the printed page number); the page number printed in each header block is checked
against the count.

Joining rule. A paragraph's lines are concatenated with the line break removed and nothing added,
except between two ASCII letters (a word broken at a line end in the PDF, ``Robotic`` /
``process``), where one space is put back. The single leading space that marks a page start is a
page marker, not text, and is dropped. Nothing else is changed: full-/half-width forms and the raw
text's own internal spaces (``"2022 年"``, ``"5.3 万"``) stay as they are.

A paragraph ends (a) at a heading, caption or the end of the text; (b) when a line ending in
sentence-final punctuation (。！？；：”…) is short of the full width for its position (28 characters
for an indented first line, 30 otherwise); (c) when such a line is full but the next line has the
width of an indented first line; (d) when a line is far short of the width even without final
punctuation (one such line in the report: "…进行预警、研判和应对指挥", whose 。 the PDF omits).
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..paths import PROCESSED_DIR, REPORT_TXT

__all__ = [
    "ReportParts",
    "parse_report",
    "write_report_tables",
    "page_of_line",
    "find_quote",
    "RUNNING_HEADER",
    "FRONT_MATTER_LAST_LINE",
    "N_FOOTNOTES",
]

RUNNING_HEADER = "数字时代治理现代化研究报告（2022年）"
FRONT_MATTER_LAST_LINE = 85          # lines 1–85 are 前言 (roman page numbers → page <NA>)
N_FOOTNOTES = 15
FULL_WIDTH = 30.0                    # characters on a full line of body text
INDENT = 2.0                         # first-line indent of a paragraph
TERMINAL = set("。！？；：”…")        # characters that can end a paragraph

_CN_NUM = "一二三四五六七八九十"
_RE_CHAPTER = re.compile(rf"^([{_CN_NUM}]+)、(\S.*)$")
_RE_SECTION = re.compile(rf"^（([{_CN_NUM}]+)）(\S.*)$")
_RE_SUBSECTION = re.compile(r"^(\d{1,2})\.(?!\d)(\S.*)$")
_RE_PREFACE = re.compile(r"^前\s*言$")
_RE_FOOTNOTE = re.compile(r"^(\d{1,2}) (\S.*)$")
_RE_FIGURE = re.compile(r"^图\s*(\d+)\s*(\S.*)$")
_RE_TABLE = re.compile(r"^表\s*(\d+)\s*(\S.*)$")
_RE_SOURCE = re.compile(r"^来源：(.*)$")
_RE_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_HEADING_MAX_WIDTH = 26.0
# A footnote reference: the number, not preceded by a digit, ASCII letter, space, point, dash or
# slash (so "163/169网", "5.3 万", "2022 年" never match; "80%14。" does) and followed by clause
# punctuation. Footnote n is searched only after footnote n-1's reference, which keeps real
# numbers such as "全球排名第10，" (before footnote 9's reference) out of reach of footnote 10.
_REF_TEMPLATE = r"(?<![0-9A-Za-z .\-/]){n}(?=[。，；：、！？])"


def _width(text: str) -> float:
    """Approximate printed width in CJK character cells.

    East-Asian wide/full-width and ambiguous-width characters (curly quotes, dashes) count 1, a
    space 0.2 and any other (ASCII) character 0.6; calibrated so that the report's full body
    lines measure about 30.
    """
    w = 0.0
    for ch in text:
        if ch == " ":
            w += 0.2
        elif unicodedata.east_asian_width(ch) in "WFA":
            w += 1.0
        else:
            w += 0.6
    return w


def _join(left: str, right: str) -> str:
    """Join two PDF lines of one paragraph (see the module docstring)."""
    if left and right and left[-1].isascii() and left[-1].isalpha() \
            and right[0].isascii() and right[0].isalpha():
        return left + " " + right
    return left + right


@dataclass(frozen=True, eq=False)
class ReportParts:
    """The parsed report.

    Attributes
    ----------
    paragraphs : pandas.DataFrame
        para_id, order, page, page_end, section_path, heading, is_heading, text, n_chars,
        line_start, line_end (see :func:`parse_report`).
    footnotes : pandas.DataFrame
        number, page, text, para_id, line_start, line_end.
    captions : pandas.DataFrame
        kind, number, title, source, page, para_id_before, line_caption, line_source.
    text : str
        The cleaned full text: paragraph texts (headings included) joined by ``"\\n"``.
    table1_raw : str
        The raw lines of Table 1's body (between its caption and its 来源 line), blank lines
        dropped, joined by ``"\\n"``; kept out of ``paragraphs``.
    lines : pandas.DataFrame
        One row per raw line: lineno (1-based), page, kind (blank, running_header, page_number,
        footnote, caption_title, caption_source, table_body, heading, body), raw.
    """

    paragraphs: pd.DataFrame
    footnotes: pd.DataFrame
    captions: pd.DataFrame
    text: str
    table1_raw: str
    lines: pd.DataFrame = field(repr=False)


# ----------------------------------------------------------------------------------------------
# line classification
# ----------------------------------------------------------------------------------------------
def _read_lines(path: Path) -> list[str]:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"report text not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not valid UTF-8 ({exc})") from exc
    return raw.replace("\r\n", "\n").split("\n")


def _classify(lines: list[str], path: Path) -> tuple[list[str], list[int | None], list[str]]:
    """Return (kind, page, clean text) per raw line (index 0 = line 1)."""
    n = len(lines)
    kind = ["blank" if not ln.strip() else "" for ln in lines]
    clean = [ln.strip() for ln in lines]
    page: list[int | None] = [None] * n

    # --- pages: space-led lines and running-header blocks -----------------------------------
    current: int | None = None
    i = FRONT_MATTER_LAST_LINE  # 0-based index of line 86
    while i < n:
        ln = lines[i]
        if clean[i] == RUNNING_HEADER:
            current = 1 if current is None else current + 1
            kind[i] = "running_header"
            j = i + 1
            while j < n and not clean[j]:
                page[j] = current
                j += 1
            if j >= n or not _RE_PAGE_NUMBER.match(clean[j]):
                raise ValueError(f"{path}: line {i + 1}: running header not followed by a "
                                 f"page-number line")
            printed = int(clean[j])
            if printed != current:
                raise ValueError(f"{path}: line {j + 1}: printed page number {printed} but the "
                                 f"page count gives {current}")
            kind[j] = "page_number"
            page[i] = page[j] = current
            i = j + 1
            continue
        if clean[i] and ln.startswith(" "):
            current = 1 if current is None else current + 1
        page[i] = current
        i += 1

    # --- captions and Table 1's body -------------------------------------------------------
    content = [i for i in range(n) if clean[i]]
    nxt = {a: b for a, b in zip(content, content[1:])}
    for i in content:
        if kind[i]:
            continue
        if _RE_SOURCE.match(clean[i]):
            kind[i] = "caption_source"
        elif (_RE_FIGURE.match(clean[i]) or _RE_TABLE.match(clean[i])) \
                and _width(clean[i]) < _HEADING_MAX_WIDTH + 4:
            kind[i] = "caption_title"
    for i in content:
        if kind[i] == "caption_title" and _RE_TABLE.match(clean[i]):
            j = nxt.get(i)
            while j is not None and kind[j] != "caption_source":
                if kind[j] in ("running_header", "page_number"):
                    raise ValueError(f"{path}: line {j + 1}: running header inside table body")
                kind[j] = "table_body"
                j = nxt.get(j)
            if j is None:
                raise ValueError(f"{path}: line {i + 1}: table caption without a 来源 line")

    # --- footnotes: "<n> text" at the bottom of a page, numbers 1..N in order ---------------
    expected = 1
    for i in content:
        if kind[i] or expected > N_FOOTNOTES:
            continue
        m = _RE_FOOTNOTE.match(lines[i])
        if not m or int(m.group(1)) != expected:
            continue
        # block of consecutive non-blank lines, then only blanks, then a page start
        j = i
        while j + 1 < n and clean[j + 1] and not lines[j + 1].startswith(" ") \
                and clean[j + 1] != RUNNING_HEADER:
            j += 1
        k = j + 1
        while k < n and not clean[k]:
            k += 1
        if k < n and not (lines[k].startswith(" ") or clean[k] == RUNNING_HEADER):
            continue
        for t in range(i, j + 1):
            mt = _RE_FOOTNOTE.match(lines[t])
            if mt and int(mt.group(1)) == expected:
                expected += 1
            kind[t] = "footnote"
    if expected != N_FOOTNOTES + 1:
        raise ValueError(f"{path}: found footnotes 1..{expected - 1}, expected 1..{N_FOOTNOTES}")

    # --- headings and body ------------------------------------------------------------------
    for i in content:
        if kind[i]:
            continue
        s = clean[i]
        is_head = (i == 0 and _RE_PREFACE.match(s)) or (
            (_RE_CHAPTER.match(s) or _RE_SECTION.match(s) or _RE_SUBSECTION.match(s))
            and _width(s) < _HEADING_MAX_WIDTH and s[-1] not in TERMINAL | set("，、"))
        kind[i] = "heading" if is_head else "body"
    return kind, page, clean


# ----------------------------------------------------------------------------------------------
# paragraphs
# ----------------------------------------------------------------------------------------------
def _ends_paragraph(a: str, a_is_first: bool, b: str | None) -> bool:
    """Does body line ``a`` end its paragraph, given the next body line ``b``?"""
    if b is None:
        return True
    full = FULL_WIDTH - (INDENT if a_is_first else 0.0)
    wa = _width(a)
    if a[-1] in TERMINAL:
        if wa < full - 1.2:
            return True
        wb = _width(b)
        # b has the width of an indented first line (and is not itself a short last line)
        return FULL_WIDTH - INDENT - 1.0 <= wb <= FULL_WIDTH - INDENT + 0.7
    return wa < full - 6.0


def _section_key(s: str) -> tuple[int, str] | None:
    if _RE_PREFACE.match(s):
        return 0, "前言"
    if m := _RE_CHAPTER.match(s):
        return 1, m.group(1)
    if m := _RE_SECTION.match(s):
        return 2, f"（{m.group(1)}）"
    if m := _RE_SUBSECTION.match(s):
        return 3, m.group(1)
    return None


def _build_paragraphs(kind: list[str], clean: list[str], path: Path) -> list[dict]:
    body_idx = [i for i, k in enumerate(kind) if k in ("body", "heading")]
    paras: list[dict] = []
    outline: list[str] = ["前言"]
    heading_text = "前言"
    cur: dict | None = None
    for pos, i in enumerate(body_idx):
        s = clean[i]
        if kind[i] == "heading":
            if cur is not None:
                paras.append(cur)
                cur = None
            level, label = _section_key(s)
            if level == 0:
                outline = ["前言"]
            else:
                base = [] if outline == ["前言"] else outline
                if len(base) < level - 1:
                    raise ValueError(f"{path}: line {i + 1}: heading {s!r} skips an outline level")
                outline = base[: level - 1] + [label]
            heading_text = s
            paras.append(dict(text=s, line_start=i + 1, line_end=i + 1, is_heading=True,
                              section_path="/".join(outline), heading=heading_text))
            continue
        if cur is None:
            cur = dict(text=s, line_start=i + 1, line_end=i + 1, is_heading=False,
                       section_path="/".join(outline), heading=heading_text, _first=True)
        else:
            cur["text"] = _join(cur["text"], s)
            cur["line_end"] = i + 1
            cur["_first"] = False
        j = body_idx[pos + 1] if pos + 1 < len(body_idx) else None
        b = None if j is None or kind[j] == "heading" else clean[j]
        if _ends_paragraph(s, cur["_first"] and cur["line_start"] == i + 1, b):
            paras.append(cur)
            cur = None
    if cur is not None:
        paras.append(cur)
    for p in paras:
        p.pop("_first", None)
    return paras


def _remove_footnote_refs(paras: list[dict], fn_lines: dict[int, int], path) -> dict[int, int]:
    """Strip reference digits for footnotes 1..N from paragraph texts; return number → para index.

    Footnote n's reference is searched forward from the previous reference, in paragraphs that
    start before footnote n's own line; the first match wins.
    """
    where: dict[int, int] = {}
    start_para, start_pos = 0, 0
    for n in range(1, N_FOOTNOTES + 1):
        pat = re.compile(_REF_TEMPLATE.format(n=n))
        found = None
        for pi in range(start_para, len(paras)):
            p = paras[pi]
            if p["line_start"] > fn_lines[n]:
                break
            if p["is_heading"]:
                continue
            m = pat.search(p["text"], start_pos if pi == start_para else 0)
            if m:
                found = (pi, m.start(), m.end())
                break
        if found is None:
            raise ValueError(f"{path}: no reference to footnote {n} in the body text before line "
                             f"{fn_lines[n]}")
        pi, a, b = found
        paras[pi]["text"] = paras[pi]["text"][:a] + paras[pi]["text"][b:]
        where[n] = pi
        start_para, start_pos = pi, a
    return where


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------
def parse_report(path: str | os.PathLike = REPORT_TXT) -> ReportParts:
    """Parse the PDF-extracted report text into paragraphs, footnotes and captions.

    Parameters
    ----------
    path : path-like, default ``analysis.paths.REPORT_TXT``
        The raw report text (UTF-8).

    Returns
    -------
    ReportParts
        ``.paragraphs`` columns: para_id (``"p0001"`` …, reading order), order (Int64, 1-based),
        page (Int64, printed page where the paragraph starts; <NA> in 前言), page_end (Int64),
        section_path (``"前言"``, ``"一"``, ``"一/（一）"``, ``"三/（二）/1"`` …), heading (text of the
        innermost enclosing heading as printed, e.g. ``"1.立项建设：强化统筹规划和集约创新"``),
        is_heading (boolean), text (no line breaks, footnote references removed), n_chars (Int64,
        len(text)), line_start, line_end (Int64, 1-based raw lines).

        ``.footnotes`` columns: number (Int64, 1–15), page (Int64), text (footnote text without its
        number, continuation lines joined), para_id (paragraph whose text cited it), line_start,
        line_end (Int64).

        ``.captions`` columns: kind (``"图"`` or ``"表"``), number (Int64), title (as printed), source
        (text after ``来源：``), page (Int64, page of the caption line), para_id_before (last
        paragraph before the caption), line_caption, line_source (Int64).

        Also ``.text`` (cleaned full text, paragraphs joined by ``"\\n"``), ``.table1_raw`` and
        ``.lines`` (per-line classification).

    Raises
    ------
    ValueError
        If the text breaks the expected layout (page numbers that disagree with the page count,
        missing footnotes or footnote references, a table without its 来源 line), naming the line.
    """
    path = Path(path)
    lines = _read_lines(path)
    kind, page, clean = _classify(lines, path)
    paras = _build_paragraphs(kind, clean, path)

    # footnotes
    fn_rows: list[dict] = []
    for i, k in enumerate(kind):
        if k != "footnote":
            continue
        m = _RE_FOOTNOTE.match(lines[i])
        if m and (not fn_rows or int(m.group(1)) == fn_rows[-1]["number"] + 1):
            fn_rows.append(dict(number=int(m.group(1)), page=page[i], text=m.group(2).strip(),
                                line_start=i + 1, line_end=i + 1))
        else:
            fn_rows[-1]["text"] = _join(fn_rows[-1]["text"], clean[i])
            fn_rows[-1]["line_end"] = i + 1
    where = _remove_footnote_refs(paras, {r["number"]: r["line_start"] for r in fn_rows}, path)

    for o, p in enumerate(paras, start=1):
        p["para_id"] = f"p{o:04d}"
        p["order"] = o
        p["page"] = page[p["line_start"] - 1]
        p["page_end"] = page[p["line_end"] - 1]
        p["n_chars"] = len(p["text"])
    for r in fn_rows:
        r["para_id"] = paras[where[r["number"]]]["para_id"]

    # captions
    cap_rows: list[dict] = []
    content = [i for i in range(len(lines)) if clean[i]]
    table_body: list[str] = []
    for pos, i in enumerate(content):
        if kind[i] != "caption_title":
            continue
        if m := _RE_FIGURE.match(clean[i]):
            src = content[pos - 1]
            if kind[src] != "caption_source":
                raise ValueError(f"{path}: line {i + 1}: figure caption not preceded by a 来源 line")
            cap_kind = "图"
        else:
            m = _RE_TABLE.match(clean[i])
            src = next(j for j in content[pos + 1:] if kind[j] == "caption_source")
            table_body = [clean[j] for j in content if i < j < src]
            cap_kind = "表"
        before = [p for p in paras if p["line_start"] < i + 1]
        cap_rows.append(dict(kind=cap_kind, number=int(m.group(1)), title=m.group(2).strip(),
                             source=_RE_SOURCE.match(clean[src]).group(1).strip(), page=page[i],
                             para_id_before=before[-1]["para_id"] if before else None,
                             line_caption=i + 1, line_source=src + 1))
    unpaired = [i + 1 for i in range(len(lines)) if kind[i] == "caption_source"
                and i + 1 not in {c["line_source"] for c in cap_rows}]
    if unpaired:
        raise ValueError(f"{path}: 来源 line(s) {unpaired} belong to no figure or table caption")

    paragraphs = pd.DataFrame(paras, columns=[
        "para_id", "order", "page", "page_end", "section_path", "heading", "is_heading", "text",
        "n_chars", "line_start", "line_end"]).astype({
            "para_id": "string", "order": "Int64", "page": "Int64", "page_end": "Int64",
            "section_path": "string", "heading": "string", "is_heading": "boolean",
            "text": "string", "n_chars": "Int64", "line_start": "Int64", "line_end": "Int64"})
    footnotes = pd.DataFrame(fn_rows, columns=[
        "number", "page", "text", "para_id", "line_start", "line_end"]).astype({
            "number": "Int64", "page": "Int64", "text": "string", "para_id": "string",
            "line_start": "Int64", "line_end": "Int64"})
    captions = pd.DataFrame(cap_rows, columns=[
        "kind", "number", "title", "source", "page", "para_id_before", "line_caption",
        "line_source"]).astype({
            "kind": "string", "number": "Int64", "title": "string", "source": "string",
            "page": "Int64", "para_id_before": "string", "line_caption": "Int64",
            "line_source": "Int64"})
    kind_rank = captions["kind"].map({"图": 0, "表": 1})
    captions = (captions.assign(_rank=kind_rank).sort_values(["_rank", "number"], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))
    line_table = pd.DataFrame({
        "lineno": pd.array(range(1, len(lines) + 1), dtype="Int64"),
        "page": pd.array(page, dtype="Int64"),
        "kind": pd.array(kind, dtype="string"),
        "raw": pd.array(lines, dtype="string"),
    })
    return ReportParts(paragraphs=paragraphs, footnotes=footnotes, captions=captions,
                       text="\n".join(p["text"] for p in paras),
                       table1_raw="\n".join(table_body), lines=line_table)


@functools.lru_cache(maxsize=4)
def _pages(path: str, mtime_ns: int, size: int) -> tuple[int | None, ...]:
    lines = _read_lines(Path(path))
    return tuple(_classify(lines, Path(path))[1])


def page_of_line(lineno: int, path: str | os.PathLike = REPORT_TXT) -> int | None:
    """Printed page of a 1-based raw line (``None`` in 前言, whose pages are roman-numbered).

    Parameters
    ----------
    lineno : int
        1-based line number in the raw report text.
    path : path-like, default ``analysis.paths.REPORT_TXT``

    Returns
    -------
    int or None
    """
    st = os.stat(path)
    pages = _pages(str(path), st.st_mtime_ns, st.st_size)
    if not 1 <= lineno <= len(pages):
        raise IndexError(f"{path}: line {lineno} out of range 1..{len(pages)}")
    return pages[lineno - 1]


def find_quote(quote: str, parts: ReportParts | None = None) -> pd.DataFrame:
    """Paragraphs whose cleaned text contains ``quote`` verbatim.

    Line breaks in ``quote`` are removed first, so a quote copied from the raw text (blank lines
    included) can be passed as is; footnote reference digits and the page-start space are not in
    the cleaned text, so leave them out of the quote.

    Parameters
    ----------
    quote : str
    parts : ReportParts, optional
        A parsed report; parsed from ``REPORT_TXT`` when omitted.

    Returns
    -------
    pandas.DataFrame
        The matching rows of ``parts.paragraphs`` (empty if none).
    """
    parts = parts if parts is not None else parse_report()
    q = re.sub(r"[\r\n]+", "", quote)
    if not q:
        raise ValueError("empty quote")
    hit = parts.paragraphs["text"].str.contains(q, regex=False)
    return parts.paragraphs[hit.fillna(False).astype(bool)]


def write_report_tables(out_dir: str | os.PathLike = PROCESSED_DIR,
                        path: str | os.PathLike = REPORT_TXT) -> dict[str, Path]:
    """Write the paragraphs, footnotes and captions tables as CSV (atomic, deterministic).

    Parameters
    ----------
    out_dir : path-like, default ``analysis.paths.PROCESSED_DIR``
    path : path-like, default ``analysis.paths.REPORT_TXT``

    Returns
    -------
    dict
        ``{"paragraphs": Path, "footnotes": Path, "captions": Path}`` — files
        ``report_paragraphs.csv`` (sorted by order), ``report_footnotes.csv`` (by number) and
        ``report_captions.csv`` (图 then 表, by number), columns as in :func:`parse_report`.
    """
    from ..tables import write_csv

    out = Path(out_dir)
    return {name.removeprefix("report_"): write_csv(df, out / f"{name}.csv")
            for name, df in report_tables(path).items()}


def report_tables(path: str | os.PathLike = REPORT_TXT) -> dict[str, pd.DataFrame]:
    """The three report tables keyed by table name, sorted as written (the build step of ``data/processed``)."""
    parts = parse_report(path)
    return {
        "report_paragraphs": parts.paragraphs.sort_values("order", kind="stable"),
        "report_footnotes": parts.footnotes.sort_values("number", kind="stable"),
        "report_captions": parts.captions,
    }
