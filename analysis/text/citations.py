"""Citations between legal texts: every 《…》 reference of a corpus, its context and the document it names.

:func:`extract_citations` reads a corpus's clause table (:func:`analysis.corpus.corpora.load_clauses`; corpora
``national``, ``local``, ``cited``, ``collection`` or a user's folder) and returns one row per reference — the
citing ``doc_id`` and clause ``path``, the offsets of the reference in the document's ``text``, the title as
written and its **context kind**:

``legal_basis``
    the reference stands between 根据 or 依据 and 制定 in one sentence (``根据《中华人民共和国数据安全法》…等法律、
    行政法规，结合本市实际，制定本条例``) in the first three articles of a text with articles, or in its
    preamble (clauses before the first article, or before the first numbered division of a policy text);
``penalty_referral``
    ``依照/按照/依据《…》(第…条)(的)(有关)规定(予以/给予…)处罚/处理/追究`` in one sentence;
``other``
    every other reference (a 根据…制定 outside the first articles is ``other``: it is a power to make rules,
    not this text's legal basis).

:func:`resolve_citations` names the cited document in the package's corpora (national first, then local,
cited, collection) and, for national and local texts held in several versions, **the version in force at the
citing text's date** (:func:`citing_dates`): the held version with the latest ``version_date`` on or before
that date. The resolution is one of

``resolved``
    ``cited_doc`` is the version in force (for the civil code, filed as eight parts without dates, the parts);
``version not in corpus``
    the title is held, but the version in force at the citing date is not: the citing date precedes every held
    version, or an amendment the held text's promulgation lines record (:func:`analysis.corpus.local.date_events`)
    falls between the held version and the citing date;
``repealed``
    the title is not held and a text of the corpora says it was repealed (``《…》同时废止``): ``reason`` names
    the repealing text and its date (:func:`repeal_table`);
``not in corpus``
    no text of the corpora carries the title;
``ambiguous``
    the normalised title names more than one distinct document.

Title normalisation (:func:`title_key`, applied to the written title and to every corpus title alike): NFKC
(full-width ↔ half-width brackets and letters), whitespace and quotation marks dropped, nested 〈…〉, <…> and
《…》 brackets dropped, every ``中华人民共和国`` dropped. Before the lookup, per reference
(column ``normalisation``): an abbreviation defined in the same document (``《X》（以下简称《Y》）`` or
``（以下简称Y）``; later ``《Y》`` are read as ``《X》``, and later bare uses of ``Y`` when it ends as a law's
name does — 法, 条例, 规定, 办法, 细则 … — are extracted as references of ``form`` ``abbreviation``); an issuer
written before the brackets (``国务院《物业管理条例》``, ``全国人民代表大会常务委员会《关于…的决定》``: the title
is looked up without and then with the issuer); a pre-amendment name (:data:`RENAMED`, which is empty: no
text of the corpora states that a national law or regulation was renamed — searched for 名称修改为,
更名为, 原名 and for amending decisions naming a title other than the text's own; see the tests).

Dates (:func:`citing_dates`). The text of a local regulation in LawRefBook is its consolidated text as of its
last amendment: its references are the ones the legislature left or wrote at that amendment, so the citing
date is ``last_amended`` (the latest amending event of the promulgation lines), else ``adopted``, else the file
name's ``version_date``, else the database's ``db_publish`` — and the file name's ``version_date`` when it is later
than the date so found (a newer version whose promulgation lines were not updated, e.g.
``上海/上海市人民代表大会常务委员会规范性文件备案审查条例(2024-11-28)``, whose lines stop at its 2021 adoption). A national text: the file name's version date,
else the latest date of its promulgation lines. Cited texts: ``data/curated/documents.csv``'s publication
date, else its date of writing; collection: ``release_date``; a folder: the dates the text prints
(``date_promulgated``, ``date_adopted``, ``date_issued``, ``date_written``). A national version is "in force"
from its version date (the date of the amending decision the file name carries, which is usually a few days
or months before it takes effect): a text dated in between is taken to cite the new text.

The citation table for ``data/processed`` (:func:`build_citation_tables`), its Gephi network
(:func:`citation_graph`), the seeded evaluation draw (:func:`draw_evaluation_set`, :data:`GOLD_SEED`), the
labeller's packets (:func:`write_packets`) and the scorer (:func:`score_labels`) are here too; the guide is
``data/curated/citation_labelling_guide.md``.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus.clauses import cn_to_int

__all__ = ["KINDS", "RESOLUTIONS", "RENAMED", "GOLD_SEED", "CITATION_COLUMNS", "title_key", "extract_citations",
           "citing_dates", "repeal_table", "CitationIndex", "citation_index", "resolve_citations",
           "corpus_citations", "build_citation_tables", "citation_graph", "draw_evaluation_set",
           "candidate_documents", "write_packets", "score_labels", "final_citation_labels", "evaluate_citations",
           "gold_outcomes", "weighted_evaluation", "cites_vs_restates"]

KINDS = ("legal_basis", "penalty_referral", "other")
RESOLUTIONS = ("resolved", "version not in corpus", "repealed", "not in corpus", "ambiguous")
#: pre-amendment names → current names of national texts. Empty: no text of the package's corpora states a
#: renaming (see the module docstring); an entry is added only with the text that states it.
RENAMED: dict[str, str] = {}
GOLD_SEED = 20261207
#: corpora searched for the cited document, in this order
RESOLVE_ORDER = ("national", "local", "cited", "collection")

CITATION_COLUMNS = ["corpus", "doc_id", "path", "start", "end", "form", "title_written", "title_as_read",
                    "normalisation", "kind", "citing_date", "citing_date_source", "resolution", "cited_corpus",
                    "cited_title", "cited_doc", "cited_version_date", "n_versions", "reason"]

# --------------------------------------------------------------------------- titles
_NESTED = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》)*)》")
_DROP = re.compile(r"[\s\u3000\u200b《》〈〉<>“”‘’\"'「」『』]")
_PRC = "中华人民共和国"
_DOCNO = re.compile(r"\([^()]*[〔\[]\s*\d{4}\s*[〕\]][^()]*号\s*\)$")   # a document number at the end: (国发〔2017〕35 号)
_ISSUERS = ("全国人民代表大会常务委员会", "全国人大常委会", "国务院办公厅", "国务院", "最高人民法院、最高人民检察院",
            "最高人民法院", "最高人民检察院", "中共中央办公厅、国务院办公厅", "中共中央、国务院")
_ISSUER_FULL = {"全国人大常委会": "全国人民代表大会常务委员会"}
_ISSUER_BEFORE = re.compile("(" + "|".join(map(re.escape, _ISSUERS)) + r")$")
_LAW_END = re.compile(r"(法|条例|规定|办法|细则|决定|规则|解释|纲要|规划|方案|意见|通知|法典)$")


def title_key(title: str) -> str:
    """The lookup key of a title: NFKC, whitespace, quotation marks and every bracket (《》〈〉<>) dropped,
    and every 中华人民共和国 dropped — ``《中华人民共和国数据安全法》`` and ``数据安全法`` give one key,
    ``最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释`` and ``最高人民法院关于适用《民事诉讼法》的解释`` another;
    a document number closing the title is dropped (``新一代人工智能发展规划（国发〔2017〕35 号）``)."""
    s = unicodedata.normalize("NFKC", str(title))
    s = _DOCNO.sub("", s)
    s = _DROP.sub("", s)
    return s.replace(_PRC, "")


# --------------------------------------------------------------------------- context
_SENT_END = re.compile(r"[。；;！？!?\n]")
_BASIS = re.compile(r"根据|依据")
_MAKE = re.compile(r"制定")
_ARTICLE = re.compile(r"^第([零〇○一二两三四五六七八九十百千0-9]+)条")
_PARAGRAPH = re.compile(r"^第\d+[段句]$")
_BETWEEN = re.compile(r"^\s*(?:[（(][^（）()\n]{0,40}[）)]\s*)?$")
_ABBR = re.compile(r"[（(]\s*以下简称\s*(?:为)?\s*(?:《([^《》\n]{1,40})》|[“\"]([^”\"\n]{1,30})[”\"]|([^（）()，,。；;\s]{1,30}))\s*[）)]")


def _sentence(text: str, a: int, b: int) -> tuple[int, int]:
    s = 0
    for m in _SENT_END.finditer(text, 0, a):
        s = m.end()
    m = _SENT_END.search(text, b)
    return s, (m.start() if m else len(text))


def _first_part(paths: pd.Series, orders: pd.Series) -> np.ndarray:
    """Whether each clause of one document is in its first three articles or its preamble."""
    parts = [str(p).split("/") for p in paths]
    arts = []
    numbered = []
    for comps in parts:
        n = None
        for c in comps:
            m = _ARTICLE.match(c)
            if m:
                n = cn_to_int(m.group(1))
                break
        arts.append(n)
        numbered.append(any(not _PARAGRAPH.match(c) for c in comps))
    has_articles = any(a is not None for a in arts)
    order = np.asarray(orders, dtype=np.int64)
    if has_articles:
        first_art = min(o for o, a in zip(order, arts) if a is not None)
        return np.array([(a is not None and a <= 3) or (a is None and o < first_art) for a, o in zip(arts, order)])
    first_num = min((o for o, n in zip(order, numbered) if n), default=None)
    if first_num is None:   # no numbered division at all: the first three paragraphs or sentences
        return order <= order.min() + 2
    return order < first_num


_TITLE_IN = re.compile(r"《(?:[^《》\n]|《[^《》\n]*》)*》")
_VERB = re.compile(r"依照|按照|依据")
_AFTER = re.compile(r"^(?:[、和及与或以]|[（(][^）)\n]{0,40}[）)]|\uE000)*[^。；;\uE000]{0,40}?规定[^。；;]{0,8}?(?:处罚|处理|追究)")


def context_kind(clause_text: str, start: int, end: int, first_part: bool) -> str:
    """Context kind of the reference at ``clause_text[start:end]`` (see the module docstring).

    ``legal_basis``: in the first part, 根据/依据 before it and 制定 after it in its sentence.
    ``penalty_referral``: 依照/按照/依据 before it with at most 14 other characters between (other titles not
    counted: ``依照国务院《…》``, ``依照《A》、《B》``), and after it, past other titles and parentheses, 规定 within
    40 characters and 处罚/处理/追究 within 8 more, in its sentence."""
    s, e = _sentence(clause_text, start, end)
    sent = clause_text[s:e]
    a, b = start - s, end - s
    if first_part and _BASIS.search(sent, 0, a) and _MAKE.search(sent, b):
        return "legal_basis"
    verbs = list(_VERB.finditer(sent, 0, a))
    if verbs:
        between = _TITLE_IN.sub("", sent[verbs[-1].end():a])
        if len(between) <= 14 and not re.search(r"[，,。；;]", between):
            after = _TITLE_IN.sub("\uE000", sent[b:])
            if _AFTER.match(after):
                return "penalty_referral"
    return "other"


# --------------------------------------------------------------------------- extraction
def extract_citations(clauses: pd.DataFrame, corpus: str = "folder") -> pd.DataFrame:
    """Every 《…》 reference of a clause table, with its context kind (no resolution).

    Parameters
    ----------
    clauses : DataFrame
        :func:`analysis.corpus.corpora.load_clauses` output (``doc_id``, ``path``, ``order``, ``text``,
        ``start``), documents in corpus order.
    corpus : str
        Name written in the ``corpus`` column.

    Returns
    -------
    DataFrame
        ``corpus``, ``doc_id``, ``path``, ``start``/``end`` (offsets of the reference, brackets included, in
        the corpus table's ``text``), ``form`` (``brackets``, or ``abbreviation`` for a bare use of an
        abbreviation defined by 以下简称), ``title_written`` (inside the outer brackets, as written),
        ``title_as_read`` (the title looked up: the defined full title for an abbreviation), ``normalisation``
        (``;``-separated steps that apply: ``prefix`` 中华人民共和国 dropped, ``nested`` inner brackets
        dropped, ``width`` NFKC changed the title, ``abbreviation``, ``issuer:<name>`` an issuer written
        before the brackets), ``kind`` (:data:`KINDS`). Definitions of an abbreviation (the ``《Y》`` of
        ``（以下简称《Y》）``) are not references. Sorted by document (corpus order) and offset.
    """
    rows = []
    doc_order = {d: i for i, d in enumerate(pd.unique(clauses["doc_id"]))}
    sub = clauses[clauses["text"].str.contains("《|以下简称", regex=True, na=False)]
    want = set(sub["doc_id"])
    sub_all = clauses[clauses["doc_id"].isin(want)]
    cols = {c: sub_all[c].tolist() for c in ("doc_id", "path", "order", "text", "start")}
    # clauses come in document order: one run of rows per document (plain lists, no pandas grouping per document)
    runs = [(k, [i for i, _ in g]) for k, g in itertools.groupby(enumerate(cols["doc_id"]), key=lambda x: x[1])]
    for doc_id, rows_i in runs:
        first = _first_part(pd.Series([cols["path"][i] for i in rows_i]),
                            pd.Series([cols["order"][i] for i in rows_i]))
        abbr: dict[str, str] = {}          # key of the abbreviation → full title as written
        bare: dict[str, str] = {}          # abbreviation → full title, defined without brackets (latest wins)
        for (path, text, cstart), fp in zip(((cols["path"][i], cols["text"][i], cols["start"][i]) for i in rows_i),
                                            first):
            text = str(text)
            cstart = int(cstart)
            defs = [(m.start(), m.end(), m) for m in _ABBR.finditer(text)]
            spans = []
            for m in _NESTED.finditer(text):
                if any(ds <= m.start() < de for ds, de, _ in defs):
                    continue   # the abbreviation of a definition
                written = m.group(1)
                if not title_key(written):
                    continue   # empty brackets 《》 (a form's blank)
                steps = []
                as_read = written
                k = title_key(written)
                if k in abbr:
                    as_read = abbr[k]
                    steps.append("abbreviation")
                if _PRC in written:
                    steps.append("prefix")
                if re.search(r"[〈<《]", written):
                    steps.append("nested")
                if unicodedata.normalize("NFKC", written) != written:
                    steps.append("width")
                im = _ISSUER_BEFORE.search(text, 0, m.start())
                issuer = None
                if im:
                    issuer = _ISSUER_FULL.get(im.group(1), im.group(1))
                    steps.append(f"issuer:{issuer}")
                kind = context_kind(text, m.start(), m.end(), bool(fp))
                spans.append((m.start(), m.end()))
                rows.append((doc_order[doc_id], doc_id, path, cstart + m.start(), cstart + m.end(), "brackets",
                             written, as_read, ";".join(steps), kind, issuer))
                # a definition right after this reference
                for ds, de, dm in defs:
                    if ds >= m.end() and _BETWEEN.match(text[m.end():ds]):
                        if dm.group(1):
                            abbr[title_key(dm.group(1))] = as_read
                        else:
                            short = (dm.group(2) or dm.group(3)).strip()
                            if short and not short.startswith("本") and _LAW_END.search(short):
                                bare[short] = as_read
                                abbr[title_key(short)] = as_read
                        break
            if bare:   # one alternation, longest first: 商标法修改决定 is not also a use of 商标法
                alt = re.compile("|".join(map(re.escape, sorted(bare, key=lambda x: (-len(x), x)))))
            for m in (alt.finditer(text) if bare else ()):
                short = m.group(0)
                full = bare[short]
                if any(a <= m.start() < b for a, b in spans) or any(ds <= m.start() < de for ds, de, _ in defs):
                    continue
                # inside some other bracket pair, or part of a longer name (选举法 in 《…选举法》)
                if text.count("《", 0, m.start()) > text.count("》", 0, m.start()):
                    continue
                kind = context_kind(text, m.start(), m.end(), bool(fp))
                rows.append((doc_order[doc_id], doc_id, path, cstart + m.start(), cstart + m.end(),
                             "abbreviation", short, full, "abbreviation", kind, None))
    cols = ["_order", "doc_id", "path", "start", "end", "form", "title_written", "title_as_read", "normalisation",
            "kind", "_issuer"]
    df = pd.DataFrame(rows, columns=cols)
    df = df.sort_values(["_order", "start", "end"], kind="stable", ignore_index=True).drop(columns="_order")
    df.insert(0, "corpus", corpus)
    for c in ("start", "end"):
        df[c] = df[c].astype("int64")
    return df


# --------------------------------------------------------------------------- dates
def citing_dates(corpus: pd.DataFrame, corpus_name: str) -> pd.DataFrame:
    """The date each text of a corpus is read as citing at, and where it comes from (module docstring).

    Returns
    -------
    DataFrame
        ``doc_id``, ``citing_date`` (ISO ``YYYY-MM-DD`` or ``YYYY``, <NA> when the corpus gives none),
        ``citing_date_source`` (the column or rule used).
    """
    from ..corpus.local import promulgation_dates

    out = []

    def first(r, cols):
        for c in cols:
            v = r.get(c)
            if v is not None and not pd.isna(v) and str(v).strip():
                return str(v)[:10], c
        return None, None

    if corpus_name == "cited":
        from ..tables import load_table
        docs = load_table("documents", typed=False).set_index("doc_id")
    for r in corpus.to_dict("records"):
        d, src = None, None
        if corpus_name == "local":
            d, src = first(r, ("last_amended", "adopted", "version_date", "db_publish"))
            v = r.get("version_date")
            if d is not None and v is not None and not pd.isna(v) and str(v) > d:
                d, src = str(v), "version_date (later than the promulgation lines' last event)"
        elif corpus_name == "national":
            d, src = first(r, ("version_date",))
            if d is None:
                adopted, amended = promulgation_dates(str(r["text"]))
                d, src = (amended, "promulgation lines (last amended)") if amended else \
                    ((adopted, "promulgation lines (adopted)") if adopted else (None, None))
        elif corpus_name == "cited":
            if r["doc_id"] in docs.index:
                d, src = first(docs.loc[r["doc_id"]].to_dict(), ("date_published", "date_written"))
                src = src and f"documents.csv {src}"
        elif corpus_name == "collection":
            d, src = first(r, ("release_date",))
        else:
            d, src = first(r, ("date_promulgated", "date_adopted", "date_issued", "date_written"))
        out.append((r["doc_id"], d, src))
    df = pd.DataFrame(out, columns=["doc_id", "citing_date", "citing_date_source"])
    return df.astype({"doc_id": "string", "citing_date": "string", "citing_date_source": "string"})


# --------------------------------------------------------------------------- the reference side
_REPEAL = re.compile(r"((?:[^。；;，,《\n]{0,30}《(?:[^《》\n]|《[^《》\n]*》)*》(?:[（(][^）)\n]{0,40}[）)])?[、，,和及]*)+)同时废止")
_COMMENCE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起(?:施行|实施|生效)")


def repeal_table(corpora: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """Titles the corpora say were repealed: every ``《…》…同时废止`` sentence of a clause.

    Parameters
    ----------
    corpora : dict
        ``{name: (corpus table, clause table)}``; the national and local corpora are read.

    Returns
    -------
    DataFrame
        ``key`` (:func:`title_key`), ``title`` (as written), ``repealed_by`` (doc_id), ``repeal_date`` (the
        commencement date the same clause states, else the repealing text's version date), ``evidence``
        (the sentence), one row per key (the earliest repeal), sorted by key.
    """
    rows = []
    for name in ("national", "local"):
        if name not in corpora:
            continue
        corpus, clauses = corpora[name]
        ver = dict(zip(corpus["doc_id"], corpus["version_date"]))
        hit = clauses[clauses["text"].str.contains("同时废止", regex=False, na=False)]
        for doc_id, text in zip(hit["doc_id"], hit["text"]):
            text = str(text)
            cm = _COMMENCE.search(text)
            date = (f"{int(cm.group(1)):04d}-{int(cm.group(2)):02d}-{int(cm.group(3)):02d}" if cm
                    else (None if pd.isna(ver.get(doc_id)) else str(ver.get(doc_id))))
            for m in _REPEAL.finditer(text):
                s, e = _sentence(text, m.start(), m.end() - 1)
                for t in _NESTED.finditer(m.group(1)):
                    rows.append((title_key(t.group(1)), t.group(1), doc_id, date, text[s:e]))
    df = pd.DataFrame(rows, columns=["key", "title", "repealed_by", "repeal_date", "evidence"])
    df = df.sort_values(["key", "repeal_date", "repealed_by"], kind="stable", na_position="last")
    return df.drop_duplicates("key", keep="first").reset_index(drop=True)


@dataclass
class CitationIndex:
    """The package's corpora as the cited side: title key → documents (doc_id, title, version_date) per
    corpus, amendment dates per national/local document, and the repeal table."""

    docs: dict[str, dict[str, list[tuple[str, str, str | None]]]] = field(default_factory=dict)
    amendments: dict[str, list[str]] = field(default_factory=dict)
    expired: set = field(default_factory=set)
    repeals: pd.DataFrame | None = None

    def lookup(self, key: str) -> tuple[str | None, list[tuple[str, str, str | None]]]:
        for name in RESOLVE_ORDER:
            hit = self.docs.get(name, {}).get(key)
            if hit:
                return name, hit
        return None, []


def citation_index(corpora: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> CitationIndex:
    """Index the corpora of ``{name: (corpus table, clause table)}`` for :func:`resolve_citations`."""
    from ..corpus.local import date_events, promulgation_dates

    idx = CitationIndex()
    for name in RESOLVE_ORDER:
        if name not in corpora:
            continue
        corpus = corpora[name][0]
        d: dict[str, list] = {}
        has_ver = "version_date" in corpus.columns
        for r in corpus.to_dict("records"):
            title = r.get("title")
            if title is None or pd.isna(title):
                continue
            v = r.get("version_date") if has_ver else None
            v = None if v is None or pd.isna(v) else str(v)
            d.setdefault(title_key(title), []).append((str(r["doc_id"]), str(title), v))
            if name in ("national", "local"):
                text = str(r["text"])
                adopted, _ = promulgation_dates(text)
                dates = sorted({dt for dt, _, amends in date_events(text) if amends} | ({adopted} if adopted else set()))
                idx.amendments[str(r["doc_id"])] = dates
            if name == "local" and bool(r.get("expired")) is True:
                idx.expired.add(str(r["doc_id"]))
        idx.docs[name] = d
    idx.repeals = repeal_table(corpora)
    return idx


def _near(a: str, b: str, days: int = 10) -> bool:
    try:
        return abs((pd.Timestamp(a) - pd.Timestamp(b)).days) <= days
    except (ValueError, TypeError):
        return False


def _choose_version(hits: list[tuple[str, str, str | None]], date: str | None, idx: CitationIndex):
    """(resolution, cited_doc, version_date, reason) for a title held as ``hits``."""
    dated = sorted([h for h in hits if h[2]], key=lambda h: (h[2], h[0]))
    undated = sorted([h for h in hits if not h[2]], key=lambda h: h[0])
    if not dated:
        if len(undated) == 1:
            return "resolved", undated[0][0], None, "one undated text"
        cats = {h[0].split("/")[0] for h in undated}
        if len(cats) == 1 and len({h[1] for h in undated}) == 1:
            return ("resolved", ";".join(h[0] for h in undated), None,
                    f"one text filed in {len(undated)} undated parts")
        return "ambiguous", None, None, f"{len(undated)} undated texts with this title"
    versions = sorted({h[2] for h in dated})
    note = f" ({len(undated)} undated file(s) set aside)" if undated else ""
    if date is None:
        v = versions[-1]
        doc = next(h[0] for h in dated if h[2] == v)
        return "resolved", doc, v, "citing text undated: newest version" + note
    d = str(date)
    if len(d) == 4:
        d = d + "-12-31"   # a year only: the version in force at the end of that year
    elif len(d) == 7:
        d = d + "-28"
    held = [v for v in versions if v <= d]
    # every amendment date the held texts record (promulgation lines), to see whether a version not held
    # came into force between the held one and the citing date
    recorded = sorted({a for h in dated for a in idx.amendments.get(h[0], [])})
    if not held:
        earlier = [a for a in recorded if a <= d]
        why = (f"in force at {date}: the text of {earlier[-1]}" if earlier else f"no version before {date} known")
        return "version not in corpus", None, None, f"earliest held version {versions[0]}; {why}" + note
    v = held[-1]
    later = [a for a in recorded if v < a <= d and not any(_near(a, x) for x in versions)]
    if later:
        return ("version not in corpus", None, None,
                f"held version {v} was amended on {later[-1]}, before the citing date {date}" + note)
    same = sorted(h[0] for h in dated if h[2] == v)
    reason = f"{len(versions)} version(s) held; in force at {date}: {v}"
    if len(same) > 1:
        reason += f"; the same version is filed {len(same)} times ({'; '.join(same)})"
    return "resolved", same[0], v, reason + note


def resolve_citations(citations: pd.DataFrame, dates: pd.DataFrame, index: CitationIndex) -> pd.DataFrame:
    """Add the citing date and the resolution to :func:`extract_citations` output (columns of
    :data:`CITATION_COLUMNS`; see the module docstring for the values)."""
    df = citations.merge(dates, on="doc_id", how="left", validate="many_to_one")
    reps = index.repeals.set_index("key") if index.repeals is not None and len(index.repeals) else None
    out = {c: [] for c in ("resolution", "cited_corpus", "cited_title", "cited_doc", "cited_version_date",
                           "n_versions", "reason")}
    extra_norm = []
    for as_read, issuer, date, norm in zip(df["title_as_read"], df["_issuer"], df["citing_date"], df["normalisation"]):
        date = None if pd.isna(date) else str(date)
        key = title_key(as_read)
        steps = []
        if key in RENAMED:
            key = title_key(RENAMED[key])
            steps.append("renamed")
        name, hits = index.lookup(key)
        if not hits and isinstance(issuer, str):
            name, hits = index.lookup(title_key(issuer + as_read))
        extra_norm.append(";".join([s for s in [norm] if isinstance(s, str) and s] + steps))
        if not hits:
            if reps is not None and key in reps.index:
                r = reps.loc[key]
                when = r["repeal_date"] if isinstance(r["repeal_date"], str) else "date not stated"
                rel = ""
                if date and isinstance(r["repeal_date"], str):
                    rel = "; repealed before the citing date" if r["repeal_date"] <= date else \
                        "; in force at the citing date, repealed later"
                vals = ("repealed", None, None, None, None, 0,
                        f"repealed by {r['repealed_by']} ({when}): {r['evidence'][:120]}{rel}")
            else:
                vals = ("not in corpus", None, None, None, None, 0, "no text of the corpora has this title")
        else:
            titles = sorted({h[1] for h in hits})
            n_ver = len(hits)
            if len({title_key(t) for t in titles}) > 1:
                vals = ("ambiguous", name, None, None, None, n_ver, "titles: " + "; ".join(titles))
            else:
                if name in ("national", "local"):
                    res, doc, ver, why = _choose_version(hits, date, index)
                else:
                    res, doc, ver, why = "resolved", sorted(h[0] for h in hits)[0], None, f"the {name} corpus"
                if doc and doc in index.expired:
                    why += "; the LawRefBook database marks it expired"
                vals = (res, name, titles[0], doc, ver, n_ver, why)
        for c, v in zip(out, vals):
            out[c].append(v)
    df["normalisation"] = extra_norm
    for c, v in out.items():
        df[c] = v
    df = df.drop(columns="_issuer")[CITATION_COLUMNS]
    for c in CITATION_COLUMNS:
        if c in ("start", "end", "n_versions"):
            df[c] = df[c].astype("Int64")
        else:
            df[c] = df[c].astype("string")
    df["normalisation"] = df["normalisation"].replace("", pd.NA)
    return df


# --------------------------------------------------------------------------- whole corpora
def _load(name_or_folder) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ..corpus.corpora import load_clauses, load_corpus

    corpus = load_corpus(name_or_folder)
    return corpus, load_clauses(corpus)


def corpus_citations(name_or_folder, corpora: dict | None = None, index: CitationIndex | None = None) -> pd.DataFrame:
    """The resolved citation table of one corpus (a name of
    :data:`analysis.corpus.corpora.CORPUS_NAMES` or a folder), resolved against the package's corpora.

    Parameters
    ----------
    name_or_folder : str or path-like
    corpora : dict, optional
        ``{name: (corpus table, clause table)}`` already loaded (national and local are needed for the index).
    index : CitationIndex, optional
        Built by :func:`citation_index` when not given.
    """
    corpora = dict(corpora or {})
    name = str(name_or_folder)
    from ..corpus.corpora import CORPUS_NAMES

    label = name if name in CORPUS_NAMES else "folder"
    if name not in corpora:
        corpora[name] = _load(name_or_folder)
    if index is None:
        for n in RESOLVE_ORDER:
            if n not in corpora:
                corpora[n] = _load(n)
        index = citation_index(corpora)
    corpus, clauses = corpora[name]
    ext = extract_citations(clauses, label)
    return resolve_citations(ext, citing_dates(corpus, label), index)


BUILD_CORPORA = ("national", "local", "cited", "collection")


def build_citation_tables() -> dict[str, pd.DataFrame]:
    """The ``citations`` table of ``data/processed`` (``python -m analysis build``): every reference of the
    national, local, cited and collection corpora, resolved (:func:`corpus_citations`); and
    ``citation_evaluation`` (:func:`evaluate_citations` on the labelled gold references)."""
    corpora = {n: _load(n) for n in BUILD_CORPORA}
    index = citation_index(corpora)
    parts = [corpus_citations(n, corpora, index) for n in BUILD_CORPORA]
    cites = pd.concat(parts, ignore_index=True)
    from ..tables import load_table

    national = corpora["national"][0]
    return {"citations": cites,
            "cites_restates": cites_vs_restates(cites, load_table("reuse_pairs", typed=False),
                                                dict(zip(national["doc_id"], national["title"]))),
            "citation_evaluation": evaluate_citations(cites, load_table("citation_gold", typed=False),
                                                      load_table("citation_labels", typed=False))}


def citation_graph(citations: pd.DataFrame):
    """Directed network for Gephi: citing document → cited title (the resolved title, else the title as read,
    :func:`title_key`-normalised when unresolved). Edge ``weight`` = number of references, ``legal_basis``,
    ``penalty_referral``, ``other`` = references of each kind; node ``kind`` (``citing``, ``cited``, or
    ``both``), ``corpus`` and ``resolution`` (of a cited node: its most frequent resolution)."""
    import networkx as nx

    df = citations.copy()
    df["target"] = df["cited_title"].fillna(df["title_as_read"]).astype(str)
    g = nx.DiGraph()
    counts = df.groupby(["doc_id", "target", "kind"], sort=True).size().unstack(fill_value=0)
    for k in KINDS:
        if k not in counts.columns:
            counts[k] = 0
    src_corpus = df.drop_duplicates("doc_id").set_index("doc_id")["corpus"]
    res = (df.groupby(["target", "resolution"]).size().reset_index(name="n")
           .sort_values(["target", "n", "resolution"], ascending=[True, False, True], kind="stable")
           .drop_duplicates("target").set_index("target")["resolution"])
    tgt_corpus = df.dropna(subset=["cited_corpus"]).drop_duplicates("target").set_index("target")["cited_corpus"]
    for (src, tgt), row in counts.iterrows():
        for n, role in ((src, "citing"), (tgt, "cited")):
            if n not in g:
                g.add_node(n, kind=role)
            elif g.nodes[n]["kind"] != role:
                g.nodes[n]["kind"] = "both"
        g.add_edge(src, tgt, weight=int(row[list(KINDS)].sum()), **{k: int(row[k]) for k in KINDS})
    for n in g.nodes:
        g.nodes[n]["corpus"] = str(src_corpus.get(n, tgt_corpus.get(n, "")))
        g.nodes[n]["resolution"] = str(res.get(n, ""))
    return g


# --------------------------------------------------------------------------- evaluation
GOLD_COLUMNS = ["cite_id", "corpus", "doc_id", "path", "start", "end", "form", "title_written", "clause_text"]


def draw_evaluation_set(citations: pd.DataFrame, clauses: dict[str, pd.DataFrame], *, per_stratum: int = 26,
                        seed: int = GOLD_SEED) -> pd.DataFrame:
    """A seeded draw of references stratified by corpus × context kind, for labelling.

    Every corpus × kind stratum gives ``per_stratum`` references (all of them when it holds fewer), drawn
    with ``numpy.random.default_rng(seed)`` (strata in sorted order, positions of the stable-sorted stratum),
    at most one per citing clause; then the rows are shuffled with the same generator and numbered
    ``c001`` … — the labeller's reading order. The labeller sees the extractor's span (the title as written,
    its offsets) but neither its context kind nor its resolution.

    Parameters
    ----------
    citations : DataFrame
        The citation table (:func:`build_citation_tables`).
    clauses : dict
        ``{corpus name: clause table}``, for the citing clause's text.

    Returns
    -------
    DataFrame
        :data:`GOLD_COLUMNS`: ``cite_id``, the reference's keys (``corpus``, ``doc_id``, ``path``, ``start``,
        ``end``), ``form``, ``title_written`` and ``clause_text`` (the stratum, the extractor's kind, is left out:
        join ``citations`` on the keys to recover it).
    """
    rng = np.random.default_rng(seed)
    df = citations.copy()
    df["stratum"] = df["corpus"].astype(str) + "/" + df["kind"].astype(str)
    picks = []
    for h in sorted(df["stratum"].unique()):
        pool = df[df["stratum"] == h].sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
        seen: set[tuple[str, str]] = set()
        for i in rng.permutation(len(pool)):
            r = pool.iloc[int(i)]
            key = (r["doc_id"], r["path"])
            if key in seen:
                continue
            seen.add(key)
            picks.append(r)
            if len(seen) == per_stratum:
                break
    out = pd.DataFrame(picks).reset_index(drop=True)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    texts = {}
    for name, cl in clauses.items():
        sub = cl[cl["doc_id"].isin(set(out.loc[out["corpus"] == name, "doc_id"]))]
        texts.update({(name, d, p): t for d, p, t in zip(sub["doc_id"], sub["path"], sub["text"])})
    out["clause_text"] = [texts[(c, d, p)] for c, d, p in zip(out["corpus"], out["doc_id"], out["path"])]
    out.insert(0, "cite_id", [f"c{i + 1:03d}" for i in range(len(out))])
    out = out[GOLD_COLUMNS]
    for c in GOLD_COLUMNS:
        out[c] = out[c].astype("Int64" if c in ("start", "end") else "string")
    return out


def candidate_documents(title: str, national: pd.DataFrame) -> pd.DataFrame:
    """National documents a labeller should consider for a written title: every version (doc_id, title,
    version date) whose :func:`title_key` equals the title's, contains it or is contained in it (so the
    labeller also sees near names), sorted by title and date."""
    k = title_key(title)
    keys = national["title"].fillna("").map(title_key)
    hit = national[(keys == k) | (keys.str.contains(k, regex=False) & (len(k) >= 4))
                   | keys.map(lambda x: len(x) >= 4 and x in k)]
    return hit[["doc_id", "title", "version_date"]].sort_values(["title", "version_date", "doc_id"], kind="stable",
                                                                na_position="first")


def write_packets(gold: pd.DataFrame, out_dir, citing: pd.DataFrame, national: pd.DataFrame, *,
                  n_packets: int = 2, guide: Path | str | None = None) -> list[Path]:
    """Write labelling packets (markdown) of the gold references, split in ``n_packets`` consecutive parts of
    the reading order: for each reference its id, the citing document, corpus and date, the clause path and
    full text with the reference marked ``【…】``, and every candidate national document with its versions
    (:func:`candidate_documents`) — never the extractor's context kind or resolution. A copy of the guide is
    written beside them when ``guide`` is given.

    Parameters
    ----------
    gold : DataFrame
        :func:`draw_evaluation_set` output.
    out_dir : path-like
    citing : DataFrame
        ``corpus``, ``doc_id``, ``title``, ``citing_date`` of the citing documents.
    national : DataFrame
        The national corpus (``doc_id``, ``title``, ``version_date``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info = citing.drop_duplicates(["corpus", "doc_id"]).set_index(["corpus", "doc_id"])
    paths = []
    bounds = np.linspace(0, len(gold), n_packets + 1).round().astype(int)
    for p in range(n_packets):
        part = gold.iloc[bounds[p]:bounds[p + 1]]
        lines = [f"# Citations to label — packet {p + 1} of {n_packets}", "",
                 "Label every reference by data/curated/citation_labelling_guide.md: write one row per cite_id "
                 "(extraction_correct, title_span, kind, resolution, cited_doc).", ""]
        for r in part.itertuples(index=False):
            meta = info.loc[(r.corpus, r.doc_id)] if (r.corpus, r.doc_id) in info.index else None
            title = meta["title"] if meta is not None and not pd.isna(meta["title"]) else "untitled"
            date = meta["citing_date"] if meta is not None else ""
            cand = candidate_documents(r.title_written, national)
            lines += [f"## {r.cite_id}", "",
                      f"**Citing** — {r.corpus} · {r.doc_id} · 《{title}》 · date {date if not pd.isna(date) else 'unknown'}",
                      f"**Clause** — {r.path} · reference at offsets {r.start}–{r.end} · written 〔{r.title_written}〕"
                      + (" (bare abbreviation)" if r.form == "abbreviation" else ""), ""]
            text = str(r.clause_text)
            lines += ["> " + text.strip().replace("\n", "\n> "), ""]
            if len(cand):
                lines += ["Candidate national documents (every version held):", ""]
                lines += [f"- {c.doc_id} — {c.title} — {c.version_date if not pd.isna(c.version_date) else 'undated'}"
                          for c in cand.itertuples(index=False)]
            else:
                lines += ["Candidate national documents: none with this or a near title."]
            lines += [""]
        path = out / f"citation_packet_{p + 1}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    if guide is not None:
        g = Path(guide)
        (out / g.name).write_bytes(g.read_bytes())
        paths.append(out / g.name)
    return paths


def score_labels(predicted: pd.DataFrame, labels: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Precision and recall of extraction, context kind and resolution against a labels table, with Wilson
    intervals (:func:`analysis.text.instruments.wilson_interval`).

    Parameters
    ----------
    predicted : DataFrame
        The gold references with the extractor's output: ``cite_id``, ``kind``, ``resolution``, ``cited_doc``.
    labels : DataFrame
        One row per labelled reference: ``cite_id``, ``extraction_correct`` (bool: the span is one whole
        reference to a document), ``kind`` (the correct context kind), ``resolution`` (the correct resolution)
        and ``cited_doc`` (the correct document, empty unless resolved), as the guide defines them;
        ``missed`` (int, optional): references in the clause the extractor did not find.

    Returns
    -------
    DataFrame
        One row per measure: ``measure`` (``extraction``, ``kind:<k>``, ``resolution``, ``resolution:<r>``),
        ``precision``, ``precision_low``, ``precision_high``, ``recall``, ``recall_low``, ``recall_high``,
        ``tp``, ``n_predicted``, ``n_true``. Extraction precision = correct spans / spans labelled; its recall
        = correct spans / (correct spans + ``missed``). Kind and resolution are scored on the correctly
        extracted spans: per class precision = agreeing / predicted in the class, recall = agreeing / labelled
        in the class; ``resolution`` overall counts a reference as right when resolution and, for
        ``resolved``, the document agree (precision = recall = accuracy).
    """
    from .instruments import wilson_interval

    m = predicted.merge(labels, on="cite_id", how="inner", suffixes=("_pred", "_true"), validate="one_to_one")
    ok = m["extraction_correct"].astype(str).str.lower().isin(["true", "1", "yes"])
    rows = []

    def add(measure, tp, n_pred, n_true):
        plo, phi = wilson_interval(tp, n_pred, confidence)
        rlo, rhi = wilson_interval(tp, n_true, confidence)
        rows.append(dict(measure=measure, precision=tp / n_pred if n_pred else np.nan, precision_low=plo,
                         precision_high=phi, recall=tp / n_true if n_true else np.nan, recall_low=rlo,
                         recall_high=rhi, tp=int(tp), n_predicted=int(n_pred), n_true=int(n_true)))

    missed = int(pd.to_numeric(m["missed"], errors="coerce").fillna(0).sum()) if "missed" in m.columns else 0
    add("extraction", int(ok.sum()), len(m), int(ok.sum()) + missed)
    e = m[ok]
    for k in KINDS:
        p, t = e["kind_pred"] == k, e["kind_true"] == k
        add(f"kind:{k}", int((p & t).sum()), int(p.sum()), int(t.sum()))
    same_doc = e["cited_doc_pred"].fillna("") == e["cited_doc_true"].fillna("")
    right = (e["resolution_pred"] == e["resolution_true"]) & ((e["resolution_true"] != "resolved") | same_doc)
    add("resolution", int(right.sum()), len(e), len(e))
    for r in RESOLUTIONS:
        p, t = e["resolution_pred"] == r, e["resolution_true"] == r
        add(f"resolution:{r}", int((p & t & (same_doc | (r != "resolved"))).sum()), int(p.sum()), int(t.sum()))
    return pd.DataFrame(rows)


def final_citation_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """One label per gold reference from ``data/curated/citation_labels.csv``: round 1 (every reference, one
    labeller per packet), with the adjudicator's ``kind`` (round 3) where round 2's second labelling disagreed.

    Returns ``cite_id``, ``extraction_correct``, ``missed``, ``kind``, ``resolution``, ``cited_doc``, ``source``."""
    r = labels.assign(round=labels["round"].astype(str))
    first = r[r["round"] == "1"].copy()
    if first["cite_id"].duplicated().any():
        raise ValueError(f"citation_labels.csv: {first.loc[first['cite_id'].duplicated(), 'cite_id'].iloc[0]} has two "
                         "round-1 labels")
    adj = r[r["round"] == "3"].set_index("cite_id")
    first["source"] = first["labeller"]
    for col in ("kind", "resolution", "cited_doc", "extraction_correct"):
        if col in adj:
            vals = adj[col].replace("", np.nan).dropna()
            hit = first["cite_id"].isin(vals.index)
            first.loc[hit, col] = first.loc[hit, "cite_id"].map(vals)
            first.loc[hit, "source"] = "adjudicator"
    keep = ["cite_id", "extraction_correct", "missed", "kind", "resolution", "cited_doc", "source"]
    return first[keep].sort_values("cite_id", kind="stable", ignore_index=True)


def evaluate_citations(citations: pd.DataFrame, gold: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """:func:`score_labels` of the built table's gold references against their final labels
    (:func:`final_citation_labels`).

    Extraction recall: the labellers counted, for each sampled reference, the other references they saw in the
    same clause (``missed``); the packet showed only the sampled one, so that count includes references the
    extractor did find. The estimate of what the extractor missed in a clause is therefore the labellers' count
    minus the extractor's other references in that clause (never below 0) — a comparison of counts, not of the
    references themselves.
    """
    key = ["corpus", "doc_id", "start"]
    g = gold.assign(start=gold["start"].astype("int64"))
    c = citations.assign(start=citations["start"].astype("int64"))
    pred = g[["cite_id"] + key + ["path"]].merge(c[key + ["kind", "resolution", "cited_doc"]], on=key, how="left",
                                                 validate="one_to_one")
    if pred["kind"].isna().any():
        raise ValueError(f"citation_gold.csv: {pred.loc[pred['kind'].isna(), 'cite_id'].iloc[0]} is not in the "
                         "citation table")
    others = c.groupby(["corpus", "doc_id", "path"]).size() - 1
    fin = final_citation_labels(labels)
    seen = pd.to_numeric(fin["missed"], errors="coerce").fillna(0).astype("int64")
    found = pred.set_index("cite_id").apply(lambda r: int(others.get((r["corpus"], r["doc_id"], r["path"]), 0)), axis=1)
    fin["missed"] = (seen.to_numpy() - fin["cite_id"].map(found).fillna(0).astype("int64").to_numpy()).clip(min=0)
    out = score_labels(pred[["cite_id", "kind", "resolution", "cited_doc"]], fin.drop(columns=["source"]))
    for c_ in ("precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high"):
        out[c_] = out[c_].astype(float).round(4)
    return out


def gold_outcomes(citations: pd.DataFrame, gold: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Per gold reference: its stratum and whether the extractor's span and resolution agree with the final label.

    Returns
    -------
    DataFrame
        ``cite_id``, ``stratum`` (``<corpus>/<extractor's kind>``, the strata of :func:`draw_evaluation_set`),
        ``extraction_ok`` (the span is one whole reference), ``resolution_ok`` (resolution, and for ``resolved`` the
        document, agree; <NA> when the span is wrong — resolution is scored on correct spans, as in
        :func:`score_labels`).
    """
    key = ["corpus", "doc_id", "start"]
    g = gold.assign(start=gold["start"].astype("int64"))
    c = citations.assign(start=citations["start"].astype("int64"))
    pred = g[["cite_id"] + key].merge(c[key + ["kind", "resolution", "cited_doc"]], on=key, how="left",
                                      validate="one_to_one")
    if pred["kind"].isna().any():
        raise ValueError(f"citation_gold.csv: {pred.loc[pred['kind'].isna(), 'cite_id'].iloc[0]} is not in the "
                         "citation table")
    fin = final_citation_labels(labels)
    m = pred.merge(fin, on="cite_id", how="inner", suffixes=("_pred", "_true"), validate="one_to_one")
    ok = m["extraction_correct"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()
    same_doc = (m["cited_doc_pred"].fillna("").astype(str) == m["cited_doc_true"].fillna("").astype(str)).to_numpy()
    right = ((m["resolution_pred"].astype(str) == m["resolution_true"].astype(str)).to_numpy()
             & ((m["resolution_true"].astype(str) != "resolved").to_numpy() | same_doc))
    out = pd.DataFrame({"cite_id": m["cite_id"].astype(str),
                        "stratum": m["corpus"].astype(str) + "/" + m["kind_pred"].astype(str),
                        "extraction_ok": ok})
    out["resolution_ok"] = pd.array(np.where(ok, right, False), dtype="boolean")
    out.loc[~ok, "resolution_ok"] = pd.NA
    return out.sort_values("cite_id", kind="stable", ignore_index=True)


def weighted_evaluation(citations: pd.DataFrame, outcomes: pd.DataFrame, *, n_boot: int = 2000,
                        seed: int = GOLD_SEED, confidence: float = 0.95) -> pd.DataFrame:
    """Extraction precision and resolution accuracy **for the citation table**, not the sample: the rate of each
    corpus × kind stratum of the gold draw weighted by the stratum's share of the table (the draw takes up to 26
    references per stratum whatever its size), with a stratified bootstrap interval (references resampled within
    each stratum, ``numpy.random.default_rng(seed)``, percentile interval).

    Parameters
    ----------
    citations : DataFrame
        The citation table (``corpus``, ``kind``): the strata's sizes.
    outcomes : DataFrame
        :func:`gold_outcomes`.

    Returns
    -------
    DataFrame
        One row per measure (``extraction precision``, ``resolution accuracy``): ``sample`` (the pooled rate of
        the gold set), ``weighted`` (the table's rate), ``low``, ``high``, ``n_gold`` (references scored),
        ``n_strata``.
    """
    size = (citations["corpus"].astype(str) + "/" + citations["kind"].astype(str)).value_counts()
    rng = np.random.default_rng(seed)
    rows = []
    for measure, col in (("extraction precision", "extraction_ok"), ("resolution accuracy", "resolution_ok")):
        d = outcomes[outcomes[col].notna()]
        strata = sorted(set(d["stratum"]))
        if set(strata) - set(size.index):
            raise ValueError(f"weighted_evaluation: stratum {sorted(set(strata) - set(size.index))[0]} of the gold set "
                             "is not in the citation table")
        w = size.reindex(strata).to_numpy(dtype=float)
        w = w / w.sum()
        vals = [d.loc[d["stratum"] == h, col].astype(bool).to_numpy() for h in strata]
        est = float(sum(wi * v.mean() for wi, v in zip(w, vals)))
        boot = np.empty(n_boot)
        for b in range(n_boot):
            boot[b] = sum(wi * v[rng.integers(0, len(v), len(v))].mean() for wi, v in zip(w, vals))
        a = (1 - confidence) / 2
        rows.append(dict(measure=measure, sample=float(d[col].astype(bool).mean()), weighted=est,
                         low=float(np.quantile(boot, a)), high=float(np.quantile(boot, 1 - a)), n_gold=len(d),
                         n_strata=len(strata)))
    out = pd.DataFrame(rows)
    for c in ("sample", "weighted", "low", "high"):
        out[c] = out[c].round(4)
    return out


def cites_vs_restates(citations: pd.DataFrame, reuse_pairs: pd.DataFrame, national_titles: dict) -> pd.DataFrame:
    """Does a local regulation restate the national laws it names as its legal basis, or others?

    For every local regulation and every national title that it cites as its legal basis (``kind ==
    "legal_basis"`` with a national ``cited_title``: resolved, or a version the corpus does not hold) or restates
    (substantive pairs of the built ``reuse_pairs``; the title of the pair's national document), one row.

    Parameters
    ----------
    citations : DataFrame
        The built ``citations`` table.
    reuse_pairs : DataFrame
        The built ``reuse_pairs`` (its ``kind`` column; only ``substantive`` pairs count).
    national_titles : dict
        Title by national ``doc_id`` (versions of a law share a title).

    Returns
    -------
    DataFrame
        ``doc_id``, ``national_title``, ``cited_as_basis`` and ``restated`` (booleans), ``restated_articles`` (local
        articles with a substantive pair to the title), ``restated_chars`` (union of their aligned local spans),
        sorted by doc_id and title. A title cited only in ``other`` or ``penalty_referral`` contexts is not a legal
        basis here.
    """
    loc = citations[(citations["corpus"].astype(str) == "local") & (citations["kind"].astype(str) == "legal_basis")
                    & (citations["cited_corpus"].astype(str) == "national")]
    basis = loc[["doc_id", "cited_title"]].dropna().drop_duplicates().rename(columns={"cited_title": "national_title"})
    basis = basis.assign(cited_as_basis=True)
    sub = reuse_pairs[reuse_pairs["kind"].astype(str) == "substantive"]
    sub = sub.assign(national_title=sub["target_doc"].map(national_titles).astype("string"),
                     source_start=sub["source_start"].astype("int64"), source_end=sub["source_end"].astype("int64"))
    if sub["national_title"].isna().any():
        raise ValueError(f"reuse_pairs: target_doc {sub.loc[sub['national_title'].isna(), 'target_doc'].iloc[0]} "
                         "is not in the national corpus")
    from .reuse import _union_by

    chars = _union_by(sub, ["source_doc", "national_title"])
    arts = sub.groupby(["source_doc", "national_title"], sort=True)["source_unit"].nunique()
    restated = pd.DataFrame({"restated_articles": arts, "restated_chars": chars}).reset_index()
    restated.columns = ["doc_id", "national_title", "restated_articles", "restated_chars"]
    restated.insert(2, "restated", True)
    out = basis.merge(restated, on=["doc_id", "national_title"], how="outer")
    out["cited_as_basis"] = out["cited_as_basis"].fillna(False).astype(bool)
    out["restated"] = out["restated"].fillna(False).astype(bool)
    for c in ("restated_articles", "restated_chars"):
        out[c] = out[c].fillna(0).astype("int64")
    out = out[["doc_id", "national_title", "cited_as_basis", "restated", "restated_articles", "restated_chars"]]
    return out.sort_values(["doc_id", "national_title"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------- command line
def main(argv=None) -> None:
    """``python -m analysis.text.citations gold`` writes ``data/curated/citation_gold.csv`` (the seeded draw from the
    built ``data/processed/citations.csv``); ``python -m analysis.text.citations packets OUT_DIR`` writes the two
    labelling packets and a copy of the guide to OUT_DIR."""
    import argparse

    from ..paths import CURATED_DIR
    from ..tables import load_table, table_path, write_csv

    ap = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    ap.add_argument("what", choices=["gold", "packets"])
    ap.add_argument("out", nargs="?")
    a = ap.parse_args(argv)
    cites = load_table("citations", typed=False)
    if a.what == "gold":
        clauses = {n: _load(n)[1] for n in BUILD_CORPORA}
        write_csv(draw_evaluation_set(cites, clauses), table_path("citation_gold"))
        return
    from ..corpus.corpora import load_corpus

    gold = load_table("citation_gold", typed=False)
    citing = []
    for n in BUILD_CORPORA:
        c = load_corpus(n)
        c = c[c["doc_id"].isin(set(gold.loc[gold["corpus"] == n, "doc_id"]))]
        d = citing_dates(c, n).merge(c[["doc_id", "title"]], on="doc_id")
        citing.append(d.assign(corpus=n))
    write_packets(gold, a.out, pd.concat(citing, ignore_index=True), load_corpus("national"),
                  guide=CURATED_DIR / "citation_labelling_guide.md")


if __name__ == "__main__":
    main()
