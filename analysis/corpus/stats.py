"""Descriptive statistics of the policy corpora, and the timing of technology rules.

Two groups of functions:

* **Timing** — which State Council documents name a technology in their title, and when. This is
  the project's one definition, used by notebook 03 (policy corpora) and by the timing checks of
  :mod:`analysis.report.claims` (notebook 07). :data:`TECH_KEYWORDS` is the explicit rule (see there);
  :func:`document_year` is the one year rule; :func:`technology_mentions` lists the matching
  documents, :func:`technology_mentions_by_year` counts them per year and
  :func:`technology_timing` summarises each technology (first year, median year, share inside a
  window such as 2015–2020).
* **Corpus size** — :func:`corpus_summary` (documents, clauses, characters, median clause length
  per corpus or per group of documents) and :func:`law_outline` (chapters → articles → 款/项 of one
  law, from :func:`analysis.corpus.clauses.structure` and :func:`analysis.corpus.clauses.segment`).

The metadata table expected by the timing functions is the one returned by
:func:`analysis.report.documents.read_state_council_metadata` (columns ``url``, ``title``,
``sc_date_written``, ``sc_date_published``; dates as ``YYYY-MM-DD`` strings; ``sc_doc_number`` and
``sc_dates_row`` are carried along when present).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = [
    "TECH_KEYWORDS",
    "normalize_title",
    "document_year",
    "cited_document_year",
    "technology_mentions",
    "technology_mentions_by_year",
    "technology_timing",
    "corpus_summary",
    "law_outline",
    "CLAUSE_END_MARKS",
    "unterminated_clauses",
]

#: The rule for "a title mentions a technology": after NFKC normalisation of both the title and
#: the keyword (so the full-width ``＋`` reads as ``+``), the title contains at least one of the
#: technology's keywords as a literal substring. Keys are the report's four technologies (the keys of
#: :data:`analysis.TECH_COLORS`). The set is deliberately narrow, one term per technology:
#:
#: - ``互联网``: Internet-plus titles only (``互联网+``), not every title containing 互联网, which
#:   would add e.g. the 2001 and 2004 rules on Internet cafés (互联网上网服务营业场所).
#: - ``大数据``: the term itself. ``数据共享`` (data sharing) and ``政务数据`` (government data) name
#:   data governance — a common rule of the report (数据治理) — not big-data technology.
#: - ``人工智能``: the term itself. ``智能`` alone also matches smart devices and services, e.g.
#:   国办发〔2020〕45号 on older people's difficulties with smart technology (老年人运用智能技术), or
#:   智能制造; these are not AI rules.
#: - ``区块链``: the term itself.
#:
#: Pass a different mapping as ``keywords`` to the functions below to test another rule.
TECH_KEYWORDS: dict[str, tuple[str, ...]] = {
    "互联网": ("互联网+",),
    "大数据": ("大数据",),
    "人工智能": ("人工智能",),
    "区块链": ("区块链",),
}

_DATE_COLUMNS = ["sc_date_written", "sc_date_published"]
_MENTION_COLUMNS = ["technology", "year", "year_basis", "sc_date_written", "sc_date_published",
                    "sc_doc_number", "sc_dates_row", "title", "keywords", "url"]


def normalize_title(text) -> str:
    """A title (or keyword) in NFKC normal form, as the keyword rule compares them (``＋`` → ``+``)."""
    return unicodedata.normalize("NFKC", str(text))


def _check_keywords(keywords: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    if not isinstance(keywords, Mapping) or not keywords:
        raise ValueError("keywords must be a non-empty mapping {technology: [keyword, ...]}")
    out = {}
    for tech, words in keywords.items():
        if isinstance(words, str):
            raise ValueError(f"keywords[{tech!r}] must be a list of strings, not the string {words!r}")
        words = tuple(words)
        if not words or any(not isinstance(w, str) or not w for w in words):
            raise ValueError(f"keywords[{tech!r}] must hold at least one non-empty string")
        out[str(tech)] = words
    return out


def _check_metadata(metadata: pd.DataFrame, need: Sequence[str]) -> None:
    missing = [c for c in need if c not in metadata.columns]
    if missing:
        raise ValueError(f"State Council metadata: missing column(s) {missing} "
                         "(expected the table of analysis.report.documents.read_state_council_metadata)")


def document_year(metadata: pd.DataFrame) -> pd.DataFrame:
    """The year of each State Council document: 成文日期 (written), else 发布日期 (published).

    The written date comes first because the library back-filled many older documents with late
    publication dates (e.g. 1,003 documents "published" in 2008).

    Parameters
    ----------
    metadata : pandas.DataFrame
        :func:`analysis.report.documents.read_state_council_metadata`, or any table with
        ``sc_date_written`` and ``sc_date_published`` as ``YYYY-MM-DD`` strings (possibly missing).

    Returns
    -------
    pandas.DataFrame
        The input with two added columns: ``year`` (Int64; year of ``sc_date_written``, or of
        ``sc_date_published`` where the written date is missing; <NA> when both are missing) and
        ``year_basis`` (string: ``written``, ``published`` or <NA>).
    """
    _check_metadata(metadata, _DATE_COLUMNS)
    written = pd.to_numeric(metadata["sc_date_written"].astype("string").str[:4], errors="coerce")
    published = pd.to_numeric(metadata["sc_date_published"].astype("string").str[:4], errors="coerce")
    year = written.fillna(published).astype("Int64")
    basis = pd.Series(pd.NA, index=metadata.index, dtype="string")
    basis[written.notna()] = "written"
    basis[written.isna() & published.notna()] = "published"
    return metadata.assign(year=year, year_basis=basis)


def cited_document_year(documents: pd.DataFrame) -> pd.DataFrame:
    """The year of each document the report cites: 发布日期 (``published``), else 成文日期.

    Laws are dated by adoption (通过, stored as ``date_written``) and have no ``date_published``,
    so the published year alone would drop them; this falls back to the year of ``date_written``.

    Parameters
    ----------
    documents : pandas.DataFrame
        :func:`analysis.load_documents` (``published`` datetime, ``date_written`` ISO string of
        precision year, month or day).

    Returns
    -------
    pandas.DataFrame
        The input with ``year`` (Int64; <NA> when neither date is known) and ``year_basis``
        (string: ``published``, ``written`` or <NA>).
    """
    missing = [c for c in ("published", "date_written") if c not in documents.columns]
    if missing:
        raise ValueError(f"documents table: missing column(s) {missing} (expected analysis.load_documents())")
    pub = pd.to_datetime(documents["published"], errors="coerce").dt.year
    written = pd.to_numeric(documents["date_written"].astype("string").str[:4], errors="coerce")
    year = pub.astype("Float64").fillna(written.astype("Float64")).astype("Int64")
    basis = pd.Series(pd.NA, index=documents.index, dtype="string")
    basis[pub.notna()] = "published"
    basis[pub.isna() & written.notna()] = "written"
    return documents.assign(year=year, year_basis=basis)


def technology_mentions(metadata: pd.DataFrame,
                        keywords: Mapping[str, Sequence[str]] = TECH_KEYWORDS) -> pd.DataFrame:
    """Every (document, technology) pair where the document's title contains a keyword.

    Parameters
    ----------
    metadata : pandas.DataFrame
        :func:`analysis.report.documents.read_state_council_metadata` (``url``, ``title``,
        ``sc_date_written``, ``sc_date_published``; ``sc_doc_number`` and ``sc_dates_row`` when
        present).
    keywords : mapping, default :data:`TECH_KEYWORDS`
        ``{technology: [keyword, ...]}``; a title matches a technology when its NFKC-normalised text
        contains any of the NFKC-normalised keywords (literal substring, see
        :func:`normalize_title`). A title may match several technologies.

    Returns
    -------
    pandas.DataFrame
        One row per matching (document, technology), columns ``technology``, ``year`` (Int64, see
        :func:`document_year`), ``year_basis``, ``sc_date_written``, ``sc_date_published``,
        ``sc_doc_number`` (文号, <NA> where unknown or not in ``metadata``), ``sc_dates_row`` (Int64,
        row of the source spreadsheet; <NA> likewise), ``title`` (as published), ``keywords`` (the
        matching keywords as given, joined by ``" / "`` in the order given), ``url``. Sorted by
        technology (in the order of ``keywords``), year, date written, date published, url, so the
        first row of a technology is its earliest document.
    """
    kw = _check_keywords(keywords)
    _check_metadata(metadata, ["url", "title", *_DATE_COLUMNS])
    meta = document_year(metadata)
    for col in ("sc_doc_number", "sc_dates_row"):
        if col not in meta.columns:
            meta[col] = pd.NA
    titles = meta["title"].astype("string").fillna("").map(normalize_title)
    rows = []
    for t_order, (tech, words) in enumerate(kw.items()):
        hits = pd.DataFrame({w: titles.str.contains(normalize_title(w), regex=False) for w in words})
        any_hit = hits.any(axis=1)
        sub = meta.loc[any_hit, [c for c in _MENTION_COLUMNS if c not in ("technology", "keywords")]].copy()
        sub["technology"] = tech
        sub["_order"] = t_order
        sub["keywords"] = [" / ".join(w for w in words if h[w]) for _, h in hits[any_hit].iterrows()]
        rows.append(sub)
    out = pd.concat(rows, ignore_index=True)
    out = out.sort_values(["_order", "year", "sc_date_written", "sc_date_published", "url"],
                          na_position="last", kind="mergesort")
    out = out[_MENTION_COLUMNS].reset_index(drop=True)
    return out.astype({**{c: "string" for c in _MENTION_COLUMNS}, "year": "Int64", "sc_dates_row": "Int64"})


def technology_mentions_by_year(metadata: pd.DataFrame,
                                keywords: Mapping[str, Sequence[str]] = TECH_KEYWORDS,
                                years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Count, per technology and year, the State Council documents whose title mentions it.

    Parameters
    ----------
    metadata : pandas.DataFrame
        :func:`analysis.report.documents.read_state_council_metadata` (5,781 documents, 1969–2023-09).
    keywords : mapping, default :data:`TECH_KEYWORDS`
        ``{technology: [keyword, ...]}``; see :func:`technology_mentions`.
    years : (int, int), optional
        First and last year shown (inclusive); default from the earliest to the latest dated
        document in ``metadata``.

    Returns
    -------
    pandas.DataFrame
        One row per technology and year, every year of the span (years without a match have 0),
        columns:

        - ``technology`` (string, in the order of ``keywords``)
        - ``year`` (Int64; 成文日期 year, else 发布日期 year — see :func:`document_year`)
        - ``n_titles`` (Int64): documents of that year whose title contains a keyword
        - ``n_documents`` (Int64): all dated documents of that year in ``metadata``
        - ``share`` (float): ``n_titles / n_documents`` (NaN where ``n_documents`` is 0)

        Documents with neither date (52 in the State Council file) are not counted.
    """
    kw = _check_keywords(keywords)
    meta = document_year(metadata)
    dated = meta["year"].dropna().astype(int)
    if dated.empty:
        raise ValueError("State Council metadata: no document has a written or published date")
    lo, hi = (int(dated.min()), int(dated.max())) if years is None else (int(years[0]), int(years[1]))
    if lo > hi:
        raise ValueError(f"years must be (first, last) with first <= last, got {years}")
    span = list(range(lo, hi + 1))
    totals = dated.value_counts().reindex(span, fill_value=0)
    mentions = technology_mentions(metadata, kw)
    mentions = mentions[mentions["year"].notna()]
    frames = []
    for tech in kw:
        counts = (mentions.loc[mentions["technology"] == tech, "year"].astype(int)
                  .value_counts().reindex(span, fill_value=0))
        frames.append(pd.DataFrame({"technology": tech, "year": span, "n_titles": counts.values,
                                    "n_documents": totals.values}))
    out = pd.concat(frames, ignore_index=True)
    out["technology"] = out["technology"].astype("string")
    for c in ("year", "n_titles", "n_documents"):
        out[c] = out[c].astype("Int64")
    out["share"] = (out["n_titles"].astype(float)
                    / out["n_documents"].astype(float).where(out["n_documents"] > 0))
    return out


def technology_timing(by_year: pd.DataFrame, window: tuple[int, int] = (2015, 2020)) -> pd.DataFrame:
    """Summarise when each technology's titles appear.

    Parameters
    ----------
    by_year : pandas.DataFrame
        :func:`technology_mentions_by_year` (``technology``, ``year``, ``n_titles``,
        ``n_documents``). Titles outside its years are not seen.
    window : (int, int), default (2015, 2020)
        Inclusive year range for ``n_in_window`` / ``share_in_window`` (the report's claim that
        Internet-plus rules are concentrated in 2015–2020).

    Returns
    -------
    pandas.DataFrame
        One row per technology (input order), columns ``technology``, ``n_titles`` (Int64),
        ``first_year``, ``median_year`` (the year of the middle title, lower median), ``last_year``
        (Int64, <NA> without titles), ``n_in_window`` (Int64), ``share_in_window`` (float, NaN
        without titles), ``baseline_share_in_window`` (float: share of *all* dated documents of
        ``by_year`` that fall in the window — what ``share_in_window`` would be if the titles
        followed the library as a whole).
    """
    lo, hi = window
    if lo > hi:
        raise ValueError(f"window must be (start, end) with start <= end, got {window}")
    missing = [c for c in ("technology", "year", "n_titles", "n_documents") if c not in by_year.columns]
    if missing:
        raise ValueError(f"technology_timing: by_year lacks column(s) {missing} "
                         "(expected technology_mentions_by_year)")
    rows = []
    for tech, g in by_year.groupby("technology", sort=False):
        years = g.loc[g["n_titles"] > 0, ["year", "n_titles"]].astype(int)
        expanded = sorted(y for y, n in zip(years["year"], years["n_titles"]) for _ in range(n))
        n = len(expanded)
        inside = sum(lo <= y <= hi for y in expanded)
        rows.append(dict(technology=tech, n_titles=n,
                         first_year=expanded[0] if n else pd.NA,
                         median_year=expanded[(n - 1) // 2] if n else pd.NA,
                         last_year=expanded[-1] if n else pd.NA,
                         n_in_window=inside, share_in_window=inside / n if n else float("nan")))
    docs = by_year.drop_duplicates("year").set_index("year")["n_documents"].astype(float)
    baseline = docs[(docs.index >= lo) & (docs.index <= hi)].sum() / docs.sum() if docs.sum() else float("nan")
    out = pd.DataFrame(rows, columns=["technology", "n_titles", "first_year", "median_year",
                                      "last_year", "n_in_window", "share_in_window"])
    out["baseline_share_in_window"] = float(baseline)
    out["technology"] = out["technology"].astype("string")
    for c in ("n_titles", "first_year", "median_year", "last_year", "n_in_window"):
        out[c] = out[c].astype("Int64")
    out["share_in_window"] = out["share_in_window"].astype(float)
    return out


# --------------------------------------------------------------------------- corpus size
def corpus_summary(corpus: pd.DataFrame, clauses: pd.DataFrame, by: str | Sequence[str] | None = None
                   ) -> pd.DataFrame:
    """Documents, clauses and characters of a corpus, overall or per group of documents.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table (:func:`analysis.load_corpus`): ``doc_id``, ``n_chars`` and the ``by``
        columns.
    clauses : pandas.DataFrame
        Its clauses (:func:`analysis.load_clauses`): ``doc_id``, ``n_chars``.
    by : str or list of str, optional
        Corpus column(s) to group documents by (e.g. ``kind``, ``category``). Missing values form
        their own group, shown as <NA>.

    Returns
    -------
    pandas.DataFrame
        One row per group (or a single row), columns: the ``by`` columns, ``documents``,
        ``clauses``, ``characters`` (sum of the documents' ``n_chars``: whole texts, headers
        included), ``clause_characters`` (sum of clause lengths), ``median_clause_chars``
        (float), ``documents_without_clauses`` (Int64). Sorted by the ``by`` columns.

    Raises
    ------
    ValueError
        If a clause's ``doc_id`` is not in ``corpus``, or a column is missing.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    for name, df, cols in (("corpus", corpus, ["doc_id", "n_chars", *keys]),
                           ("clauses", clauses, ["doc_id", "n_chars"])):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"corpus_summary: {name} table lacks column(s) {missing}")
    unknown = set(clauses["doc_id"]) - set(corpus["doc_id"])
    if unknown:
        raise ValueError(f"corpus_summary: clauses of documents not in the corpus: {sorted(unknown)[:5]}")
    docs = corpus[["doc_id", "n_chars", *keys]].copy()
    for k in keys:
        docs[k] = docs[k].astype("string").fillna("<NA>")
    if not keys:
        docs["_all"] = "all"
        keys_ = ["_all"]
    else:
        keys_ = keys
    cl = clauses[["doc_id", "n_chars"]].merge(docs[["doc_id", *keys_]], on="doc_id", how="left")
    per_doc = clauses.groupby("doc_id").size()
    docs["_n_clauses"] = docs["doc_id"].map(per_doc).fillna(0).astype(int)
    g_docs = docs.groupby(keys_, sort=True, dropna=False)
    out = pd.DataFrame({
        "documents": g_docs.size(),
        "clauses": g_docs["_n_clauses"].sum(),
        "characters": g_docs["n_chars"].sum(),
    })
    g_cl = cl.groupby(keys_, sort=True, dropna=False)["n_chars"]
    out["clause_characters"] = g_cl.sum().reindex(out.index).fillna(0)
    out["median_clause_chars"] = g_cl.median().reindex(out.index).astype(float)
    out["documents_without_clauses"] = g_docs["_n_clauses"].apply(lambda s: int((s == 0).sum()))
    out = out.reset_index()
    if keys_ == ["_all"]:
        out = out.drop(columns="_all")
    else:
        for k in keys:
            out[k] = out[k].astype("string").replace("<NA>", pd.NA)
    for c in ("documents", "clauses", "characters", "clause_characters", "documents_without_clauses"):
        out[c] = out[c].astype("Int64")
    return out


def law_outline(structure: pd.DataFrame, clauses: pd.DataFrame) -> pd.DataFrame:
    """Chapters of a law with their articles, 款 and 项 counted.

    Parameters
    ----------
    structure : pandas.DataFrame
        :func:`analysis.corpus.clauses.structure` of one law (levels 章, 条, …).
    clauses : pandas.DataFrame
        :func:`analysis.corpus.clauses.segment` of the same text (levels 款, 项, 目).

    Returns
    -------
    pandas.DataFrame
        One row per chapter in document order, columns ``chapter`` (label, e.g. ``第一章``),
        ``number`` (Int64), ``heading`` (e.g. ``总则``; whitespace inside removed, so ``总  则`` reads
        ``总则``), ``first_article`` and ``last_article``
        (Int64 article numbers), ``articles``, ``kuan`` (款: paragraphs of articles), ``xiang``
        (项: enumerated items), ``mu`` (目) and ``clauses`` (all Int64). ``clauses`` counts the rows of
        :func:`~analysis.corpus.clauses.segment` inside the chapter: a 款 with text of its own is one
        clause and each of its 项 is another, so ``clauses`` ≤ ``kuan + xiang + mu``.

    Raises
    ------
    ValueError
        If the structure has no 章 level (the text is not a law divided into chapters).
    """
    chapters = structure[structure["level"] == "章"]
    if chapters.empty:
        raise ValueError("law_outline: no 章 (chapter) in this structure table")
    arts = structure[structure["level"] == "条"]
    rows = []
    for ch in chapters.itertuples(index=False):
        prefix = f"{ch.path}/"
        a = arts[arts["path"].str.startswith(prefix)]
        c = clauses[clauses["path"].str.startswith(prefix)]
        # a 款 is a row of level 款, or the virtual …/第k款/ segment above 项 rows without own text
        kuan_paths = set(c.loc[c["level"] == "款", "path"])
        kuan_paths |= {p.split("/（")[0] for p in c.loc[c["level"].isin(["项", "目"]), "path"]}
        heading = None if pd.isna(ch.heading) else "".join(str(ch.heading).split())
        rows.append(dict(chapter=ch.label, number=ch.number, heading=heading,
                         first_article=a["number"].min() if len(a) else pd.NA,
                         last_article=a["number"].max() if len(a) else pd.NA,
                         articles=len(a), kuan=len(kuan_paths),
                         xiang=int((c["level"] == "项").sum()), mu=int((c["level"] == "目").sum()),
                         clauses=len(c)))
    out = pd.DataFrame(rows)
    for col in ("number", "first_article", "last_article", "articles", "kuan", "xiang", "mu", "clauses"):
        out[col] = out[col].astype("Int64")
    for col in ("chapter", "heading"):
        out[col] = out[col].astype("string")
    return out


#: Characters that end a complete clause of Chinese legal or policy text (sentence and clause
#: punctuation, closing brackets and quotes). A clause ending otherwise was usually cut at a line
#: break inside a sentence (text copied from a PDF with hard line wraps) or is a table cell.
CLAUSE_END_MARKS = "。；：！？;:!?）)」』”’】"


def unterminated_clauses(clauses: pd.DataFrame) -> pd.DataFrame:
    """Per document, how many clauses do not end with a clause-final mark.

    A high share flags texts whose lines were hard-wrapped (each line then becomes a "paragraph"
    clause cut mid-sentence) or that hold tables, so that clause counts overstate their structure.

    Parameters
    ----------
    clauses : pandas.DataFrame
        :func:`analysis.load_clauses` output (``doc_id``, ``text``).

    Returns
    -------
    pandas.DataFrame
        One row per document (order of first appearance), columns ``doc_id``, ``clauses``
        (Int64), ``unterminated`` (Int64: clauses whose last non-blank character is not in
        :data:`CLAUSE_END_MARKS`), ``share_unterminated`` (float).
    """
    missing = [c for c in ("doc_id", "text") if c not in clauses.columns]
    if missing:
        raise ValueError(f"unterminated_clauses: clauses table lacks column(s) {missing}")
    last = clauses["text"].astype("string").str.rstrip().str[-1]
    open_ = ~last.isin(list(CLAUSE_END_MARKS))
    g = pd.DataFrame({"doc_id": clauses["doc_id"], "open": open_.astype(int)}).groupby(
        "doc_id", sort=False)["open"]
    out = pd.DataFrame({"clauses": g.size(), "unterminated": g.sum()}).reset_index()
    out["doc_id"] = out["doc_id"].astype("string")
    for c in ("clauses", "unterminated"):
        out[c] = out[c].astype("Int64")
    out["share_unterminated"] = out["unterminated"].astype(float) / out["clauses"].astype(float)
    return out
