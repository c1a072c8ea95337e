"""The project's policy-text corpora, as pandas tables of documents.

Corpora (names accepted by :func:`load_corpus` / :func:`load_clauses`)
--------------------------------------------------------------------
``"cited"``
    The 13 laws, regulations and policy documents the report cites and whose full text the
    project holds (:func:`cited_texts`; map in ``data/curated/cited_texts.csv``).
``"digest"``
    The report's own digest of the rules: the body paragraphs of chapter 三, each labelled with
    the rule line and category under which the report files it (:func:`digest_corpus`; labels in
    ``data/curated/digest_labels.csv``). The named principles are in :func:`digest_principles`.
``"collection"``
    The extended digital-policy collection (xvshiting/politic_analysis_paper_2025): 166 central and
    55 Shandong texts, cleaned, with duplicates and news items removed as recorded in
    ``data/curated/policy_collection_review.csv`` (:func:`policy_collection`).
``"national"``
    The LawRefBook national-law reference corpus (1,512 Markdown files), read straight from
    ``data/raw/lawrefbook-national.tar.xz`` (:func:`national_corpus`).
``"local"``
    1,911 local regulations of seven provinces, read straight from
    ``data/raw/lawrefbook-local.tar.xz`` (:func:`analysis.corpus.local.local_corpus`).
a folder
    Any folder of ``.txt``/``.md``/``.docx``/``.pdf``/``.html`` files (:func:`analysis.corpus.folders.load_folder`,
    readers in :mod:`analysis.corpus.readers`).

Every corpus table starts with the columns of :data:`analysis.corpus.table.CORPUS_COLUMNS`; ``text`` is exactly the
string that :func:`analysis.corpus.clauses.segment` offsets refer to (a whole file decoded, or a whole
spreadsheet cell, or a report paragraph as cleaned by :mod:`analysis.corpus.report_text`).
"""
from __future__ import annotations

import gc
import os
import re
import tarfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .clauses import CLAUSE_COLUMNS, _frame, segment_document
from .folders import load_folder
from .local import local_corpus
from .readers import warn_caller
from .report_text import parse_report
from .table import _WS, _finish, _rel
from ..paths import RAW_DIR, REPORT_TXT, ROOT
from ..tables import load_table

__all__ = [
    "CORPUS_NAMES",
    "POLICY_XLSX",
    "NATIONAL_TAR",
    "cited_texts",
    "digest_corpus",
    "digest_principles",
    "policy_collection",
    "policy_collection_raw",
    "national_corpus",
    "load_corpus",
    "load_clauses",
    "recover_title",
    "date_evidence",
]

CORPUS_NAMES = ("cited", "digest", "collection", "national", "local")
POLICY_XLSX = RAW_DIR / "xvshiting-policies" / "policies-data.xlsx"
STATE_COUNCIL_DATES = RAW_DIR / "policy-transparency-china" / "state-council-dates.xlsx"
NATIONAL_TAR = RAW_DIR / "lawrefbook-national.tar.xz"
SHEETS = {"Central Policies Table": "central", "ShanDong Policies Table": "shandong"}
EXCEL_CELL_LIMIT = 32767


def _curated(name: str) -> pd.DataFrame:
    """A curated table through the project's validating loader (raises DataError listing every problem)."""
    return load_table(name, typed=False)


# --------------------------------------------------------------------------- spreadsheet
@lru_cache(maxsize=4)
def _xlsx_rows(path: str, mtime_ns: int, size: int) -> dict[str, list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def _sheets(path: Path = POLICY_XLSX) -> dict[str, list[tuple]]:
    st = os.stat(path)
    return _xlsx_rows(str(path), st.st_mtime_ns, st.st_size)


# --------------------------------------------------------------------------- (a) cited texts
def _read_utf8(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{_rel(path)}: not UTF-8 at byte {err.start}") from err


def cited_texts() -> pd.DataFrame:
    """The full texts the report cites (13 documents), keyed by the project's fixed doc ids.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`CORPUS_COLUMNS` — ``doc_id``; ``title``; ``kind`` (law,
        administrative regulation, …); ``source_file`` (path relative to the repository);
        ``source_locator`` (``sheet 'Central Policies Table', row 57, No. 56`` for spreadsheet
        texts, ``whole file`` for Markdown); ``encoding`` (``utf-8``); ``text`` (the whole
        Markdown file decoded as UTF-8, or the whole spreadsheet cell); ``n_chars``; ``sha256``
        (of ``text`` encoded as UTF-8) — plus ``notes`` from ``data/curated/cited_texts.csv``.
        Sorted by ``doc_id``.

    Raises
    ------
    ValueError
        If a mapped file, sheet or row is missing, or a spreadsheet row's ``No.`` differs from
        the one recorded.
    """
    meta = _curated("cited_texts")
    rows = []
    for i, m in enumerate(meta.itertuples(index=False), start=2):
        src = ROOT / str(m.source_file)
        if not src.exists():
            raise ValueError(f"cited_texts.csv line {i}, source_file: {m.source_file} not found")
        if src.suffix == ".xlsx":
            sheet, row, no = str(m.sheet), int(m.row), int(m.policy_no)
            data = _sheets(src)
            if sheet not in data:
                raise ValueError(f"cited_texts.csv line {i}, sheet: {sheet!r} not in {m.source_file}")
            rec = data[sheet][row - 1]
            if rec[0] is None or int(rec[0]) != no:
                raise ValueError(f"cited_texts.csv line {i}, row: row {row} of {sheet!r} has "
                                 f"No. {rec[0]!r}, expected {no}")
            text = rec[5]
            locator = f"sheet '{sheet}', row {row}, No. {no}, column 'Policy Content'"
        else:
            text = _read_utf8(src)
            locator = "whole file"
        rows.append(dict(doc_id=m.doc_id, title=m.title, kind=m.kind, source_file=str(m.source_file),
                         source_locator=locator, encoding="utf-8", text=text,
                         notes=m.notes if not pd.isna(m.notes) else None))
    return _finish(rows, ["notes"]).sort_values("doc_id", ignore_index=True, kind="stable")


# --------------------------------------------------------------------------- (b) digest
_REPORT_DOC = "caict-digital-governance-report-2022"


def _report_paragraphs() -> pd.DataFrame:
    return parse_report().paragraphs


def _digest_labels() -> pd.DataFrame:
    return _curated("digest_labels")


def digest_corpus() -> pd.DataFrame:
    """The report's digest of the rules: body paragraphs of chapter 三, labelled.

    Each non-heading paragraph whose ``section_path`` starts with ``三`` is one document. Its
    rule line and category come from the most specific ``section`` row of
    ``data/curated/digest_labels.csv`` whose ``section_path`` is a prefix of the paragraph's
    (so 三/（二）/3 → 共性规则 / 数据治理; 三/（一） has neither).

    Returns
    -------
    pandas.DataFrame
        :data:`CORPUS_COLUMNS` (``doc_id`` = the paragraph's ``para_id``; ``title`` = the
        enclosing heading; ``kind`` = ``report paragraph``; ``source_locator`` = raw lines and
        printed page) plus ``para_id``, ``section_path``, ``page`` (Int64), ``rule_line``,
        ``category`` (string, <NA> where the report files the paragraph under neither).
    """
    paras = _report_paragraphs()
    labels = _digest_labels()
    sec = labels[labels["label_kind"] == "section"]
    lab = {str(r.section_path): (r.rule_line, r.category) for r in sec.itertuples(index=False)}
    body = paras[paras["section_path"].str.startswith("三") & ~paras["is_heading"].astype(bool)]
    rows = []
    for r in body.itertuples(index=False):
        sp = str(r.section_path)
        rl = cat = None
        parts = sp.split("/")
        for k in range(len(parts), 0, -1):
            key = "/".join(parts[:k])
            if key in lab:
                rl, cat = lab[key]
                break
        rows.append(dict(doc_id=r.para_id, title=r.heading, kind="report paragraph",
                         source_file=_rel(REPORT_TXT),
                         source_locator=f"lines {r.line_start}-{r.line_end}, page {r.page}",
                         encoding="utf-8", text=r.text, para_id=r.para_id, section_path=sp,
                         page=r.page, rule_line=None if pd.isna(rl) else rl,
                         category=None if pd.isna(cat) else cat))
    return _finish(rows, ["para_id", "section_path", "page", "rule_line", "category"])


def digest_principles() -> pd.DataFrame:
    """The named principles the report states in chapter 三, located in its paragraphs.

    Sets: ``internet-application-principles`` (六方面主要应用原则, 三/（三）/1),
    ``data-sharing-principles`` (政务数据共享的四项基本原则, 三/（二）/3),
    ``ai-governance-principles`` (人工智能治理的八大原则, 三/（三）/3) and
    ``blockchain-pilot-requirements`` (区块链试点应用…四点应用规范要求, 三/（三）/4).

    Returns
    -------
    pandas.DataFrame
        One row per item: ``label_id``, ``principle_set``, ``item_no`` (Int64), ``item``,
        ``rule_line``, ``category``, ``section_path``, ``para_id`` (paragraph holding the
        anchor), ``page`` (Int64, printed page of that paragraph), ``anchor`` (verbatim text),
        ``anchor_start``/``anchor_end`` (Int64 offsets of the anchor in the paragraph text),
        ``quote`` (the report's sentence announcing the set).

    Raises
    ------
    ValueError
        If an anchor is not found exactly once (a label no longer matches the parsed report).
    """
    paras = _report_paragraphs()
    labels = _digest_labels()
    pr = labels[labels["label_kind"] == "principle"]
    out = []
    for r in pr.itertuples(index=False):
        sec = paras[paras["section_path"] == r.section_path]
        cand = sec[sec["text"].str.contains(r.anchor, regex=False)]
        if len(cand) > 1:
            cand = cand[cand["text"].str.contains(r.quote, regex=False)]
        if len(cand) != 1:
            raise ValueError(f"digest_labels.csv {r.label_id}, anchor: {r.anchor!r} found in "
                             f"{len(cand)} paragraphs of {r.section_path}, expected 1")
        p = cand.iloc[0]
        a = p["text"].find(r.anchor)
        out.append(dict(label_id=r.label_id, principle_set=r.principle_set, item_no=int(r.item_no),
                        item=r.item, rule_line=r.rule_line, category=r.category,
                        section_path=r.section_path, para_id=p["para_id"], page=p["page"],
                        anchor=r.anchor, anchor_start=a, anchor_end=a + len(r.anchor),
                        quote=r.quote))
    df = pd.DataFrame(out)
    for c in ("item_no", "page", "anchor_start", "anchor_end"):
        df[c] = df[c].astype("Int64")
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("string")
    return df.sort_values(["principle_set", "item_no"], ignore_index=True, kind="stable")


# --------------------------------------------------------------------------- (c) collection
_TITLE_KEYS = ("规划", "方案", "意见", "通知", "办法", "指南", "规范", "规定", "要点", "纲要",
               "计划", "细则", "措施", "政策", "框架", "倡议", "清单", "目录", "公告", "函",
               "批复", "答复", "报告", "战略", "体系", "导则", "决定", "条例", "白皮书", "标准")
_GUANYU = re.compile(r"((?:[^\s。，,；：:、]{0,30})关于[^。；：:\n]{2,70}?的(?:通知|意见|指导意见|实施意见|"
                     r"函|复函|批复|公告|决定|答复|通报))")
_QUOTED = re.compile(r"制定(?:本|了)?《([^》\n]{4,60})》[。.]")


def recover_title(text: str) -> tuple[str | None, str | None]:
    """Recover a policy text's Chinese title from the text itself.

    Tried in order: the first non-blank line when it reads as a title (at most 60
    characters, no sentence punctuation, not an addressee ending in ：, and containing a
    document-type word such as 规划/方案/意见/通知/办法/指南); a ``…关于…的通知/意见/函…``
    phrase at the start of a first line of at most 80 characters; ``制定《…》。`` (the text
    naming itself at the end of a sentence) in the preamble (first 600 characters, before
    any ``一、``).

    Parameters
    ----------
    text : str
        The policy text.

    Returns
    -------
    (title, method) : tuple
        ``method`` is ``first_line``, ``guanyu_phrase`` or ``quoted_name``; both None when no
        title is found.
    """
    if not isinstance(text, str):
        return None, None
    first = None
    lines = [ln.strip(_WS) for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if lines:
        first = re.sub(r"[\s\u3000]+", "", lines[0])
        if (4 <= len(first) <= 60 and not re.search(r"[。，；：:！？]", first)
                and any(k in first for k in _TITLE_KEYS) and not re.match(r"^[0-9一二三四五六七八九十（(]", first)):
            return first, "first_line"
    if lines and len(first) <= 80:
        m = _GUANYU.match(first)
        if m and "《" not in m.group(1):
            return m.group(1), "guanyu_phrase"
    head = re.sub(r"[\s\u3000]+", "", text[:600])
    head = head.split("一、", 1)[0]  # the preamble only
    m = _QUOTED.search(head)
    if m:
        return m.group(1), "quoted_name"
    return None, None


def _norm_title(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return re.sub(r"[\s《》〈〉“”\"'（）()、，,·—\-的]+", "", s)


@lru_cache(maxsize=2)
def _state_council(path: str, mtime_ns: int) -> pd.DataFrame:
    rows = _xlsx_rows(path, mtime_ns, os.stat(path).st_size)
    recs = next(iter(rows.values()))
    df = pd.DataFrame(recs[1:], columns=recs[0])
    df = df[df["title"].notna()].copy()
    df["norm"] = df["title"].astype(str).map(_norm_title)
    return df


def _sc_lookup(title: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(sc_title, sc_url, iss, pub) for a unique State Council title match, else Nones."""
    if not title or len(_norm_title(title)) < 8:
        return None, None, None, None
    st = os.stat(STATE_COUNCIL_DATES)
    sc = _state_council(str(STATE_COUNCIL_DATES), st.st_mtime_ns)
    nt = _norm_title(title)
    hit = sc[sc["norm"] == nt]
    if len(hit) == 0:
        hit = sc[sc["norm"].str.contains(nt, regex=False)]
    if len(hit) != 1:
        return None, None, None, None
    h = hit.iloc[0]
    d = lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).date().isoformat()  # noqa: E731
    return str(h["title"]), str(h["url"]), d(h["iss"]), d(h["pub"])


_DOCNO_YEAR = re.compile(r"[〔\[［(（]((?:19|20)\d\d)[〕\]］)）]\s*\d+\s*号")
_ERA_MARKERS = (("党的二十大", 2022), ("二十届", 2023), ("十四五", 2020), ("党的十九大", 2017),
                ("十九届", 2017), ("十三五", 2015))


def date_evidence(text: str) -> tuple[int | None, str | None]:
    """Earliest year a text can have been written, from what it cites.

    Uses document numbers ``〔YYYY〕N号`` and era markers (党的二十大 → 2022, 十四五 → 2020,
    党的十九大 → 2017, 十三五 → 2015).

    Returns
    -------
    (year, evidence) : tuple
        The latest such year and the string that gives it; (None, None) when nothing is cited.
    """
    best, ev = None, None
    for m in _DOCNO_YEAR.finditer(text or ""):
        y = int(m.group(1))
        if best is None or y > best:
            best, ev = y, m.group(0)
    for marker, y in _ERA_MARKERS:
        if marker in (text or "") and (best is None or y > best):
            best, ev = y, marker
    return best, ev


_SIGNED = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")


def _signed_date(text: str) -> str | None:
    """Date in the last 90 non-blank characters of a text (a signature), ISO form."""
    tail = re.sub(r"[\s\u3000]+", "", text or "")[-90:]
    m = list(_SIGNED.finditer(tail))
    if not m:
        return None
    y, mo, d = (int(g) for g in m[-1].groups())
    try:
        return pd.Timestamp(year=y, month=mo, day=d).date().isoformat()
    except ValueError:
        return None


def policy_collection_raw() -> pd.DataFrame:
    """All 221 rows of the policy spreadsheet, uncleaned, with recovered titles and date checks.

    Returns
    -------
    pandas.DataFrame
        One row per spreadsheet row with a ``No.``: ``coll_id`` (``central-056``,
        ``shandong-012``), ``sheet``, ``row`` (Excel row, Int64), ``policy_no`` (Int64),
        ``release_date`` (ISO date as given), ``source_url``, ``department_en``, ``title_en``,
        ``title_zh`` (recovered, <NA> if the text does not carry it), ``title_method``, ``text``,
        ``n_chars`` (Int64), ``truncated`` (boolean: exactly 32,767 characters, Excel's cell
        limit, so the text is incomplete), ``sc_title``/``sc_url``/``sc_date_written``/
        ``sc_date_published`` (State Council metadata matched by title, <NA> if no unique
        match), ``signed_date`` (a date in the last 90 characters, usually the signature; an
        expiry date also matches), ``cited_year``/``cited_evidence`` (see
        :func:`date_evidence`), ``date_reliable`` (boolean: False when the State Council date
        differs, the text cites a later year, or it is signed two or more years before the
        Release Time) and ``date_note``. ``title_method`` is ``first_line``,
        ``guanyu_phrase``, ``quoted_name``, ``cited_texts.csv`` (rows mapped in
        data/curated/cited_texts.csv) or <NA>.
    """
    data = _sheets(POLICY_XLSX)
    meta = _curated("cited_texts")
    cited = {(str(m.sheet), int(m.row)): str(m.title) for m in meta.itertuples(index=False)
             if not pd.isna(m.row)}
    rows = []
    for sheet, short in SHEETS.items():
        recs = data[sheet]
        for i, r in enumerate(recs[1:], start=2):
            if r[0] is None:
                if any(v is not None for v in r[:6]):
                    raise ValueError(f"{_rel(POLICY_XLSX)}, sheet {sheet!r}, row {i}: values "
                                     "without a No.")
                continue
            no = int(r[0])
            text = r[5] if isinstance(r[5], str) else ("" if r[5] is None else str(r[5]))
            rel = pd.Timestamp(r[1]).date().isoformat() if r[1] is not None else None
            title, how = recover_title(text)
            if title is None and (sheet, i) in cited:
                title, how = cited[(sheet, i)], "cited_texts.csv"
            sc_title, sc_url, iss, pub = _sc_lookup(title)
            year, ev = date_evidence(text)
            reliable, note = True, None
            ry = int(rel[:4]) if rel else None
            if iss is not None:
                if iss == rel:
                    note = "release date equals State Council 成文日期"
                elif pub == rel:
                    note = "release date equals State Council 发布日期"
                else:
                    reliable = False
                    note = f"State Council gives 成文 {iss}, 发布 {pub}"
            if ry is not None and year is not None and year > ry:
                reliable = False
                note = (note + "; " if note else "") + f"text cites {ev} (≥{year}), after release year {ry}"
            signed = _signed_date(text)
            if ry is not None and signed is not None and 1990 <= int(signed[:4]) <= ry - 2:
                reliable = False
                note = (note + "; " if note else "") + f"text signed {signed}, years before release year {ry}"
            rows.append(dict(coll_id=f"{short}-{no:03d}", sheet=sheet, row=i, policy_no=no,
                             release_date=rel, source_url=(r[2] or "").strip() or None,
                             department_en=(r[3] or "").strip() or None,
                             title_en=(r[4] or "").strip() or None, title_zh=title,
                             title_method=how, text=text, n_chars=len(text),
                             truncated=len(text) == EXCEL_CELL_LIMIT, sc_title=sc_title,
                             sc_url=sc_url, sc_date_written=iss, sc_date_published=pub,
                             signed_date=signed,
                             cited_year=year, cited_evidence=ev, date_reliable=reliable,
                             date_note=note))
    df = pd.DataFrame(rows)
    for c in ("row", "policy_no", "n_chars", "cited_year"):
        df[c] = df[c].astype("Int64")
    for c in ("truncated", "date_reliable"):
        df[c] = df[c].astype("boolean")
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("string")
    return df


def _review() -> pd.DataFrame:
    return _curated("policy_collection_review")


def policy_collection(include_dropped: bool = False) -> pd.DataFrame:
    """The cleaned extended digital-policy collection.

    Parameters
    ----------
    include_dropped : bool, default False
        Keep the rows the review drops (duplicates, news items), with their ``decision``.

    Returns
    -------
    pandas.DataFrame
        :data:`CORPUS_COLUMNS` (``doc_id`` = ``coll_id``; ``title`` = recovered Chinese title,
        <NA> where the text does not carry one; ``kind`` = ``central policy`` / ``Shandong
        policy``; ``source_locator`` = sheet, row and No.) followed by the columns of
        :func:`policy_collection_raw` (without ``text``/``n_chars``) and the review's
        ``decision``, ``duplicate_of`` and ``reason``; ``date_reliable`` is also False for the
        rows the review flags (``date_flag`` = unreliable, reason appended to ``date_note``).
        Sorted by ``doc_id``.

    Raises
    ------
    ValueError
        If the review file does not cover every spreadsheet row exactly once.
    """
    raw = policy_collection_raw()
    rev = _review()
    ids = set(raw["coll_id"])
    rid = list(rev["coll_id"])
    missing = sorted(ids - set(rid))
    extra = sorted(set(rid) - ids)
    dup = sorted({x for x in rid if rid.count(x) > 1})
    if missing or extra or dup:
        raise ValueError(f"policy_collection_review.csv does not match the spreadsheet: missing "
                         f"{missing[:5]}, unknown {extra[:5]}, repeated {dup[:5]}")
    df = raw.merge(rev[["coll_id", "decision", "duplicate_of", "reason", "date_flag",
                        "date_reason"]], on="coll_id", how="left", validate="one_to_one")
    hand = df["date_flag"].fillna("") == "unreliable"
    df.loc[hand, "date_reliable"] = False
    df.loc[hand, "date_note"] = [
        (f"{n}; " if isinstance(n, str) and n else "") + f"review: {w}"
        for n, w in zip(df.loc[hand, "date_note"], df.loc[hand, "date_reason"])]
    df = df.drop(columns=["date_flag", "date_reason"])
    if not include_dropped:
        df = df[df["decision"] == "keep"]
    rows = []
    for r in df.itertuples(index=False):
        rows.append(dict(doc_id=r.coll_id, title=r.title_zh if not pd.isna(r.title_zh) else None,
                         kind=("central policy" if r.sheet.startswith("Central") else "Shandong policy"),
                         source_file=_rel(POLICY_XLSX),
                         source_locator=f"sheet '{r.sheet}', row {r.row}, No. {r.policy_no}, column 'Policy Content'",
                         encoding="utf-8", text=r.text))
    base = _finish(rows)
    meta = df.drop(columns=["text", "n_chars"]).reset_index(drop=True)
    out = pd.concat([base, meta], axis=1)
    return out.sort_values("doc_id", ignore_index=True, kind="stable")


# --------------------------------------------------------------------------- (d) national
@lru_cache(maxsize=2)
def _national(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, str], ...]:
    out = []
    with tarfile.open(path, "r:xz") as tf:
        for m in tf:
            if not m.isfile() or not m.name.endswith(".md"):
                continue
            raw = tf.extractfile(m).read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise ValueError(f"{path}: member {m.name} is not UTF-8 (byte {err.start})") from err
            out.append((m.name, text))
    out.sort()
    return tuple(out)


def national_corpus(path: Path | str = NATIONAL_TAR) -> pd.DataFrame:
    """The LawRefBook national-law corpus, read lazily from the ``.tar.xz`` (no extraction).

    The archive is decompressed once per process (about 0.3 s) and cached in memory.

    Parameters
    ----------
    path : path-like, default ``data/raw/lawrefbook-national.tar.xz``

    Returns
    -------
    pandas.DataFrame
        :data:`CORPUS_COLUMNS` plus ``category`` (the repository folder: 行政法, 行政法规,
        司法解释, 部门规章, …) and ``version_date`` (the ``(YYYY-MM-DD)`` of the file name, <NA>
        if absent). ``doc_id`` is the member path below ``lawrefbook-national/`` without
        ``.md`` (e.g. ``行政法/数据安全法(2021-06-10)``); ``title`` is the file's ``# `` line.
        Sorted by ``doc_id``.
    """
    p = Path(path)
    st = os.stat(p)
    members = _national(str(p), st.st_mtime_ns, st.st_size)
    rows = []
    for name, text in members:
        rel = name.split("/", 1)[1] if name.startswith("lawrefbook-national/") else name
        doc_id = rel[:-3]
        category = rel.split("/", 1)[0] if "/" in rel else None
        first = next((ln for ln in text.split("\n") if ln.startswith("# ")), None)
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)$", doc_id)
        rows.append(dict(doc_id=doc_id, title=first[2:].strip() if first else None,
                         kind="national law corpus", source_file=_rel(p),
                         source_locator=f"member {name}", encoding="utf-8", text=text,
                         category=category, version_date=m.group(1) if m else None))
    return _finish(rows, ["category", "version_date"]).sort_values("doc_id", ignore_index=True, kind="stable")


# --------------------------------------------------------------------------- dispatch
def load_corpus(path_or_name: str | os.PathLike, metadata_csv: str | os.PathLike | None = None,
                skip_unsupported: bool = False, skip_unreadable: bool = False) -> pd.DataFrame:
    """Load a corpus by name (``cited``, ``digest``, ``collection``, ``national``, ``local``) or folder.

    Parameters
    ----------
    path_or_name : str or path-like
        A corpus name or a folder of documents (``.txt``/``.md``/``.docx``/``.pdf``/``.html``).
    metadata_csv : path-like, optional
        For a folder only: see :func:`load_folder`.
    skip_unsupported, skip_unreadable : bool, default False
        For a folder only: see :func:`load_folder`.

    Returns
    -------
    pandas.DataFrame
        :data:`CORPUS_COLUMNS` first, then corpus-specific columns.
    """
    name = str(path_or_name)
    if name in CORPUS_NAMES and not Path(name).is_dir():
        if metadata_csv is not None:
            raise ValueError(f"metadata_csv applies to folders, not to the {name!r} corpus")
        if name == "local":
            return local_corpus()
        return {"cited": cited_texts, "digest": digest_corpus, "collection": policy_collection,
                "national": national_corpus}[name]()
    return load_folder(path_or_name, metadata_csv, skip_unsupported=skip_unsupported,
                       skip_unreadable=skip_unreadable)


#: a clause longer than this (characters) is reported by :func:`load_clauses` for user texts
LONG_CLAUSE = 2000
#: a clause holding this many article labels in label position (after a sentence end, not a cross-reference)
#: is reported whatever its length: articles that ran together (none of the 144,756 national-corpus clauses
#: holds two; the flattened interpretation of issue 19 held 13 in 1,302 characters)
RUN_TOGETHER = 2
_ARTICLE_MARK = re.compile(r"第[零〇○一二两三四五六七八九十百千0-9]+条")
_LABEL_MARK = re.compile(r"[。；！？]第[零〇○一二两三四五六七八九十百千0-9]+条(?![的至、，,和或及所中规第之款项内起以前后])")


def _clause_warnings(corpus: pd.DataFrame, clauses: list[tuple]) -> None:
    """Warn about user texts whose structure was not found (see :func:`load_clauses`)."""
    user = set(corpus.loc[corpus["kind"] == "user text", "doc_id"].astype(str))
    if not user:
        return
    fell_back, long = {}, []
    by_doc: dict[str, list[tuple]] = {}
    for r in clauses:
        if r[0] in user:
            by_doc.setdefault(r[0], []).append(r)
    texts = dict(zip(corpus["doc_id"].astype(str), corpus["text"]))
    for d, rows in by_doc.items():
        if all(r[4] == "sentence" for r in rows):
            marks = _ARTICLE_MARK.findall(str(texts[d]))
            if marks:
                fell_back[d] = marks
        for r in rows:
            held = len(_LABEL_MARK.findall(str(r[8]))) if r[4] != "sentence" else 0
            if r[11] > LONG_CLAUSE or held >= RUN_TOGETHER:
                inside = f", {held} article labels inside" if held >= RUN_TOGETHER else ""
                long.append(f"{r[1]} ({r[11]:,} characters{inside})")
    if fell_back:
        warn_caller("clauses are sentences, although the text contains 第…条 markers, for: "
                    + "; ".join(f"{d} ({len(m)} markers, first {m[0]})" for d, m in fell_back.items())
                    + ". No line starts with an article and no running sequence 第一条, 第二条, … "
                      "was found; check the file (a scan, a table, a lost line break before each "
                      "article?) and put each article on its own line.")
    if long:
        warn_caller(f"{len(long)} clause(s) longer than {LONG_CLAUSE:,} characters or holding "
                    f"{RUN_TOGETHER}+ article labels (structure probably not found): "
                    + "; ".join(long[:10]) + ("; …" if len(long) > 10 else ""))


def load_clauses(path_or_name: str | os.PathLike | pd.DataFrame,
                 metadata_csv: str | os.PathLike | None = None,
                 skip_unsupported: bool = False, skip_unreadable: bool = False) -> pd.DataFrame:
    """Segment every document of a corpus into clauses (see :func:`analysis.corpus.clauses.segment`).

    Parameters
    ----------
    path_or_name : str, path-like or DataFrame
        A corpus name, a folder, or a corpus table with ``doc_id`` and ``text``.
    metadata_csv, skip_unsupported, skip_unreadable
        Passed to :func:`load_corpus` for folders.

    Returns
    -------
    pandas.DataFrame
        :data:`analysis.corpus.clauses.CLAUSE_COLUMNS`, documents in corpus order, clauses in document
        order; ``start``/``end`` index the corpus table's ``text`` of the same ``doc_id``.

    Warns
    -----
    UserWarning
        For the user's own texts (``kind`` = ``user text``, i.e. loaded from a folder), pointing
        at the caller's line: a document whose clauses fell back to sentences although it
        contains ``第…条`` markers, and clauses longer than :data:`LONG_CLAUSE` characters or holding
        :data:`RUN_TOGETHER` or more article labels after sentence ends (articles run together). The
        project's named corpora are checked by their tests instead.
    """
    corpus = path_or_name if isinstance(path_or_name, pd.DataFrame) else load_corpus(
        path_or_name, metadata_csv, skip_unsupported=skip_unsupported, skip_unreadable=skip_unreadable)

    rows: list[tuple] = []
    # the cyclic garbage collector only slows this down (no reference cycles are created, but
    # millions of tracked tuples make full collections quadratic in corpus size)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
            c, _ = segment_document(str(text), str(doc_id))
            rows.extend(c)
        if "kind" in corpus.columns:
            _clause_warnings(corpus, rows)
        return _frame(rows, CLAUSE_COLUMNS)
    finally:
        if was_enabled:
            gc.enable()
