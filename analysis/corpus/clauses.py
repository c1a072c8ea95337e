"""Segmenting Chinese legal and policy texts into clauses.

A *clause* is the unit of analysis: the smallest numbered or paragraph-level piece of a
document (a 款, 项 or 目 of a law; a numbered item or an unnumbered paragraph of a policy
document; a sentence when a text has no structure at all). The enclosing divisions
(编/分编/章/节, 条, policy parts such as 一、 or （一） that hold further items) are the
*structure*.

Offsets
-------
``start`` and ``end`` are character offsets (Python ``str`` indices, i.e. Unicode code
points) into the string passed to :func:`segment`, so that ``text[start:end]`` is exactly the
clause (or node) text. For the corpora in :mod:`analysis.corpus.corpora` that string is the complete
source file decoded as UTF-8 (LawRefBook Markdown, including its title and ``<!-- INFO END -->``
header) or the complete spreadsheet cell (policy texts); nothing is normalised before
segmentation.

What is recognised (at the start of a line, after any whitespace, ``\u3000``, zero-width
spaces and Markdown ``#`` marks)
----------------------------------------------------------------------------------------
* ``第X编`` / ``第X分编`` / ``第X章`` / ``第X节`` headings (Markdown or bare lines);
* ``第X条`` articles, including ``第X条之一``; Chinese numerals up to the thousands
  (``第一百二十三条``) and Arabic digits;
* policy numbering ``一、`` (part), ``（一）`` (section), ``1.`` / ``1、`` / ``1．`` (item),
  ``（1）`` (subitem) and circled ``①`` (subsubitem); half-width brackets are accepted and
  normalised to full width in paths;
* any other Markdown heading (``## 附件``) as a part heading.

In a *law* (a text with at least one article line) every unnumbered line inside an article
is a new 款 (paragraph), ``（一）`` lines are 项 of the preceding 款 and ``1.`` lines are 目 of
the preceding 项 — the drafting convention of Chinese statutes. In a *policy* text unnumbered
lines are paragraphs of the innermost open numbered division (after hard-wrapped lines were
joined, see below). A text with neither articles
nor at least two numbered lines falls back to sentences (split after 。！？；).

Hard-wrapped texts (PDF copies)
-------------------------------
Many texts of the extended policy collection were copied from PDFs and keep the printed line
breaks: a hard break every 25–35 characters inside sentences. Each printed line would otherwise
become a clause. When a text shows such a wrap width (most of its open lines — lines not ending
with 。；！？：… before any closing quote/bracket — share one width of 20–60 display columns, an
ASCII character counting half; see ``_wrap_widths``), a *full* open line (that width minus 3 or
more) is joined with the following line if that line is unnumbered (not ``一、``, ``（一）``,
``1.``, ``（1）``, ``①``, ``第X条``, ``第X章``… nor a Markdown heading) and follows without a
blank line; a bare page-number line in between (``12``) is taken along. Numbered lines wrap too
(``1.研发…复`` + ``合材料…``) and are joined the same way, except numbered title lines
(``（三）加强统筹协调``: short, no sentence punctuation), which stay headings. The joined clause
spans the lines: ``text[start:end]`` contains the newline(s) (and a page number taken along),
offsets stay exact. What stays unjoined, by design: texts without a clear wrap width (one line
per paragraph, as in all LawRefBook laws, the cited texts and most of the collection —
their clauses and ids are unchanged); tables and lists (short cells such as a list of names or
standard numbers: they do not reach the wrap width, each line stays its own clause);
headings; two over-wide lines in a row (table rows). Known imperfection: inside a hard-wrapped
text, table rows whose width happens to equal the wrap width are joined into blocks.

Flattened texts (pasted from web pages)
---------------------------------------
Text copied from a web page often loses its line breaks: ``第一章 总则 第一条 为了… 第二条 …`` on
one line. When a text would otherwise fall back to sentences (or has exactly one line starting
with an article), article and division labels inside the running text are recovered
(:func:`_inline_markers`): a ``第X条`` counts when it follows a sentence end, whitespace, the
line start or a division title, is not followed by a cross-reference character
(``第二十一条第一款``, ``第三十条规定``, ``第四十四条、``), and continues the numbering (previous + 1;
the first may be any number). ``第X章``/``第X节`` count when an accepted article follows within
30 characters. At least two articles are needed. The line is then cut at those labels (offsets
stay exact) and segmented as a law. On the 14 laws of ``data/raw/lawrefbook-laws/``, flattened with
and without spaces, this gives exactly the article paths of the Markdown files; on the shipped
corpora (cited, digest, collection, national) it changes no clause.

Front matter: in LawRefBook files everything up to and including the ``<!-- INFO END -->``
line (the ``# title`` and the promulgation lines) is not segmented; without that marker,
leading Markdown ``# `` title lines are skipped. HTML comment lines (``<!-- TABLE -->``) and
pkulaw.com advertisement lines (``法宝联想：法学期刊 3 篇``, found in texts copied from pkulaw) are
skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "CLAUSE_COLUMNS",
    "STRUCTURE_COLUMNS",
    "LAW_LEVELS",
    "POLICY_LEVELS",
    "cn_to_int",
    "segment",
    "structure",
    "segment_document",
    "body_start",
    "unwrap",
]

LAW_LEVELS = ("编", "分编", "章", "节", "条", "款", "项", "目")
POLICY_LEVELS = ("part", "section", "item", "subitem", "subsubitem", "paragraph", "sentence")

CLAUSE_COLUMNS = [
    "doc_id", "clause_id", "path", "parent_path", "level", "order", "number",
    "heading", "text", "start", "end", "n_chars",
]
STRUCTURE_COLUMNS = [
    "doc_id", "node_id", "path", "parent_path", "level", "order", "number", "label",
    "heading", "start", "end", "n_chars", "n_clauses",
]

# --------------------------------------------------------------------------- numerals
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇○一二两三四五六七八九十百千"


def cn_to_int(s: str) -> int:
    """Convert a Chinese (or Arabic) numeral to an int.

    Parameters
    ----------
    s : str
        ``"一百二十三"``, ``"十五"``, ``"二十"``, ``"一百零五"``, ``"一〇五"`` or ``"123"``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``s`` is empty or holds a character that is not a numeral.
    """
    if not s:
        raise ValueError("empty numeral")
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    if all(ch in _CN_DIGITS for ch in s):  # digit-by-digit form: 一〇五
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            total += (cur or 1) * unit
            cur = 0
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + cur


# --------------------------------------------------------------------------- line patterns
_WS = " \t\u3000\u00a0\u200b\u200c\u200d\ufeff\u2002\u2003\u2009\r"
_NUMC = f"[{_CN_NUM}]+"
_NUMCD = f"(?:[{_CN_NUM}]+|[0-9]+)"
# one master pattern, anchored at the first non-blank character of a line
_LINE_RE = re.compile(
    rf"""
    (?P<md>\#{{1,6}}[ \t\u3000]+)?
    (?:
      (?P<div>第(?P<div_n>{_NUMCD})(?P<div_k>分编|编|章|节))(?P<div_sep>[{_WS}]*)
    | (?P<art>第(?P<art_n>{_NUMCD})条(?:之(?P<art_sub>{_NUMC}))?)(?P<art_sep>[{_WS}]*)
    | (?P<part>(?P<part_n>{_NUMC})[{_WS}]*[、．])(?P<part_sep>[{_WS}]*)
    | (?P<sec>[（(][{_WS}]*(?P<sec_n>{_NUMC})[{_WS}]*[）)])(?P<sec_sep>[{_WS}、．.]*)
    | (?P<item>(?P<item_n>[0-9]{{1,3}}(?:[.．][0-9]{{1,3}})*)[、．.](?![0-9]))(?P<item_sep>[{_WS}]*)
    | (?P<sub>[（(](?P<sub_n>[0-9]{{1,3}})[）)])(?P<sub_sep>[{_WS}、．.]*)
    | (?P<circ>(?P<circ_n>[\u2460-\u2473]))(?P<circ_sep>[{_WS}]*)
    )?
    """,
    re.VERBOSE,
)
# characters that, right after "第X条" without a space, show the line is a cross-reference
_ART_NOT_LABEL = set("的至、，,和或及所中规第之款项内起以前后")
_SENT_END = "。！？；!?;"
_SENT_RE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)\"']*|$)")
_INFO_END = "<!-- INFO END -->"
# hard-wrap detection (texts copied from PDFs, see _join_wrapped)
_WRAP_END = "。；！？：…;:!?"          # a line ending with one of these (optionally followed by
_WRAP_CLOSE = "”’」』）)】〕》\"'"       # closing quotes/brackets) ends a clause
_WRAP_MIN, _WRAP_MAX = 20, 60          # plausible wrap widths (display columns)
_WRAP_BELOW, _WRAP_ABOVE = 2, 1        # window used to find W: widths W-2 … W+1
_WRAP_SLACK = 3                        # a full line is at least W-3 columns wide (indent, rounding)
_WRAP_MIN_LINES = 5                    # lines needed to call a width the document's wrap width
_WRAP_MIN_SHARE = 0.5                  # … at least this share of the open lines 20–60 columns wide
_WRAP_MIN_DOC_SHARE = 0.1              # … and at least this share of all the document's lines
_PAGE_NO_RE = re.compile(r"[-—–－ ]*[0-9]{1,3}[-—–－ ]*")
_TOC_RE = re.compile(r"(?:[.．…·]{4,}|…{2,})[ \t]*[0-9]{1,3}")  # "一、总体要求......1"
_PKULAW_AD = "法宝联想："
_HEADING_MAX = 40

# ranks: smaller = higher in the hierarchy
_RANK = {"编": 0, "分编": 1, "章": 2, "节": 3, "part": 4, "条": 5, "款": 6,
         "section": 7, "item": 8, "subitem": 9, "subsubitem": 10}
_LAW_NAME = {"section": "项", "item": "目", "subitem": "subitem", "subsubitem": "subsubitem"}


def body_start(text: str) -> int:
    """Offset where the segmentable body of ``text`` starts.

    After the line holding ``<!-- INFO END -->`` when present; otherwise after any leading
    Markdown ``# `` title lines (and blank lines); otherwise 0.

    Parameters
    ----------
    text : str
        The document text.

    Returns
    -------
    int
        Character offset into ``text``.
    """
    i = text.find(_INFO_END)
    if i >= 0:
        j = text.find("\n", i)
        return len(text) if j < 0 else j + 1
    pos = 0
    n = len(text)
    while pos < n:
        j = text.find("\n", pos)
        j = n if j < 0 else j
        line = text[pos:j].strip(_WS)
        if line and not line.startswith("# "):
            break
        pos = j + 1
    return min(pos, n)


@dataclass
class _Node:
    level: str
    rank: int
    seg: str           # path segment
    number: int | None
    label: str
    heading: str | None
    start: int         # start of label
    end: int           # end of own line
    parent: "_Node | None"
    path: str = ""
    n_par: int = 0     # paragraphs counted inside (policy) / 款 counter (article)
    has_children: bool = False
    own_leaf: bool = False
    leaves: int = 0
    pending: tuple[int, int] | None = None  # own text of a heading-only division


def _runin_heading(s: str) -> str | None:
    """Run-in heading of a policy item: '指导思想。以…' -> '指导思想'."""
    for i, ch in enumerate(s[:26]):
        if ch in "。：:":
            head = s[:i].strip(_WS)
            if head and "，" not in head and "," not in head:
                return head
            return None
        if ch in "，,；;":
            return None
    return None


def _is_heading_only(content: str) -> bool:
    """A short line without sentence punctuation (one trailing 。 allowed): a title."""
    if len(content) > _HEADING_MAX:
        return False
    body = content[:-1] if content.endswith(("。", ".")) else content
    return not any(c in _SENT_END or c in "，,：:" for c in body)


def _lines(text: str, pos: int):
    """Yield (content_start, content_end) of non-blank lines from pos (offsets into text)."""
    n = len(text)
    while pos < n:
        j = text.find("\n", pos)
        if j < 0:
            j = n
        a, b = pos, j
        while a < b and text[a] in _WS:
            a += 1
        while b > a and text[b - 1] in _WS:
            b -= 1
        if b > a:
            yield a, b
        pos = j + 1


def _width(s: str) -> float:
    """Display width: a CJK/full-width character is 1 column, an ASCII character 1/2."""
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def _is_open(text: str, a: int, b: int) -> bool:
    """True when the line text[a:b] does not end a clause (no final 。；！？：… before any
    closing quotes/brackets; a final ASCII '.' counts as final only after a non-ASCII
    character, as in texts converted to half-width punctuation)."""
    j = b
    while j > a and text[j - 1] in _WRAP_CLOSE:
        j -= 1
    if j == a:
        return False
    ch = text[j - 1]
    if ch in _WRAP_END:
        return False
    if ch == "." and j - 1 > a and ord(text[j - 2]) > 127:
        return False
    return not (ch.isdigit() and _TOC_RE.search(text, max(a, b - 12), b))


def _wrap_widths(text: str, lines: list) -> list[int]:
    """The widths W (display columns) at which a PDF copy hard-wrapped its lines; [] if none.

    Counted over unnumbered lines that do not end a clause and are 20–60 columns wide. The
    main width W is the one whose window W-2…W+1 holds most of them; it is accepted when that
    window holds at least 5 lines, at least half of those lines and at least a tenth of all
    the text's lines. Tables (short cells), forms, headings and texts with one line per
    paragraph do not produce such a peak (in the policy collection the hard-wrapped texts have
    30–79 % of their lines in the window, the others at most 6 %). A second, non-overlapping
    peak of at least 10 lines is accepted too (boxed text, 专栏, set in a different width).
    """
    widths = []
    for a, b, c in lines:
        if c[0] is None and _WRAP_MIN <= b - a <= 2 * _WRAP_MAX and _is_open(text, a, b):
            w = _width(text[a:b])
            if _WRAP_MIN <= w <= _WRAP_MAX:
                widths.append(int(w + 0.5))
    if len(widths) < _WRAP_MIN_LINES:
        return []
    hist = [0] * (_WRAP_MAX + _WRAP_BELOW + 2)
    for w in widths:
        for x in range(w - _WRAP_ABOVE, w + _WRAP_BELOW + 1):
            if x < len(hist):
                hist[x] += 1
    best = max(range(_WRAP_MIN, _WRAP_MAX + 1), key=lambda x: (hist[x], x))
    if (hist[best] < _WRAP_MIN_LINES or hist[best] < _WRAP_MIN_SHARE * len(widths)
            or hist[best] < _WRAP_MIN_DOC_SHARE * len(lines)):
        return []
    span = _WRAP_BELOW + _WRAP_ABOVE
    rest = [x for x in range(_WRAP_MIN, _WRAP_MAX + 1) if abs(x - best) > span]
    second = max(rest, key=lambda x: (hist[x], x))
    if hist[second] >= 2 * _WRAP_MIN_LINES:
        return sorted((best, second))
    return [best]


_JOINABLE = (None, "part", "section", "item", "subitem", "subsubitem", "条")


def _opens_paren(s: str) -> bool:
    """True when ``s`` starts with an opening parenthesis that it does not close."""
    return s[:1] in "（(" and s.count("（") + s.count("(") > s.count("）") + s.count(")")


def _indents_paragraphs(text: str, lines: list) -> bool:
    """True when the text indents its paragraphs (a PDF's ``\u3000\u3000第一条``): at least 5 article or item
    lines, and at least 80 % of them start after blank space on their line, as do at most half of the
    unnumbered lines that follow a line left open (continuations of wrapped lines are not indented)."""
    n_num = n_ind = 0
    for a, _, c in lines:
        if c[0] in ("条", "section"):
            n_num += 1
            n_ind += a > text.rfind("\n", 0, a) + 1
    return n_num >= 5 and n_ind >= 0.8 * n_num


def _join_wrapped(text: str, lines: list) -> list:
    """Merge hard-wrapped continuation lines into the line they continue.

    Applies only to texts with a wrap width (:func:`_wrap_widths`). A line is continued by
    the next line when it is *full* (W-3 … W+1 columns wide for one of the text's wrap widths
    W, or wider, up to 2W+2 — two printed lines the copy ran together), does not end a clause
    (:func:`_is_open`), is not a numbered policy title line (``（三）加强统筹协调``: at most 40
    characters without sentence punctuation — a wrapped numbered line without any comma in its
    first printed line is therefore left unjoined, the cautious choice), and the next
    line is unnumbered (not ``一、``/``（一）``/``1.``/``（1）``/``①``/``第X条``/``第X章``… and not
    a Markdown heading) and follows without a blank line; two over-wide lines in a row are
    rows of a table and are not joined. A bare page-number line (``12``, ``- 12 -``) between a
    full open line and its continuation is taken into the clause. The merged entry keeps the
    first line's classification and ends where the last continuation line ends.
    """
    Ws = _wrap_widths(text, lines)
    if not Ws:
        return lines
    ranges = [(W - _WRAP_SLACK - 0.5, W + _WRAP_ABOVE + 0.5) for W in Ws]
    wide, hi = max(Ws) + _WRAP_ABOVE + 0.5, 2 * max(Ws) + 2
    indents = _indents_paragraphs(text, lines)

    def indented(a: int) -> bool:
        return a > text.rfind("\n", 0, a) + 1

    def runs_on(j: int, closed: bool) -> bool:
        """In a text that indents its paragraphs: line j continues the line before it (not indented,
        unnumbered, right below; after a line ending a sentence only a sentence fragment — a signature or a
        date below an order's last sentence is not one)."""
        if not indents or j >= len(lines):
            return False
        a2, b2, c2 = lines[j]
        if c2[0] is not None or indented(a2) or not adjacent(lines[j - 1][1], a2):
            return False
        return not closed or any(ch in _SENT_END or ch in "，,、：:" for ch in text[a2:b2])

    def kind_of(a: int, b: int) -> int:
        """0 = not a full line, 1 = one printed line, 2 = over-wide (merged lines)."""
        w = _width(text[a:b])
        if any(lo <= w < up for lo, up in ranges):
            return 1
        return 2 if wide <= w < hi else 0

    def adjacent(b: int, a2: int) -> bool:  # no blank line between the two lines
        return text.count("\n", b, a2) == 1

    out = []
    i, n = 0, len(lines)
    while i < n:
        a, b, c = lines[i]
        if c[0] is None and i + 1 < n and _opens_paren(text[a:b]):
            # a parenthesised note set narrower and wrapped (（2020年6月20日…常 / 务委员会…通过）)
            a2, b2, c2 = lines[i + 1]
            if (c2[0] is None and adjacent(b, a2) and not _opens_paren(text[a:b2].replace("\n", ""))
                    and b2 - a2 <= b - a + 2):
                out.append((a, b2, c))
                i += 2
                continue
        if c[0] not in _JOINABLE or (c[0] not in (None, "条") and _is_heading_only(text[c[3]:b])
                                     and not (kind_of(a, b) == 1 and runs_on(i + 1, False))):
            out.append(lines[i])
            i += 1
            continue
        last_a, last_b = a, b
        j = i + 1
        while j < n:
            k = kind_of(last_a, last_b)
            if not k:
                break
            if not _is_open(text, last_a, last_b):
                if k == 1 and runs_on(j, True):   # a printed line that happens to end at 。/；/：
                    last_a, last_b = lines[j][0], lines[j][1]
                    j += 1
                    continue
                break
            a2, b2, c2 = lines[j]
            if indents and indented(a2):
                break   # an indented line starts a paragraph
            if not adjacent(last_b, a2):
                break
            step = 1
            if c2[0] is None and _PAGE_NO_RE.fullmatch(text, a2, b2):
                a2, b2, c2 = lines[j + 1] if j + 1 < n else (0, 0, (False,))
                if not adjacent(lines[j][1], a2) or _PAGE_NO_RE.fullmatch(text, a2, b2):
                    break
                step = 2
            if c2[0] is not None:
                break
            if k == 2 and kind_of(a2, b2) == 2:
                break  # two over-wide lines in a row: rows of a table, not a wrapped sentence
            last_a, last_b = a2, b2
            j += step
        out.append((a, last_b, c) if j > i + 1 else lines[i])
        i = j
    return out


# --------------------------------------------------------------------------- flattened text
_INLINE_ART_RE = re.compile(rf"第(?P<n>{_NUMCD})条(?:之(?P<sub>{_NUMC}))?")
_INLINE_DIV_RE = re.compile(rf"第(?P<n>{_NUMCD})(?P<k>分编|编|章|节)")
_INLINE_BEFORE = set(_SENT_END + "：:”’」』）)】〕")  # what may precede an inline article label
_INLINE_REF = re.compile(r"(?:本|该|此|上述|前述)[\u4e00-\u9fff]{0,3}$|[》”」]$|依照$|根据$|按照$|违反$|适用$")
_INLINE_PART_RE = re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})、")   # a part heading (一、… of interpretations)
_INLINE_HEAD_MAX = 30      # longest inline division title (第四章 数据安全保护义务 …)
_INLINE_MIN_ARTICLES = 2   # inline articles needed before a text is read as a flattened law


def _inline_markers(text: str, lines: list) -> list[int]:
    """Offsets of the 编/章/节 and 条 labels running inside the lines of a flattened law.

    Used only for a text that would otherwise fall back to sentences (no line starts with an
    article, fewer than two numbered lines) or that has exactly one line starting with an
    article (a flattened law pasted after its first label). A ``第X条`` inside a line is an
    article label when

    * it follows the start of the line, whitespace, or the end of a sentence or clause
      (``。；！？：`` and closing quotes/brackets), or the title of a division label accepted
      just before it (``第一章总则第一条``); the first ``第一条``/``第一章`` may follow any
      character (``…国务院令第292号公布第一条``) except a reference (``本法``, ``该条例``, ``》``,
      ``依照``, ``根据``, ``按照``, ``违反``, ``适用`` just before it);
    * the character after it does not make it a cross-reference (``的至、，和或及所中规第之款项…``,
      as for line labels: ``第三十条规定``, ``第二十一条第一款``, ``第四十四条、第四十五条``);
    * its number continues the sequence: the first accepted article may have any number, each
      next one is the previous plus one (``第X条之一`` repeats the previous number). A
      cross-reference in label position (``…处理。第三十条 …`` inside article 12) is rejected
      by its number.

    A label numbered previous + 1 in a position not recognised (after a heading the rules do not
    know) does not stop the recovery: when the next label, previous + 2, is accepted, the skipped
    one is taken as the article between.

    Table rows (lines starting with ``|`` or holding a tab) are not searched. A ``第X章`` (编,
    分编, 节) label in the same position, or a part heading ``二、`` after the end of a sentence
    (the parts ``一、举证责任分配和举证期限`` … of a judicial interpretation), is a division label
    when an accepted article follows within 30 characters with no sentence punctuation between
    (the title).
    Returns the label offsets in order, or ``[]`` when fewer than two articles are found
    (then the text is not a flattened law and the sentence fallback stands).
    """
    def context_ok(a: int, p: int, first: bool = False) -> bool:
        q = p - 1
        if q < a or text[q] in _WS or text[q] == "\n":
            return True
        if first:  # 第一章/第一条 right after the title or promulgation note (…公布第一条)
            return not _INLINE_REF.search(text, max(a, p - 4), p)
        return text[q] in _INLINE_BEFORE

    cuts: list[int] = []
    n_art = 0
    last: int | None = None
    missed: int | None = None   # offset of a rejected label numbered last + 1
    for a, b, _ in lines:
        if text[a] == "|" or "\t" in text[a:b]:
            continue  # a table row (Markdown pipes, tab-separated cells): labels there are data
        cands = [(m.start(), 0, m) for m in _INLINE_DIV_RE.finditer(text, a, b)]
        cands += [(m.start(), 0, m) for m in _INLINE_PART_RE.finditer(text, a, b)
                  if m.start() == a or text[m.start() - 1] in _SENT_END or text[m.start() - 1] in _WS]
        cands += [(m.start(), 1, m) for m in _INLINE_ART_RE.finditer(text, a, b)]
        cands.sort(key=lambda t: (t[0], t[1]))
        pending: int | None = None  # end of the last division label with an acceptable context
        pending_at: list[int] = []  # starts of the division labels chained before it
        for p, is_art, m in cands:
            after = text[m.end():m.end() + 1] if m.end() < b else ""
            if not is_art:
                if after in _ART_NOT_LABEL and after and m.re is not _INLINE_PART_RE:
                    continue
                chained = (pending is not None and p - pending <= _INLINE_HEAD_MAX
                           and not any(ch in _SENT_END or ch in "，," for ch in text[pending:p]))
                if chained:  # 第三章 网络运行安全 第一节 一般规定
                    pending, pending_at = m.end(), pending_at + [p]
                elif context_ok(a, p, first=last is None and _num(m.group("n")) == 1):
                    pending, pending_at = m.end(), [p]
                continue
            if after in _ART_NOT_LABEL and after:
                continue
            n = _num(m.group("n"))
            if n is None:
                continue
            by_title = (pending is not None and p - pending <= _INLINE_HEAD_MAX
                        and not any(ch in _SENT_END or ch in "，," for ch in text[pending:p]))
            ok = context_ok(a, p, first=last is None and n == 1) or by_title
            if last is not None and n == last + 1 and not m.group("sub") and not ok:
                missed = p   # the next number in a position not recognised (after an unknown heading)
                continue
            if not ok:
                continue
            if last is not None and n == last + 2 and missed is not None and not m.group("sub"):
                cuts.append(missed)   # recovery goes on: the skipped label is the article between
                n_art += 1
            elif last is not None and not (n == last + 1 or (m.group("sub") and n == last)):
                continue
            missed = None
            if by_title:
                cuts.extend(pending_at)
            cuts.append(p)
            pending, pending_at = None, []
            last = n
            n_art += 1
    return cuts if n_art >= _INLINE_MIN_ARTICLES else []


def _split_inline(text: str, lines: list, cuts: list[int]) -> list:
    """Split lines at the label offsets from :func:`_inline_markers` and classify the pieces."""
    out = []
    ci, nc = 0, len(cuts)
    strip = _WS + "\n"
    for a, b, c in lines:
        inner = []
        while ci < nc and cuts[ci] < b:
            if cuts[ci] > a:
                inner.append(cuts[ci])
            ci += 1
        if not inner:
            out.append((a, b, c))
            continue
        bounds = [a] + inner + [b]
        for x, y in zip(bounds, bounds[1:]):
            while x < y and text[x] in strip:
                x += 1
            while y > x and text[y - 1] in strip:
                y -= 1
            if y > x:
                out.append((x, y, _classify(text, x, y)))
    return out


def unwrap(text: str) -> str:
    """``text`` with its hard-wrapped lines joined, as clause segmentation joins them.

    Uses the same wrap-width detection and joining rules as :func:`segment` (see the module
    docstring, "Hard-wrapped texts"): the line breaks inside a joined clause are removed, and a
    page-number line taken along is dropped. Two ASCII letters or digits meeting at a join are
    separated by one space; CJK text is joined directly. A text without a wrap width is returned
    unchanged. Used by :mod:`analysis.corpus.readers` for text extracted from PDFs.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    lines = [(a, b, _classify(text, a, b)) for a, b in _lines(text, 0)]
    joined = _join_wrapped(text, lines)
    if joined is lines:
        return text
    out, pos = [], 0
    for a, b, _ in joined:
        out.append(text[pos:a])
        seg = text[a:b]
        if "\n" in seg:
            parts = [ln.strip(_WS) for ln in seg.split("\n")]
            parts = [p for i, p in enumerate(parts) if p and not (0 < i < len(parts) - 1
                                                                  and _PAGE_NO_RE.fullmatch(p))]
            seg = parts[0]
            for p in parts[1:]:
                sep = " " if (seg[-1:].isascii() and seg[-1:].isalnum()
                              and p[:1].isascii() and p[:1].isalnum()) else ""
                seg += sep + p
        out.append(seg)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _classify(text: str, a: int, b: int):
    """Return (kind, number, label_end, content_start, is_md, label) for one line."""
    m = _LINE_RE.match(text, a, b)
    is_md = m.group("md") is not None
    if m.group("div"):
        k = m.group("div_k")
        return k, _num(m.group("div_n")), m.end("div"), m.end(), is_md, m.group("div")
    if m.group("art"):
        after = text[m.end("art"):m.end("art") + 1]
        if m.group("art_sep") or m.end("art") == b or after not in _ART_NOT_LABEL:
            lab = m.group("art")
            return "条", _num(m.group("art_n")), m.end("art"), m.end(), is_md, lab
        return ("md" if is_md else None), None, a, (m.end("md") if is_md else a), is_md, ""
    for k in ("part", "sec", "item", "sub", "circ"):
        if m.group(k):
            g = m.group(k + "_n")
            if k == "part":
                num, lab = _num(g), g
            elif k == "sec":
                num, lab = _num(g), f"（{g}）"
            elif k == "item":
                num = int(g) if g.isdigit() else None
                lab = g.replace("．", ".")
            elif k == "sub":
                num, lab = int(g), f"（{g}）"
            else:
                num, lab = ord(g) - 0x245F, g
            kind = {"part": "part", "sec": "section", "item": "item", "sub": "subitem",
                    "circ": "subsubitem"}[k]
            return kind, num, m.end(k), m.end(), is_md, lab
    if is_md:
        return "md", None, m.end("md"), m.end("md"), True, ""
    return None, None, a, a, False, ""


def _num(s: str) -> int | None:
    try:
        return cn_to_int(s)
    except ValueError:
        return None


def _path_of(parent: _Node | None, seg: str) -> str:
    return seg if parent is None or not parent.path else f"{parent.path}/{seg}"


def segment_document(text: str, doc_id: str) -> tuple[list[tuple], list[tuple]]:
    """Segment one document into plain tuples (fast path used by :func:`segment`).

    Parameters
    ----------
    text : str
        Document text (offset base, see the module docstring).
    doc_id : str
        Document id, used as the prefix of ``clause_id``/``node_id``.

    Returns
    -------
    (clauses, nodes) : tuple of lists of tuples
        Rows in the order of :data:`CLAUSE_COLUMNS` and :data:`STRUCTURE_COLUMNS`.
    """
    if not isinstance(text, str):
        raise TypeError(f"{doc_id}: text must be str, got {type(text).__name__}")
    b0 = body_start(text)
    lines = []
    for a, b in _lines(text, b0):
        if text.startswith("<!--", a) and text.endswith("-->", a, b):
            continue
        if text.startswith(_PKULAW_AD, a):
            continue  # pkulaw.com cross-reference advertisement, not part of the document
        lines.append((a, b, _classify(text, a, b)))
    lines = _join_wrapped(text, lines)
    is_law = any(c[0] == "条" for _, _, c in lines)
    n_numbered = sum(1 for _, _, c in lines if c[0] in _RANK)
    clauses: list[tuple] = []
    nodes: list[_Node] = []
    n_art_lines = sum(1 for _, _, c in lines if c[0] == "条")
    fallback = not is_law and n_numbered < 2 and not any(c[0] == "md" for _, _, c in lines)
    if fallback or n_art_lines == 1:
        # flattened law (text pasted from a web page): labels inside the running text
        cuts = _inline_markers(text, lines)
        if cuts:
            lines = _split_inline(text, lines, cuts)
            is_law, fallback = True, False
    if fallback:
        _sentences(text, lines, doc_id, clauses)
        return clauses, []

    used_paths: dict[str, int] = {}
    used_node_paths: dict[str, int] = {}

    def uniq(path: str, used: dict) -> str:
        k = used.get(path, 0) + 1
        used[path] = k
        return path if k == 1 else f"{path}#{k}"

    stack: list[_Node] = []
    top_par = [0]

    def enclosing_heading() -> str | None:
        for nd in reversed(stack):
            if nd.heading:
                return nd.heading
        return None

    def add_clause(level, parent, seg, number, heading, a, b):
        path = uniq(_path_of(parent, seg) if seg else parent.path, used_paths)
        ppath = path.rpartition("/")[0]
        clauses.append((doc_id, f"{doc_id}:{path}", path, ppath, level, len(clauses) + 1,
                        number, heading, text[a:b], a, b, b - a))
        for nd in stack:
            nd.leaves += 1
            if b > nd.end:
                nd.end = b

    def push(level, number, seg, label, heading, a, b, heading_only, rank=None):
        parent = stack[-1] if stack else None
        nd = _Node(level=level, rank=_RANK.get(level, 4) if rank is None else rank, seg=seg, number=number, label=label,
                   heading=heading, start=a, end=b, parent=parent)
        nd.path = uniq(_path_of(parent, seg), used_node_paths)
        if parent is not None:
            parent.has_children = True
        stack.append(nd)
        nodes.append(nd)
        return nd

    for a, b, (kind, number, lab_end, c0, is_md, label) in lines:
        content = text[c0:b]
        if kind in ("编", "分编", "章", "节") and (is_md or _is_heading_only(content)):
            rank = _RANK[kind]
            while stack and stack[-1].rank >= rank:
                stack.pop()
            head = content.strip(_WS).rstrip("。.") or None
            push(kind, number, label, label, head, text.find(label, a, b), b, True)
            continue
        if kind == "md":
            seg = content.strip(_WS)
            while stack and stack[-1].rank >= _RANK["part"]:
                stack.pop()
            push("part", None, seg, "", seg, c0, b, True)
            continue
        if kind == "part" and is_law and not is_md and stack and stack[-1].rank >= _RANK["条"] \
                and (not _is_heading_only(content) or content.endswith(tuple(_SENT_END + "：:"))):
            kind = "section"  # 一、 used for the items of an article (older statutes)
        if kind == "part" and (is_md or (_is_heading_only(content) and is_law)):
            while stack and stack[-1].rank >= _RANK["part"]:
                stack.pop()
            seg = label
            push("part", number, seg, label, content.strip(_WS).rstrip("。.") or None,
                 a if not is_md else text.find(label, a, b), b, True)
            continue
        if kind == "条":
            while stack and stack[-1].rank >= _RANK["条"]:
                stack.pop()
            art = push("条", number, label, label, None, text.find(label, a, b), b, False)
            if c0 < b:
                art.n_par = 1
                add_clause("款", art, "第1款", 1, enclosing_heading(), c0, b)
            continue
        if kind in ("编", "分编", "章", "节"):
            kind = None  # long line starting 第X章… that is not a heading: a paragraph
            c0 = a
        if kind is None:
            # unnumbered paragraph
            if is_law:
                art = next((nd for nd in reversed(stack) if nd.level == "条"), None)
                if art is not None:
                    while stack[-1] is not art:
                        stack.pop()
                    art.n_par += 1
                    add_clause("款", art, f"第{art.n_par}款", art.n_par, enclosing_heading(), a, b)
                    continue
            parent = stack[-1] if stack else None
            if parent is None:
                top_par[0] += 1
                k = top_par[0]
                clauses_parent = _Node("root", -1, "", None, "", None, 0, 0, None)
                add_clause("paragraph", clauses_parent, f"第{k}段", k, None, a, b)
            else:
                parent.n_par += 1
                parent.has_children = True
                add_clause("paragraph", parent, f"第{parent.n_par}段", parent.n_par,
                           enclosing_heading(), a, b)
            continue
        # numbered policy division / law item (in a law, items hang below the current 款)
        rank = _RANK[kind]
        while stack and stack[-1].rank >= rank:
            stack.pop()
        level = _LAW_NAME.get(kind, kind) if is_law else kind
        in_article = is_law and any(nd.level == "条" for nd in stack)
        if in_article:
            art = next(nd for nd in reversed(stack) if nd.level == "条")
            k_no = max(art.n_par, 1)
            # parent path for the item: …/第k款 (a virtual level, not a structure node)
            base = stack[-1]
            if base is art:
                seg = f"第{k_no}款/{label}"
            else:
                seg = label
            nd = push(level, number, seg, label, None, text.find(label, a, b), b, False, rank)
        else:
            head = content.strip(_WS)
            heading_only = _is_heading_only(head)
            nd = push(level, number, label, label,
                      head.rstrip("。.") if heading_only else _runin_heading(head),
                      text.find(label, a, b) if label else a, b, heading_only, rank)
            if heading_only:
                nd.own_leaf = False
                nd.n_par = 0
                nd.pending = (c0, b)
                continue
        if c0 < b:
            nd.own_leaf = True
            nd.n_par = 1
            add_clause(level, nd, "", number, nd.heading or enclosing_heading(), c0, b)

    # heading-only numbered divisions that got no children: keep their text as a clause
    pending = [nd for nd in nodes if nd.pending is not None and nd.leaves == 0]
    for nd in pending:
        a, b = nd.pending
        if a < b:
            stack[:] = _ancestors(nd)
            add_clause(nd.level, nd, "", nd.number, nd.heading, a, b)
    if pending:
        clauses.sort(key=lambda r: r[9])
        clauses[:] = [r[:5] + (i + 1,) + r[6:] for i, r in enumerate(clauses)]

    node_rows = []
    for i, nd in enumerate(nodes):
        if nd.level not in ("编", "分编", "章", "节", "part", "条") and not (
                nd.leaves > (1 if nd.own_leaf else 0)):
            continue  # numbered division without children: it is a clause, not structure
        node_rows.append(nd)
    out_nodes = []
    for i, nd in enumerate(node_rows):
        ppath = nd.path.rpartition("/")[0]
        out_nodes.append((doc_id, f"{doc_id}:{nd.path}", nd.path, ppath, nd.level, i + 1,
                          nd.number, nd.label, nd.heading, nd.start, nd.end,
                          nd.end - nd.start, nd.leaves))
    return clauses, out_nodes


def _ancestors(nd: _Node) -> list[_Node]:
    out = []
    while nd is not None:
        out.append(nd)
        nd = nd.parent
    return out[::-1]


def _sentences(text: str, lines, doc_id: str, clauses: list) -> None:
    for p, (a, b, _) in enumerate(lines, start=1):
        s_no = 0
        for m in _SENT_RE.finditer(text, a, b):
            sa, sb = m.start(), m.end()
            while sa < sb and text[sa] in _WS:
                sa += 1
            while sb > sa and text[sb - 1] in _WS:
                sb -= 1
            if sb <= sa:
                continue
            s_no += 1
            path = f"第{p}段/第{s_no}句"
            clauses.append((doc_id, f"{doc_id}:{path}", path, f"第{p}段", "sentence",
                            len(clauses) + 1, s_no, None, text[sa:sb], sa, sb, sb - sa))


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=columns)
    for c in columns:
        if c in ("order", "number", "start", "end", "n_chars", "n_clauses"):
            df[c] = df[c].astype("Int64")
        else:
            df[c] = df[c].astype("string")
    return df


def segment(text: str, doc_id: str) -> pd.DataFrame:
    """Split one document into clauses (the leaves of its structure).

    Parameters
    ----------
    text : str
        The document text. Offsets refer to this exact string (for LawRefBook files: the
        whole file decoded as UTF-8, header included).
    doc_id : str
        Document id; prefixes ``clause_id``.

    Returns
    -------
    pandas.DataFrame
        One row per clause, in document order, columns:

        - ``doc_id`` (string)
        - ``clause_id`` (string): ``f"{doc_id}:{path}"``; depends only on the clause's own
          position in the numbering (chapter/article/款/项 or policy numbers), so editing
          another article does not change it. A repeated path gets ``#2``, ``#3``.
        - ``path`` (string): e.g. ``第三章/第二十一条/第2款/（一）`` for a law,
          ``一/（二）/3/（1）`` for a policy, ``一/（二）/第2段`` for the second paragraph of a
          numbered division, ``第4段/第2句`` for the sentence fallback.
        - ``parent_path`` (string): path of the enclosing division ("" at top level).
        - ``level`` (string): 款/项/目 (law), part/section/item/subitem/subsubitem/paragraph
          (policy) or sentence.
        - ``order`` (Int64): 1-based position in the document.
        - ``number`` (Int64): value of the clause's own number (款 2, 项 （三）→3, 段 k,
          sentence k), <NA> where it has none.
        - ``heading`` (string): run-in heading of a policy item (``指导思想`` in
          ``（一）指导思想。…``) or else the title of the nearest enclosing titled division
          (``数据安全制度``); <NA> when none.
        - ``text`` (string): the clause text without its number label.
        - ``start``, ``end`` (Int64): offsets into ``text`` with ``text[start:end] == text``.
        - ``n_chars`` (Int64): ``end - start``.
    """
    rows, _ = segment_document(text, doc_id)
    return _frame(rows, CLAUSE_COLUMNS)


def structure(text: str, doc_id: str) -> pd.DataFrame:
    """The divisions that hold clauses: 编/分编/章/节, parts, articles, numbered policy
    divisions with sub-items.

    Parameters
    ----------
    text : str
        The document text (same offset base as :func:`segment`).
    doc_id : str
        Document id; prefixes ``node_id``.

    Returns
    -------
    pandas.DataFrame
        One row per division, in document order, columns ``doc_id``, ``node_id``
        (``f"{doc_id}:{path}"``), ``path``, ``parent_path``, ``level`` (编/分编/章/节/part/条
        or section/item/subitem for policy divisions that contain items), ``order``,
        ``number`` (Int64, the division's number: 第二十一条 → 21), ``label`` (``第二十一条``),
        ``heading`` (title, e.g. ``数据安全制度``; <NA> for articles), ``start``/``end``
        (Int64; ``text[start:end]`` runs from the label to the end of the last clause
        inside), ``n_chars`` and ``n_clauses`` (clauses inside, Int64). Empty for
        unstructured texts.
    """
    _, rows = segment_document(text, doc_id)
    return _frame(rows, STRUCTURE_COLUMNS)
