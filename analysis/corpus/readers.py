"""Readers for a researcher's own documents: one per file format, chosen by suffix.

:func:`read_document` turns one file into the text the clause splitter reads
(:func:`analysis.corpus.clauses.segment`); :func:`analysis.corpus.folders.load_folder` calls it for every
file of a folder.

==========================  ======================================================================
suffix                      reader
==========================  ======================================================================
``.txt``, ``.md``           :func:`read_text`: UTF-8, UTF-8 with BOM, UTF-16 with BOM; else GB18030
                            with a warning
``.docx``                   :func:`read_docx` (python-docx): body paragraphs and tables in order
``.pdf``                    :func:`read_pdf` (pypdfium2): text layer, page furniture removed, hard
                            wraps joined; a PDF without a text layer is an error (OCR needed)
``.html``, ``.htm``         :func:`read_html` (BeautifulSoup): the main text of a saved web page
anything else               :class:`UnsupportedFileError`, naming the file and the command that
                            converts it (``.doc``/``.wps``/``.rtf``/``.odt`` → LibreOffice, ``.ofd``,
                            images → OCR, …)
==========================  ======================================================================

Every reader maps Kangxi radicals and CJK compatibility ideographs to the standard ideographs
(:func:`standard_ideographs`, the mapping :func:`~analysis.text.tokens.normalize`
applies), so ``第⼗⼀条`` extracted from a PDF is an article; nothing else is normalised.

Libraries, and why
------------------
* **python-docx** (1.2; MIT; python-openxml): the maintained reader of WordprocessingML. It gives the body's
  paragraphs and tables (headers and footers live in separate parts and are left out). It exposes
  the numbering definitions (``numbering.xml``) but does not render Word's automatic numbering, so
  a ``第一条`` or ``一、`` that Word generates is not in the paragraph text; the reader renders it
  (:class:`_Numbering`: decimal, Chinese counting, legal, circled, letters, roman numerals) and
  warns, naming the file, for any number it cannot render.
* **pypdfium2** (5.15; Apache-2.0/BSD; pypdfium2-team): Python bindings to PDFium, the PDF engine
  of Chrome's viewer — the program researchers open government PDFs with — shipped as a binary
  wheel without further dependencies. Measured on the fixture PDFs (fpdf2 output: a CID-keyed
  CJK font with an embedded encoding CMap, valid PDF): pypdf 7.1 read every two-byte code as two
  one-byte codes (``第十六条 本规定自公布之日起施行`` came out as ``第2若 六 条 本 规 定 自 公 布2二 日…``,
  a space between all characters), while PDFium returned the text exactly. pdfminer.six also
  parses such CMaps but pulls in ``cryptography``. Only lines are needed: page headers and
  footers are found by repetition across pages (below), not by position.
* **BeautifulSoup 4** (4.15; MIT) with Python's own ``html.parser``: already installed (by
  nbconvert), tolerant of the malformed markup of older government sites. trafilatura would add
  ~15 packages (lxml, courlan, htmldate, justext, dateparser, …) for a job that a short, measured
  rule does on these pages (below).

Measured on the fixtures in ``tests/fixtures/readers/`` (3 regulations, 98 articles, in all five
forms): every form gives the same article paths as the Markdown source
(``tests/test_readers.py``); speed is in ``tests/benchmarks/readers.md``.

PDF page furniture
------------------
Per page, the first and last three non-blank lines are candidates. A candidate is dropped when it
is a page number (``3``, ``- 3 -``, ``— 3 —``, ``第 3 页 共 9 页``, ``第3页``, ``3/9``, ``Page 3 of 9``),
a browser's print header (``2024/5/6 10:32`` + title) or URL footer (``https://… 1/9``), or when the
same line with its digits masked appears in that zone on at least half of the pages (at least 2):
running titles, issuer lines, dates — or, in a document of 4 pages or more, on at least half of
the odd pages or of the even pages (at least 2): a gazette's alternating heads (``山东省人民代表大会
常务委员会公报`` on odd pages, ``2012年第5期`` on even ones). A repeated line without digits that is
on the even pages too is kept where it first appears on the first page (the title, repeated as
the running title); an odd-pages-only head is not. Every removed line is in ``Document.removed``
with its rule. Then pages are joined and hard-wrapped lines are joined with
:func:`analysis.corpus.clauses.unwrap`, the same rule clause segmentation uses.

Web-page main text
------------------
Scripts, styles, ``nav``/``header``/``footer``/``aside``/``form`` elements and elements whose id
or class names navigation, breadcrumbs, share bars, footers or copyright blocks are removed (rules
``html:nav-element``, ``html:furniture-attr``). The main text is the first element matching a
content selector used by government sites and WeChat (``#UCAP-CONTENT``, ``.pages_content``,
``.TRS_Editor``, ``#zoom``, ``#js_content``, ``.article``, ``article``, ``main``, …), else the
deepest element holding 85% of the text left in the body (an old table-layout page: the table of
one ``<tr><td><p>`` per paragraph, whose rows before the first and after the last ``<p>`` row —
title, date and hit counter — are left out). Everything outside it is removed (rule
``html:outside-main``); nothing inside it is removed for its words: furniture is decided by the
DOM, so an article line saying 承办单位 or 主办单位 is kept (issue 19). Measured on the eight saved
pages in this repository (four of ``tests/fixtures/readers/``, four of ``tests/fixtures/intake/``:
gov.cn, congress, WeChat, old CMS table): every article kept, none of the site lines left; the
pages were written after the layouts of those sites, so on another site read ``kept_share`` and
``reader_notes`` and look at the text. readability-lxml 0.9 (``Document(html).summary()``) was
measured on the same eight pages: it keeps every paragraph of seven, but none of the WeChat
article's 67 (0 of 67), and keeps a junk line of the CMS table page; trafilatura was not tried (it
adds ~15 packages). The title is the page's ``<h1>`` or else its
``<title>`` up to a `` - ``/``_``/``|`` site suffix. The declared charset (``<meta charset>``,
``http-equiv``) is honoured; GB2312 and GBK are decoded as GB18030 (their superset).
"""
from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .clauses import unwrap

__all__ = [
    "SUPPORTED_SUFFIXES",
    "CONVERSIONS",
    "Document",
    "KEPT_SHARE_WARN",
    "loss_check",
    "docx_source_chars",
    "UnsupportedFileError",
    "UnreadableFileError",
    "read_document",
    "read_text",
    "read_docx",
    "read_pdf",
    "read_html",
    "decode_text",
    "conversion_hint",
    "warn_caller",
    "IDEOGRAPH_TABLE",
    "standard_ideographs",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

_SOFFICE = "soffice --headless --convert-to docx {file}  (LibreOffice)"
#: what to do with a file the package cannot read, by suffix
CONVERSIONS = {
    ".doc": _SOFFICE,
    ".wps": _SOFFICE,
    ".rtf": _SOFFICE,
    ".odt": _SOFFICE,
    ".docm": _SOFFICE,
    ".dot": _SOFFICE,
    ".dotx": _SOFFICE,
    ".ofd": "convert the OFD to PDF with an OFD reader (e.g. 数科OFD阅读器 or 福昕OFD版式办公套件: "
            "export as PDF), then load the PDF",
    ".wpt": _SOFFICE,
    ".xml": "save the document as .docx, .txt or .html",
    ".mhtml": "open it in the browser and save it as 'Web page, HTML only' (.html)",
    ".mht": "open it in the browser and save it as 'Web page, HTML only' (.html)",
    ".epub": "convert it with pandoc: pandoc {file} -o out.md",
}
_IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
_OCR = "a scanned image: run OCR first, e.g. ocrmypdf -l chi_sim {file} out.pdf (images: img2pdf first), then load the output"
_TABLES = (".csv", ".xls", ".xlsx", ".et", ".ods", ".tsv", ".json")
_ARCHIVES = (".zip", ".rar", ".7z", ".gz", ".tar", ".xz")


class UnsupportedFileError(ValueError):
    """A file in a format no reader handles; the message names each file and its conversion."""


class UnreadableFileError(ValueError):
    """A file of a supported format that cannot be read (empty, corrupt, encrypted, no text
    layer); the message names the file and says what to do."""


@dataclass
class Document:
    """What a reader returns.

    ``text`` is the document's text (offset base of clause segmentation); ``encoding`` how the
    bytes were decoded (``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``, or the container
    format: ``docx``, ``pdf``); ``title`` a title the format itself declares (web page) or None;
    ``reader`` the reader's name; ``notes`` what the reader removed or could not do.

    The loss check (:func:`loss_check`, run by :func:`read_document` on every file):
    ``source_chars`` is the number of non-blank characters of the source's own text layer (all
    visible text of a web page's body; a PDF's text layer; the ``w:t`` text of a Word body not
    inside ``w:del``; the decoded text of a text file); ``removed`` lists what the reader took out,
    as ``(rule, text)`` pairs (``html:nav-element``, ``html:furniture-attr``, ``html:outside-main``,
    ``pdf:page-number``, ``pdf:print-header``, ``pdf:url-footer``, ``pdf:running-head``,
    ``pdf:running-head-odd``, ``pdf:running-head-even``); ``kept_share`` is non-blank characters
    of ``text`` / ``source_chars`` (above 1 when the reader adds text: a page title taken from
    ``<title>``, Word numbers rendered).
    """

    text: str
    encoding: str
    reader: str
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    source_chars: int | None = None

    @property
    def kept_chars(self) -> int:
        """Non-blank characters of ``text``."""
        return _nonblank(self.text)

    @property
    def removed_chars(self) -> int:
        """Non-blank characters of the removed text (all rules)."""
        return sum(_nonblank(t) for _, t in self.removed)

    @property
    def kept_share(self) -> float | None:
        """Non-blank characters kept / non-blank characters of the source's text layer."""
        if not self.source_chars:
            return None
        return self.kept_chars / self.source_chars

    def removed_by_rule(self) -> dict[str, list[str]]:
        """The removed texts grouped by rule, in reading order."""
        out: dict[str, list[str]] = {}
        for rule, t in self.removed:
            out.setdefault(rule, []).append(t)
        return out


_BLANK = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")


def _nonblank(text: str) -> int:
    return len(_BLANK.sub("", text))


#: a document keeping less than this share of its source's text gets a warning
KEPT_SHARE_WARN = {"html": 0.25, "pdf": 0.8, "docx": 0.9, "text": 0.99}
#: an article, chapter or section marker in a removed line
_STRUCTURE_MARK = re.compile(r"第\s*[一二三四五六七八九十百千零〇两0-9０-９]+\s*[条章节]")


def loss_check(doc: Document, name: str, warn: bool = True) -> list[str]:
    """The loss check of one document: a warning, naming the file and the rule, when the reader
    kept less than :data:`KEPT_SHARE_WARN` of the source's text, or removed a line holding a
    第…条/章/节 marker. Returns the messages (also added to ``doc.notes``); warns unless ``warn``."""
    msgs = []
    share = doc.kept_share
    limit = KEPT_SHARE_WARN.get(doc.reader)
    if share is not None and limit is not None and share < limit:
        rules = sorted({r for r, _ in doc.removed})
        msgs.append(f"{name}: the {doc.reader} reader kept {share:.0%} of the source's "
                    f"{doc.source_chars:,} characters (below {limit:.0%}); removed by "
                    f"{', '.join(rules) if rules else 'no rule (text not selected)'} — check the text")
    marked = [(r, t) for r, t in doc.removed if _STRUCTURE_MARK.search(t)]
    if marked:
        shown = "; ".join(f"{r}: {t[:40]!r}" for r, t in marked[:3])
        msgs.append(f"{name}: {len(marked)} removed line(s) hold an article/chapter/section marker "
                    f"(第…条/章/节), text may be lost: {shown}")
    for m in msgs:
        doc.notes.append(m)
        if warn:
            warn_caller(m)
    return msgs


def conversion_hint(path: Path | str) -> str:
    """What to do with a file of this suffix (the command that converts it)."""
    p = Path(path)
    suf = p.suffix.lower()
    name = p.name if " " not in p.name else f'"{p.name}"'
    if suf in CONVERSIONS:
        return CONVERSIONS[suf].format(file=name)
    if suf in _IMAGES:
        return _OCR.format(file=name)
    if suf in _TABLES:
        return "a table, not a document: pass it as metadata_csv=…, or move it out of the folder"
    if suf in _ARCHIVES:
        return "an archive: extract it into the folder"
    return "save it as .docx, .pdf, .html or UTF-8 .txt"


def warn_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn, attributing the warning to the first caller outside the ``analysis`` package
    (the researcher's notebook cell or script line), not to package internals."""
    level = 2  # 1 would be this function, 2 its caller
    f = sys._getframe(1)
    while f is not None and str(f.f_globals.get("__name__", "")).split(".")[0] == "analysis":
        f = f.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


# --------------------------------------------------------------------------- code points
#: Unicode's Equivalent_Unified_Ideograph data (UCD ``EquivalentUnifiedIdeograph.txt``, Unicode 15.0.0,
#: © Unicode, Inc., Unicode licence), shipped byte for byte; provenance in ``data/raw/MANIFEST.csv`` and
#: ``data/raw/SOURCES.md``.
EQUIVALENT_UNIFIED_IDEOGRAPH_FILE = Path(__file__).resolve().parents[2] / "data" / "raw" / "unicode-ucd" / \
    "EquivalentUnifiedIdeograph.txt"
#: code points of the CJK Radicals Supplement and Kangxi Radicals blocks with no equivalent unified
#: ideograph: U+2E80 CJK RADICAL REPEAT (listed as such in the UCD file) and the unassigned code points
#: U+2E9A, U+2EF4–U+2EFF and U+2FD6–U+2FDF; they are left as they are.
RADICALS_WITHOUT_EQUIVALENT = (0x2E80, 0x2E9A, *range(0x2EF4, 0x2F00), *range(0x2FD6, 0x2FE0))


def equivalent_unified_ideographs(path: Path | str = EQUIVALENT_UNIFIED_IDEOGRAPH_FILE) -> dict[int, str]:
    """{code point: ideograph} of the UCD's ``EquivalentUnifiedIdeograph.txt`` (``2E8C..2E8D ; 5C0F``)."""
    table: dict[int, str] = {}
    for ln in Path(path).read_text(encoding="utf-8").splitlines():
        ln = ln.split("#", 1)[0].strip()
        if not ln:
            continue
        cps, _, target = (x.strip() for x in ln.partition(";"))
        lo, _, hi = cps.partition("..")
        for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
            table[cp] = chr(int(target, 16))
    return table


def _ideograph_table() -> dict[int, str]:
    """The code points :func:`standard_ideographs` maps.

    * CJK Radicals Supplement (U+2E80–U+2EFF: ⺠ → 民, ⻔ → 门, ⻓ → 长) and Kangxi Radicals
      (U+2F00–U+2FDF: ⼯ → 工) → the ideograph of Unicode's Equivalent_Unified_Ideograph property
      (:data:`EQUIVALENT_UNIFIED_IDEOGRAPH_FILE`). NFKC maps every Kangxi radical (to the same
      ideograph) but only 2 of the supplement's 115; the UCD's equivalence data maps 114 of them
      (all but U+2E80 CJK RADICAL REPEAT, :data:`RADICALS_WITHOUT_EQUIVALENT`).
    * CJK compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) → the unified ideograph NFKC
      gives (their canonical decompositions).

    CJK strokes (U+31C0…) are not mapped: a stroke in a text is not a character of it.
    """
    table: dict[int, str] = {}
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            n = unicodedata.normalize("NFKC", chr(cp))
            if n != chr(cp) and len(n) == 1:
                table[cp] = n
    try:
        eui = equivalent_unified_ideographs()
    except OSError:  # installed without the repository's data/raw: NFKC only (Kangxi, 2 of the supplement)
        warnings.warn(f"{EQUIVALENT_UNIFIED_IDEOGRAPH_FILE} not found: CJK Radicals Supplement code points "
                      "(⺠ ⻔ ⻓ …) are not mapped to ideographs", RuntimeWarning, stacklevel=2)
        eui = {}
    for cp, ideograph in eui.items():
        if 0x2E80 <= cp <= 0x2FDF:
            table[cp] = ideograph
    return table


#: translate() table of :func:`standard_ideographs` (built once: UCD equivalence data and NFKC).
IDEOGRAPH_TABLE = _ideograph_table()
_IDEOGRAPH_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def standard_ideographs(text: str) -> str:
    """Map radical and CJK-compatibility code points to the standard ideographs.

    PDFs often carry ⼯ (U+2F2F KANGXI RADICAL WORK) for 工 or ⼈ for 人, ⺠ (U+2EA0 CJK RADICAL
    CIVILIAN) for 民, or CJK compatibility ideographs (U+F900…); they look identical but match
    nothing (``第⼗⼀条`` is not ``第十一条``, ``人⺠法院`` is not ``人民法院``). Only these code points
    change (:data:`IDEOGRAPH_TABLE`: Unicode's Equivalent_Unified_Ideograph data for the CJK Radicals
    Supplement and Kangxi Radicals blocks, NFKC for the compatibility ideographs), so punctuation
    keeps its full-width form. Every reader of this module applies it to the text it
    extracts; it is also step 2 of :func:`analysis.text.tokens.normalize`.
    """
    # a regex scan is ~20x faster than translate() with a dict; almost no text needs the mapping
    return text.translate(IDEOGRAPH_TABLE) if _IDEOGRAPH_RE.search(text) else text

# --------------------------------------------------------------------------- plain text
def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes of a text file: BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else GB18030.

    Returns
    -------
    (text, encoding) : tuple
        ``encoding`` is ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``gb18030``.

    Raises
    ------
    UnreadableFileError
        Naming ``name``: empty, or neither UTF-8 nor GB18030.

    Warns
    -----
    UnicodeWarning
        When the text is decoded as GB18030 (check it reads correctly).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, enc = raw[3:], "utf-8-sig"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise UnreadableFileError(f"{name}: starts with a UTF-8 byte-order mark but is not "
                                      f"UTF-8 (byte {err.start + 3})") from err
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise UnreadableFileError(f"{name}: starts with a UTF-16 byte-order mark but is not "
                                      f"UTF-16 (byte {err.start})") from err
    else:
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_err:
            text, enc = _decode_legacy(raw, name, utf8_err)
    if not text.strip(" \t\r\n\u3000\ufeff"):
        raise UnreadableFileError(f"{name}: file is empty")
    return text, enc


_PUA = re.compile("[\ue000-\uf8ff]")


def _decode_legacy(raw: bytes, name: str, utf8_err: UnicodeDecodeError) -> tuple[str, str]:
    """Bytes that are not UTF-8: GB18030 (simplified, mainland) or Big5 (traditional, Taiwan/Hong Kong).

    Big5 bytes nearly always decode as GB18030 too — as mojibake with private-use code points — so the
    choice is charset-normalizer's (limited to the two), checked by the private-use code points each
    decoding leaves; GB18030 when the evidence is even. Warns naming the encoding.
    """
    cands = {}
    for enc in ("gb18030", "big5"):
        try:
            cands[enc] = raw.decode(enc)
        except UnicodeDecodeError as err:
            cands.setdefault("_err_" + enc, err.start)
    if "gb18030" not in cands and "big5" not in cands:
        raise UnreadableFileError(
            f"{name}: cannot be decoded: not UTF-8 (byte {utf8_err.start}), not GB18030 "
            f"(byte {cands['_err_gb18030']}) and not Big5; save it as UTF-8 text")
    enc = "gb18030" if "gb18030" in cands else "big5"
    if "gb18030" in cands and "big5" in cands:
        import charset_normalizer

        best = charset_normalizer.from_bytes(raw, cp_isolation=["gb18030", "big5"]).best()
        guess = best.encoding if best is not None else "gb18030"
        pua = {e: len(_PUA.findall(cands[e])) for e in ("gb18030", "big5")}
        if guess == "big5" and pua["big5"] <= pua["gb18030"]:
            enc = "big5"
        elif pua["gb18030"] > pua["big5"] == 0:
            enc = "big5"   # private-use code points only in the GB18030 reading: Big5 mojibake
    if enc == "big5":
        warn_caller(f"{name}: not UTF-8; detected as Big5 (traditional characters) by charset-normalizer and "
                    f"decoded as Big5 — check it reads correctly, or save it as UTF-8 text", UnicodeWarning)
    else:
        warn_caller(f"{name}: not UTF-8; decoded as GB18030", UnicodeWarning)
    return cands[enc], enc


#: what a file's first bytes say it is (a file named .txt that is not text)
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (Word .doc, .xls or .wps)"),
)


def file_signature(raw: bytes) -> str | None:
    """What the first bytes of a file say it is (PNG, JPEG, GIF, TIFF, PDF, .docx/zip, old Office .doc), or None."""
    for sig, what in _SIGNATURES:
        if raw.startswith(sig):
            if what == "a zip archive":
                import io
                import zipfile
                try:
                    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                        if "word/document.xml" in zf.namelist():
                            return "a Word .docx file"
                except zipfile.BadZipFile:
                    pass
            return what
    return None


def read_text(path: Path, name: str | None = None) -> Document:
    """A ``.txt``/``.md`` file, decoded by :func:`decode_text`; text kept as it is otherwise."""
    name = name or str(path)
    raw = Path(path).read_bytes()
    what = file_signature(raw)
    if what is not None:
        fname = Path(path).name if " " not in Path(path).name else f'"{Path(path).name}"'
        if what in ("a Word .docx file", "a PDF"):   # read as what it is, said once
            reader, suf = (read_docx, ".docx") if what == "a Word .docx file" else (read_pdf, ".pdf")
            doc = reader(path, name)
            msg = f"{name}: {what} named {Path(path).suffix}, read as {suf}; rename it to {Path(path).stem}{suf}"
            warn_caller(msg)
            doc.notes.append(msg)
            return doc
        if "image" in what:
            hint = _OCR.format(file=fname)
        elif what.startswith("an old Office"):
            hint = "rename it to .doc and convert it: " + _SOFFICE.format(file=f"{Path(path).stem}.doc")
        else:
            hint = "extract it into the folder"
        raise UnreadableFileError(f"{name}: not text but {what} (its first bytes), named {Path(path).suffix} — {hint}")
    text, enc = decode_text(raw, name)
    return Document(text=standard_ideographs(text), encoding=enc, reader="text")


# --------------------------------------------------------------------------- .docx
_CN_D = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _cn_count(n: int, digits: str = _CN_D, ten: str = "十", hundred: str = "百") -> str:
    """Chinese counting numerals as Word writes them for numFmt chineseCounting: 十一, 二十, 一百零五."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20 and digits is _CN_D:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        head, r = digits[n // 100] + hundred, n % 100
        if r == 0:
            return head
        if r < 10:
            return head + "零" + digits[r]
        return head + digits[r // 10] + ten + (digits[r % 10] if r % 10 else "")
    head, r = digits[n // 1000] + "千", n % 1000
    if r == 0:
        return head
    sub = _cn_count(r, digits, ten, hundred)
    if 10 <= r < 20 and digits is _CN_D:
        sub = "一" + sub  # 一千零一十
    return head + ("零" if r < 100 else "") + sub


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + r, n - v
    return out


def _format_number(n: int, fmt: str) -> str | None:
    """A counter in one of Word's number formats (w:numFmt); None for a format not handled."""
    if fmt in ("decimal", "decimalHalfWidth"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital" if n < 10 else "_"):
        return _cn_count(n)
    if fmt == "ideographDigital":
        return "".join(_CN_D[int(c)] for c in str(n))
    if fmt == "chineseLegalSimplified":
        return _cn_count(n, _CN_LEGAL, "拾", "佰")
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return _TIANGAN[n - 1]
    if fmt in ("ideographZodiac",) and 1 <= n <= 12:
        return _DIZHI[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x245F + n)
    if fmt in ("decimalEnclosedParen",) and 1 <= n <= 20:
        return chr(0x2473 + n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("none", "bullet"):
        return ""
    return None


class _Numbering:
    """Word's automatic numbering (numbering part + styles), rendered as the text Word shows.

    python-docx exposes the numbering definitions (``numbering.xml``) but does not render them; this
    follows ISO/IEC 29500-1 §17.9: a paragraph's ``w:numPr`` (direct, else from its style chain) names
    a list instance (``w:num``) and level; the instance points to an abstract definition
    (``w:abstractNum``) whose level gives the start value, the number format (``w:numFmt``), the text
    (``w:lvlText``, e.g. ``第%1条``, ``%1、``, ``（%1）``, ``%1.%2``) and when it restarts
    (``w:lvlRestart``).

    Counting is as Word renders it:

    * counters run per **abstract definition**: every ``w:num`` instance of one ``w:abstractNum``
      continues the same sequence (a file with one ``w:num`` per chapter of one definition numbers
      its articles 第一条 … 第N条 straight through, it does not restart per chapter);
    * a ``w:num`` with ``w:lvlOverride/w:startOverride`` is a list of its own: its counters start at
      the override value and are not shared with the other instances;
    * a level restarts when a higher level is used (the default), when the level named by
      ``w:lvlRestart`` (1-based) or a higher one is used, and **never** when ``w:lvlRestart`` is 0
      (§17.9.11: "a value of 0 shall specify that this level shall never restart"); a value naming
      this level or a deeper one is ignored (the default applies).

    LibreOffice (checked with 7.4) restarts a multilevel ``第%1章``/``第%2条`` list with
    ``lvlRestart=0`` at every chapter, where Word does not; the rendering here, and the truth of the
    test fixture ``tests/fixtures/intake/numbering-multilevel.docx``, follow the standard and Word.
    """

    def __init__(self, doc):
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.ns import qn

        self.qn = qn
        self.doc = doc
        self.WD = WD_STYLE_TYPE
        self.abstract: dict[str, dict[int, tuple[int, str, str, str, int | None]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}  # per abstractNum, or per w:num with overrides
        self.styles: dict[str | None, tuple[str | None, int | None]] = {}
        self.unresolved = 0
        self.expanded = 0
        try:
            el = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            el = None
        if el is None:
            return
        v = lambda node, tag: (node.find(qn(tag)).get(qn("w:val"))  # noqa: E731
                               if node is not None and node.find(qn(tag)) is not None else None)
        for an in el.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                restart = v(lvl, "w:lvlRestart")
                levels[ilvl] = (int(v(lvl, "w:start") or 1), v(lvl, "w:numFmt") or "decimal",
                                v(lvl, "w:lvlText") or "", v(lvl, "w:suff") or "tab",
                                int(restart) if restart is not None and restart.lstrip("-").isdigit() else None)
            self.abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in el.findall(qn("w:num")):
            overrides = {}
            for o in num.findall(qn("w:lvlOverride")):
                so = v(o, "w:startOverride")
                if so is not None:
                    overrides[int(o.get(qn("w:ilvl"), "0"))] = int(so)
            self.nums[num.get(qn("w:numId"))] = (v(num, "w:abstractNumId"), overrides)

    def _style_numpr(self, sid: str | None) -> tuple[str | None, int | None]:
        if sid in self.styles:
            return self.styles[sid]
        qn = self.qn
        try:
            style = (self.doc.styles.get_by_id(sid, self.WD.PARAGRAPH) if sid
                     else self.doc.styles.default(self.WD.PARAGRAPH))
        except (KeyError, ValueError):
            style = None
        found: tuple[str | None, int | None] = (None, None)
        seen = 0
        while style is not None and seen < 10:
            sp = style.element.pPr
            npr = sp.find(qn("w:numPr")) if sp is not None else None
            if npr is not None:
                nid = npr.find(qn("w:numId"))
                il = npr.find(qn("w:ilvl"))
                found = (nid.get(qn("w:val")) if nid is not None else None,
                         int(il.get(qn("w:val"))) if il is not None else None)
                break
            style = style.base_style
            seen += 1
        self.styles[sid] = found
        return found

    def prefix(self, p_el) -> str | None:
        """The number Word shows before this paragraph ('' when none), None when it cannot be
        rendered (counted in ``unresolved``)."""
        qn = self.qn
        ppr = p_el.pPr
        num_id = ilvl = None
        if ppr is not None and ppr.find(qn("w:numPr")) is not None:
            npr = ppr.find(qn("w:numPr"))
            nid, il = npr.find(qn("w:numId")), npr.find(qn("w:ilvl"))
            num_id = nid.get(qn("w:val")) if nid is not None else None
            ilvl = int(il.get(qn("w:val"))) if il is not None else None
        if num_id is None:
            s_num, s_ilvl = self._style_numpr(ppr.style if ppr is not None else None)
            if s_num is None:
                return ""
            num_id, ilvl = s_num, ilvl if ilvl is not None else s_ilvl
        if num_id == "0":
            return ""  # numbering switched off for this paragraph
        ilvl = ilvl or 0
        if num_id not in self.nums or self.nums[num_id][0] not in self.abstract:
            self.unresolved += 1
            return None
        abs_id, overrides = self.nums[num_id]
        levels = self.abstract[abs_id]
        if ilvl not in levels:
            self.unresolved += 1
            return None
        # one sequence per abstract definition; a w:num with start overrides is a list of its own
        ctr = self.counters.setdefault(f"num:{num_id}" if overrides else f"abs:{abs_id}", [None] * 9)
        start = overrides.get(ilvl, levels[ilvl][0])
        ctr[ilvl] = start if ctr[ilvl] is None else ctr[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            r = levels[deeper][4] if deeper in levels else None
            if r == 0:
                continue  # lvlRestart=0: never restarts
            if r is None or r > deeper or ilvl < r:
                ctr[deeper] = None
        _, fmt, text, suff, _ = levels[ilvl]
        if fmt == "bullet":
            return ""
        out = text
        for k in range(1, 10):
            if f"%{k}" in out:
                lv = k - 1
                val = ctr[lv] if ctr[lv] is not None else levels.get(lv, (1,))[0]
                f = _format_number(val, levels.get(lv, (1, "decimal"))[1])
                if f is None:
                    self.unresolved += 1
                    return None
                out = out.replace(f"%{k}", f)
        if not out:
            return ""
        self.expanded += 1
        return out + ("" if suff == "nothing" else " ")


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % _W_NS
#: run containers whose text Word does not show: deleted text, the source of a move, and parts that
#: are not the paragraph's text (properties, field instructions, text boxes and drawings, ruby guides)
_DOCX_HIDDEN = frozenset(_W + t for t in (
    "del", "moveFrom", "delText", "delInstrText", "instrText", "pPr", "rPr", "sdtPr", "sdtEndPr",
    "smartTagPr", "customXmlPr", "drawing", "pict", "object", "rt", "footnoteReference",
    "endnoteReference", "commentReference")) | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
    "{urn:schemas-microsoft-com:vml}textbox"}


def _docx_paragraph_text(p_el) -> str:
    """The text Word shows for a ``w:p``, read from the XML.

    Every run container is entered: ``w:hyperlink``, tracked insertions (``w:ins``) and moves
    (``w:moveTo``), smart tags (``w:smartTag``, e.g. ``chsdate`` dates), content controls
    (``w:sdt``/``w:sdtContent``), inline custom XML (``w:customXml``), simple fields (``w:fldSimple``,
    whose cached result is the text) and the results of complex fields. Deleted text (``w:del``,
    ``w:delText``) and the source of a move (``w:moveFrom``) stay hidden; field instructions, text
    boxes, drawings and ruby guide text are not the paragraph's text. python-docx's
    ``Paragraph.text`` reads only direct runs and hyperlinks, so the text in ``w:ins``,
    ``w:smartTag``, ``w:sdt``, ``w:customXml`` and ``w:fldSimple`` would be lost.
    """
    out: list[str] = []

    def visit(el) -> None:
        for ch in el:
            tag = ch.tag
            if not isinstance(tag, str) or tag in _DOCX_HIDDEN:
                continue
            if tag == _W + "t":
                out.append(ch.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "sym":  # a symbol-font glyph (private-use code point): not text, as in python-docx
                continue
            else:
                visit(ch)

    visit(p_el)
    return "".join(out)


def read_docx(path: Path, name: str | None = None) -> Document:
    """A Word ``.docx``: body paragraphs and tables in document order.

    Each paragraph is one line; each table row one line with its cells separated by a tab (a
    merged cell once). Text is read from the XML (:func:`_docx_paragraph_text`): tracked insertions,
    smart tags, content controls, custom XML (block and inline), simple fields and hyperlinks are
    read; tracked deletions and moved-away text stay hidden. Headers, footers, footnotes, comments
    and text boxes are left out. Word's
    automatic numbering (``第一条``, ``一、``, ``（一）``, ``1.`` generated from numbering definitions,
    not typed) is rendered into the text (:class:`_Numbering`); ``notes`` says how many numbers.

    Warns
    -----
    UserWarning
        When a paragraph's automatic number cannot be rendered (a numbering definition missing,
        a number format not handled): the warning names the file and how to convert the numbers
        to text.
    """
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    name = name or str(path)
    try:
        d = docx.Document(str(path))
    except Exception as err:  # python-docx raises several types for a broken package
        raise UnreadableFileError(
            f"{name}: not a readable .docx ({type(err).__name__}: {err}); if it is an old Word "
            f"file renamed, convert it: {_SOFFICE.format(file=Path(path).name)}") from err
    lines: list[str] = []
    numbering = _Numbering(d)

    def paragraph(el) -> None:
        t = _docx_paragraph_text(el)
        pre = numbering.prefix(el)  # an empty numbered paragraph still takes its number, as in Word
        if t.strip():
            lines.append((pre or "") + t)

    def cell_text(tc) -> str:
        parts: list[str] = []

        def cells(parent) -> None:
            for el in parent.iterchildren():
                if el.tag == qn("w:p"):
                    parts.extend(_docx_paragraph_text(el).split("\n"))
                elif el.tag == qn("w:tbl"):
                    for tr in el.iter(qn("w:tc")):
                        cells(tr)
                elif el.tag in (qn("w:sdt"), qn("w:customXml")):
                    cells(el.find(qn("w:sdtContent")) if el.tag == qn("w:sdt") else el)

        cells(tc)
        return " ".join(x.strip() for x in parts if x.strip())

    def table(el) -> None:
        for row in Table(el, d).rows:
            cells, seen = [], set()
            for c in row.cells:
                if id(c._tc) in seen:
                    continue
                seen.add(id(c._tc))
                cells.append(cell_text(c._tc))
            if any(cells):
                lines.append("\t".join(cells))

    def walk(parent) -> None:
        if parent is None:
            return
        for el in parent.iterchildren():
            if el.tag == qn("w:p"):
                paragraph(el)
            elif el.tag == qn("w:tbl"):
                table(el)
            elif el.tag == qn("w:sdt"):  # block content control: walk its content
                walk(el.find(qn("w:sdtContent")))
            elif el.tag in (qn("w:customXml"), qn("w:ins"), qn("w:moveTo")):  # block custom XML, moves
                walk(el)

    walk(d.element.body)
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableFileError(f"{name}: the document body holds no text")
    notes = []
    if numbering.expanded:
        notes.append(f"{numbering.expanded} automatic number(s) rendered from Word's numbering")
    if numbering.unresolved:
        msg = (f"{name}: {numbering.unresolved} paragraph(s) use Word's automatic numbering that could "
               "not be rendered (definition missing or number format not handled): numbers Word "
               "shows there (第一条, 一、, （一）) are missing from the text. In Word, convert them to "
               "text (VBA: ActiveDocument.Range.ListFormat.ConvertNumbersToText) or save as .txt, and "
               "load again.")
        notes.append(msg)
        warn_caller(msg)
    return Document(text=standard_ideographs(text), encoding="docx", reader="docx", notes=notes)


# --------------------------------------------------------------------------- .pdf
_PAGE_NO_LINE = re.compile(
    r"[-—–－~～\s]*(?:[0-9]{1,4}|[ⅰ-ⅿⅠ-Ⅿ]+)[-—–－~～\s]*"
    r"|第\s*[0-9]{1,4}\s*页\s*(?:[,，/、]?\s*共\s*[0-9]{1,4}\s*页)?"
    r"|共\s*[0-9]{1,4}\s*页\s*第\s*[0-9]{1,4}\s*页"
    r"|[0-9]{1,4}\s*/\s*[0-9]{1,4}"
    r"|(?:Page|页码)\s*[:：]?\s*[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?", re.I)
_PRINT_HEADER = re.compile(r"(?:19|20)\d\d[/.\-年]\d{1,2}[/.\-月]\d{1,2}日?\s*(?:[上下]午)?\s*\d{1,2}:\d{2}")
_URL_FOOTER = re.compile(r"(?:https?://|www\.)\S+(?:\s+[0-9]{1,4}\s*/\s*[0-9]{1,4})?\s*")
_ZONE = 3  # lines at the top and bottom of a page that may be page furniture


def _furniture_key(line: str) -> str:
    return re.sub(r"[0-9]+", "#", re.sub(r"\s+", "", line))


def _strip_page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Remove page numbers, print headers, URL footers and lines repeated at page tops/bottoms —
    on at least half of all pages, or of the odd pages, or of the even pages (alternating running
    heads of a gazette). Returns the pages and the removed lines as ``(rule, line)``."""
    def zone(lines):
        idx = [i for i, ln in enumerate(lines) if ln.strip()]
        return set(idx[:_ZONE] + idx[-_ZONE:])

    zones = [zone(lines) for lines in pages]
    counts: list[dict[str, int]] = [{}, {}, {}]  # all pages, odd pages (1, 3, …), even pages
    for page_no, lines in enumerate(pages):
        for k in {_furniture_key(lines[i]) for i in zones[page_no]}:
            for c in (counts[0], counts[1 + page_no % 2]):
                c[k] = c.get(k, 0) + 1
    n_pages = len(pages)
    n_odd, n_even = (n_pages + 1) // 2, n_pages // 2
    repeated = {k for k, c in counts[0].items() if n_pages >= 2 and c >= 2 and c >= 0.5 * n_pages}
    by_parity = [{k for k, c in counts[1 + par].items() if c >= 2 and c >= 0.5 * n and k not in repeated}
                 for par, n in ((0, n_odd), (1, n_even))] if n_pages >= 4 else [set(), set()]
    out, removed, kept = [], [], set()
    for page_no, lines in enumerate(pages):
        z = zones[page_no]
        keep = []
        for i, ln in enumerate(lines):
            s = ln.strip()
            if i in z:
                rule = ("pdf:page-number" if _PAGE_NO_LINE.fullmatch(s) else
                        "pdf:print-header" if _PRINT_HEADER.match(s) else
                        "pdf:url-footer" if _URL_FOOTER.fullmatch(s) else None)
                if rule:
                    removed.append((rule, s))
                    continue
                k = _furniture_key(ln)
                if k in repeated:
                    on_even = counts[2].get(k, 0) >= max(1, 0.5 * n_even)
                    if page_no == 0 and k not in kept and not re.search(r"[0-9]", s) and on_even:
                        kept.add(k)      # first page: the document's own title, repeated as a
                        keep.append(ln)  # running title on the following pages — kept once
                        continue
                    removed.append(("pdf:running-head" if on_even else "pdf:running-head-odd", s))
                    continue
                if k in by_parity[page_no % 2]:
                    # a head of the odd (or even) pages only: a gazette's masthead or issue line,
                    # not the title (a title repeated as a running head is on every page)
                    removed.append((f"pdf:running-head-{'odd' if page_no % 2 == 0 else 'even'}", s))
                    continue
            keep.append(ln)
        out.append(keep)
    return out, removed


def read_pdf(path: Path, name: str | None = None) -> Document:
    """A PDF with a text layer: page furniture removed, hard-wrapped lines joined.

    Raises
    ------
    UnreadableFileError
        Naming the file: not a PDF / damaged, encrypted with a password, or no text layer
        (a scan: run OCR first).

    Warns
    -----
    UserWarning
        Naming the pages without text when some, not all, pages have none.
    """
    import pypdfium2 as pdfium

    name = name or str(path)
    fname = Path(path).name
    try:
        pdf = pdfium.PdfDocument(Path(path).read_bytes())
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise UnreadableFileError(f"{name}: the PDF is encrypted with a password; open it with "
                                      f"the password and print it to a new PDF, then load that") from err
        raise UnreadableFileError(f"{name}: not a readable PDF ({err})") from err
    try:
        raw_pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            raw_pages.append(tp.get_text_bounded())
            tp.close()
            page.close()
    finally:
        pdf.close()
    if not raw_pages:
        raise UnreadableFileError(f"{name}: the PDF has no pages")
    empty = [i + 1 for i, t in enumerate(raw_pages) if len(re.sub(r"\s", "", t)) < 5]
    if len(empty) == len(raw_pages):
        raise UnreadableFileError(
            f"{name}: no text layer on any of its {len(raw_pages)} page(s) — OCR is needed: "
            f"{_OCR.format(file=fname)}")
    notes = []
    if empty:
        msg = (f"{name}: page(s) {', '.join(map(str, empty))} of {len(raw_pages)} have no text layer "
               f"(scanned?); their text is missing — OCR them: {_OCR.format(file=fname)}")
        notes.append(msg)
        warn_caller(msg)
    pages = [standard_ideographs(t.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
             for t in raw_pages]
    source_chars = sum(_nonblank(t) for t in raw_pages)
    pages, removed = _strip_page_furniture(pages)
    if removed:
        notes.append(f"{len(removed)} page header/footer/number line(s) removed")
    text = "\n".join(ln.rstrip() for lines in pages for ln in lines if ln.strip())
    return Document(text=unwrap(text), encoding="pdf", reader="pdf", notes=notes, removed=removed,
                    source_chars=source_chars)


# --------------------------------------------------------------------------- .html
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BOILER_ATTR = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|position|location|share|bdshare|"
    r"bdsharebuttonbox|footer|foot|copyright|sidebar|side|related|toolbar|tools|print|header|"
    r"head|topbar|search|banner|ad|ads|qrcode|erweima|pager)(?:$|[\s_\-\d])", re.I)
_CONTENT_SELECTORS = ("#UCAP-CONTENT", ".pages_content", ".TRS_Editor", "#zoom", ".article-content",
                      ".article_content", ".content-text", "#js_content", ".rich_media_content", ".article",
                      "article", "#content", ".content", "main")
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
               "article", "blockquote", "pre", "dd", "dt", "ul", "ol", "center")


def _html_charset(raw: bytes) -> tuple[str, str | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "utf-16"
    m = _META_CHARSET.search(raw[:8192])
    if m:
        declared = m.group(1).decode("ascii").lower()
        if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            return "gb18030", declared
        return declared, declared
    return "", None


def read_html(path: Path, name: str | None = None) -> Document:
    """A web page saved from a browser: its main text and title (see the module docstring).

    Raises
    ------
    UnreadableFileError
        Naming the file: empty, undecodable in its declared charset, or no text found.
    """
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import Comment

    name = name or str(path)
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise UnreadableFileError(f"{name}: file is empty")
    codec, declared = _html_charset(raw)
    if codec:
        try:
            html = raw.decode(codec)
        except LookupError as err:
            raise UnreadableFileError(f"{name}: declares an unknown charset {declared!r}") from err
        except UnicodeDecodeError as err:
            raise UnreadableFileError(f"{name}: declares charset {declared!r} but is not "
                                      f"{declared} at byte {err.start}; re-save the page") from err
        enc = "utf-8" if codec == "utf-8-sig" else codec
    else:
        html, enc = decode_text(raw, name)
    soup = BeautifulSoup(html, "html.parser")
    title = None
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = re.sub(r"\s+", "", h1.get_text())
    elif soup.title and soup.title.get_text(strip=True):
        title = re.split(r"\s*(?:[_|｜]|\s[-—–]\s|-)\s*", soup.title.get_text().strip())[0].strip() or None
    # what a browser shows: no head, scripts, styles, templates, comments
    for el in soup(["script", "style", "noscript", "head", "template", "svg"]):
        el.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    body = soup.body or soup
    source_chars = _nonblank(body.get_text())
    removed: list[tuple[str, str]] = []

    def drop(el, rule: str) -> None:
        t = el.get_text(" ", strip=True)
        if t:
            removed.append((rule, t))
        el.decompose()

    # site furniture, decided by the DOM: navigation/header/footer elements, ids and classes
    for el in body(["nav", "header", "footer", "aside", "form", "iframe", "button", "select",
                    "input", "textarea"]):
        if not el.decomposed:
            drop(el, "html:nav-element")
    for el in body.find_all(True):
        if el.decomposed or el.attrs is None:
            continue
        attrs = " ".join([el.get("id") or ""] + list(el.get("class") or []))
        if attrs.strip() and _BOILER_ATTR.search(attrs) and el.name not in ("body", "html"):
            drop(el, "html:furniture-attr")
    main = _html_main(body)
    for s in list(body.find_all(string=True)):
        if isinstance(s, NavigableString):
            s.replace_with(re.sub(r"[ \t\r\n]+", " ", str(s)))
    for br in body.find_all("br"):
        br.replace_with("\n")
    for cell in body.find_all(["td", "th"]):
        cell.insert_after("\t")
    for el in body.find_all(_BLOCK_TAGS):
        el.insert_before("\n")
        el.insert_after("\n")
    lines = _html_lines(main.get_text())
    if main is not body:  # the page's lines outside the main text, in order
        left = {}
        for ln in lines:
            left[ln] = left.get(ln, 0) + 1
        for ln in _html_lines(body.get_text()):
            if left.get(ln):
                left[ln] -= 1
            else:
                removed.append(("html:outside-main", ln))
    text = standard_ideographs("\n".join(lines))
    title = standard_ideographs(title) if title else None
    if not text.strip():
        raise UnreadableFileError(f"{name}: no text found in the page's body")
    if title and not text.lstrip().startswith(title) and title not in text[:500]:
        text = title + "\n" + text
    notes = [f"charset {declared}" if declared else f"no charset declared; decoded as {enc}"]
    return Document(text=text, encoding=enc, reader="html", title=title, notes=notes,
                    removed=removed, source_chars=source_chars)


def _html_lines(text: str) -> list[str]:
    out = []
    for ln in text.split("\n"):
        s = ln.strip(" \t\u00a0").strip("\t")
        if s.strip(" \u3000\t"):
            out.append(s)
    return out


#: the main text, when no content selector matches, is the deepest element holding this share
#: of the page's remaining text (after site furniture is removed)
_MAIN_SHARE = 0.85


def _html_main(body):
    """The element holding the page's main text (see the module docstring): the first content
    selector that matches, else the deepest element holding :data:`_MAIN_SHARE` of the text left
    in the body. When that element is a layout table with one paragraph per row, its rows before
    the first and after the last row holding a ``<p>`` (title and date rows, print links) are
    left out."""
    for sel in _CONTENT_SELECTORS:
        main = body.select_one(sel)
        if main is not None and main.get_text(strip=True):
            return main
    size: dict[int, int] = {}
    for s in body.find_all(string=True):
        n = _nonblank(str(s))
        if not n:
            continue
        for anc in s.parents:
            size[id(anc)] = size.get(id(anc), 0) + n
            if anc is body:
                break
    total = size.get(id(body), 0)
    main = body
    if not total:
        return body
    while True:
        nxt = next((c for c in main.find_all(True, recursive=False)
                    if size.get(id(c), 0) >= _MAIN_SHARE * total), None)
        if nxt is None:
            break
        main = nxt
    if main.name in ("table", "tbody"):
        rows = [r for r in main.find_all("tr") if r.find_parent("table") is (main if main.name == "table"
                                                                           else main.find_parent("table"))]
        with_p = [i for i, r in enumerate(rows) if r.find("p")]
        if len(with_p) >= 3:
            for i, r in enumerate(rows):
                if i < with_p[0] or i > with_p[-1]:
                    r.decompose()
    return main




# --------------------------------------------------------------------------- dispatch
_READERS = {".txt": read_text, ".md": read_text, ".docx": read_docx, ".pdf": read_pdf,
            ".html": read_html, ".htm": read_html}


def read_document(path: Path | str, name: str | None = None) -> Document:
    """Read one file with the reader for its suffix.

    Parameters
    ----------
    path : path-like
        The file.
    name : str, optional
        How messages name the file (default: ``path`` as given).

    Returns
    -------
    Document

    Raises
    ------
    UnsupportedFileError
        For a suffix without a reader, naming the file and the command that converts it.
    UnreadableFileError
        For an empty, corrupt or image-only file, naming it and saying what to do.
    """
    p = Path(path)
    name = name or str(path)
    reader = _READERS.get(p.suffix.lower())
    if reader is None:
        raise UnsupportedFileError(f"{name}: {p.suffix or 'no suffix'} is not read — {conversion_hint(p)}")
    if p.stat().st_size == 0:
        raise UnreadableFileError(f"{name}: file is empty")
    doc = reader(p, name)
    if doc.source_chars is None:
        if doc.reader == "docx":
            doc.source_chars = docx_source_chars(p)
        elif doc.reader == "text":  # the decoded text: nothing is removed
            doc.source_chars = doc.kept_chars
    loss_check(doc, name)
    return doc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_source_chars(path: Path | str) -> int | None:
    """Non-blank characters of the ``w:t`` text of a Word file's body (``word/document.xml``) not
    inside ``w:del``: the text layer the loss check compares the reader's text with (Word's
    automatic numbers are not in it; headers, footers and notes live in other parts)."""
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return None
    n = 0
    for t in root.iter(_W + "t"):
        if t.text and not any(a.tag == _W + "del" for a in t.iterancestors()):
            n += _nonblank(t.text)
    return n
