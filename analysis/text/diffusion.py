"""Diffusion between local legislatures: which local regulations restate which, in what order, and which shared
text comes from a common national source.

The local corpus (:func:`analysis.corpus.local.local_corpus`, **newest versions only**: ``local_documents``'s
``latest_version``) is compared with itself by the reuse module's detector, unchanged (:mod:`analysis.text.reuse`:
the same normalisation, candidates, alignment, confirmation and kinds of shared text). Then:

1. **Pairs that are not between two regulations are dropped**: a unit against its own document, and pairs between
   two files of one title within a province (``latest_version`` keeps both files when two versions share the
   newest date; they are versions, not two legislatures). The detector's count of titles a unit is confirmed
   against (``n_target_titles``, which decides the ``many_titles`` formula) includes the unit's own title when the
   corpus is its own target; it is corrected by one, and a pair called a ``many_titles`` formula only because of
   that count is given the kind :func:`analysis.text.reuse.classify_pair` would have given it (stock or
   substantive, by ``rare_shingles``) — exactly what the detector would say had its own title not been searched.
2. **Each unordered pair of articles once**: the detector runs both ways (A's article against B's and B's against
   A's); when both are confirmed the row with more matched characters is kept (ties: the smaller source
   ``doc_id``/article), so the choice never depends on the dates. ``both_ways`` says whether both were confirmed.
3. **Ordered in time by adoption date** (``local_documents.adopted``: the first promulgation line that says 通过):
   the earlier regulation is the **source of diffusion**, the later one the **adopter**. Pairs with the same date
   (``order = same_date``) or a missing date (``missing_date``) are reported apart and never given a direction;
   their "earlier"/"later" columns hold the two sides in ``doc_id`` order. ``adopted`` is the date of first
   adoption; a regulation amended since may have taken up the shared wording at an amendment — the order is that
   of first adoption, not of the wording.
4. **Kinds set apart** (:data:`CATEGORIES`, the ``category`` column), in this order:

   * ``formula`` and ``stock`` — the detector's ``kind`` (drafting formulae, text shared with many titles, short
     commonplace runs; :func:`analysis.text.reuse.classify_pair`);
   * ``common_national_source`` — a substantive pair whose two articles **both restate the same national article**
     in the local × national pairs (``data/processed/reuse_pairs.csv``, kind substantive): the same national title
     and article path (any version), or overlapping national spans in one national document. Two cities that
     both copied 大气污染防治法 第X条 share text because of the national law, not because one copied the other. The
     rule is decided per pair of articles: a local pair that shares the national article *and* more besides is
     set apart whole (conservative for diffusion);
   * ``diffusion`` — the rest: substantive text two local regulations share and no national article explains.

The **diffusion network** (:func:`diffusion_network`) has one directed edge per ordered pair of regulations with
diffusion pairs, earlier → later; its weight is the characters of the later regulation covered by the shared spans
(union of spans, so overlapping spans count once), with the number of article pairs, the lag in years (adoption
dates, ÷ 365.25), the two provinces and whether they are the same. :func:`build_diffusion_tables` builds the tables
of ``python -m analysis build`` (step ``diffusion``).

**Sensitivity to the formula rule.** The detector also calls a pair a formula *from frequency*
(:data:`FREQUENCY_FORMULAE`): its text occurs in ten or more titles of the target corpus. Against national law that
sets apart drafting boilerplate; here the target is the local corpus itself, so a template many local legislatures
share (the 文明行为促进条例 family, model property-management rules) falls into ``formula`` although its spread is
diffusion. :func:`diffusion_pairs` with ``formulae="wording"`` sets apart only the formulae recognised from their
wording (:func:`wording_formulae_only`); :func:`sensitivity_table` puts the two rules side by side (table
``diffusion_sensitivity``; ``diffusion_regulations.rank_wording``). The default tables keep the stricter rule.

What the detector cannot see here: text two regulations share with a *common draft or model law* outside the
corpora (a provincial template, a State Council department's model regulation) is counted as diffusion between
them; so is text both took from a national *policy* document (the national corpus holds laws, administrative
regulations and judicial interpretations, not policy documents). Adoption is not influence: an earlier regulation
sharing text with a later one is a candidate source, and a third regulation (or an unpublished draft) may be the
real one. The corpus covers seven provinces (LawRefBook ``DLC/`` packs), so diffusion from the other 24 is not seen.

Performance: the comparison is :func:`analysis.text.reuse.reuse_against` of the local corpus against itself
(:func:`local_pairs`); ``n_jobs`` splits the source documents between processes (fork) and combines their pairs with
:func:`analysis.text.reuse.combine_pairs`. For corpora larger than one machine's memory, use the blocked Dask path,
:func:`analysis.distributed.blocked_reuse.run_local_reuse`: no worker holds the whole index, and its pairs and
diffusion tables are byte-identical to this module's (tests/test_distributed_reuse.py). Times, memory per worker and
the growth with corpus size: ``tests/benchmarks/diffusion.md``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import reuse

__all__ = ["CATEGORIES", "ORDERS", "DIFFUSION_COLUMNS", "latest_local", "local_titles", "local_target",
           "local_pairs", "drop_within", "unordered", "national_keys", "common_source", "order_pairs",
           "diffusion_pairs", "diffusion_edges", "diffusion_network", "regulation_table", "province_table",
           "summary_table", "count_table", "build_diffusion_tables", "GRAPHML", "FORMULA_RULES",
           "FREQUENCY_FORMULAE", "wording_formulae_only", "copied_ranks", "sensitivity_table"]

CATEGORIES = ["diffusion", "common_national_source", "formula", "stock"]
#: The two rules for formulae (:func:`diffusion_pairs`'s ``formulae``): ``all`` sets apart every formula the detector
#: names (the default, the built tables); ``wording`` only those recognised from their wording
#: (:func:`analysis.text.reuse.formula_kind`), not those recognised from frequency (:data:`FREQUENCY_FORMULAE`).
FORMULA_RULES = {"all": "all formulae", "wording": "wording formulae only"}
#: Formula kinds the detector decides by counting titles of the *target* corpus (here the local corpus itself):
#: ``common`` (most of the span's shingles occur in ``common_titles`` or more titles) and ``many_titles`` (the
#: article is confirmed against ``formulaic_titles`` or more titles).
FREQUENCY_FORMULAE = ("common", "many_titles")
ORDERS = ["ordered", "same_date", "missing_date"]
GRAPHML = "diffusion_network.graphml"

DIFFUSION_COLUMNS = ["earlier_doc", "earlier_unit", "earlier_start", "earlier_end", "later_doc", "later_unit",
                     "later_start", "later_end", "order", "earlier_adopted", "later_adopted", "lag_years",
                     "earlier_province", "later_province", "same_province", "matched", "similarity", "containment",
                     "both_ways", "kind", "formula_kind", "category", "national_title", "national_unit"]


# --------------------------------------------------------------------------- the corpus and the comparison
def latest_local(corpus: pd.DataFrame | None = None, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The newest version of each local regulation (``local_documents.latest_version``), as a corpus table.

    Parameters
    ----------
    corpus : DataFrame, optional
        :func:`analysis.corpus.local.local_corpus` (default: read it).
    documents : DataFrame, optional
        :func:`analysis.corpus.local.local_documents` of that corpus (default: computed).
    """
    from ..corpus.local import local_corpus, local_documents

    loc = local_corpus() if corpus is None else corpus
    docs = local_documents(loc) if documents is None else documents
    keep = set(docs.loc[docs["latest_version"].astype(bool), "doc_id"])
    return loc[loc["doc_id"].isin(keep)].reset_index(drop=True)


def local_titles(corpus: pd.DataFrame) -> dict:
    """Title key by ``doc_id``: ``<province>/<title>`` (versions of one regulation share it; one title in two
    provinces would be two regulations)."""
    return dict(zip(corpus["doc_id"], corpus["province"].astype(str) + "/" + corpus["title"].astype(str)))


def local_target(corpus: pd.DataFrame, **params) -> reuse.ReuseTarget:
    """The local corpus prepared as the target of the detector (:func:`analysis.text.reuse.reuse_target`, titles
    from :func:`local_titles`)."""
    from ..corpus.corpora import load_clauses

    return reuse.reuse_target(load_clauses(corpus), dict(zip(corpus["doc_id"], corpus["text"])),
                              local_titles(corpus), **params)


def _chunk_pairs(args) -> pd.DataFrame:
    from ..corpus.corpora import load_clauses

    chunk, target = args
    return reuse.reuse_against(load_clauses(chunk), dict(zip(chunk["doc_id"], chunk["text"])), target)


_FORK_TARGET: list = []


def _forked_chunk(chunk: pd.DataFrame) -> pd.DataFrame:
    return _chunk_pairs((chunk, _FORK_TARGET[0]))


def local_pairs(corpus: pd.DataFrame, *, target: reuse.ReuseTarget | None = None, n_jobs: int = 1,
                **params) -> pd.DataFrame:
    """Every confirmed article pair of the local corpus against itself: :func:`analysis.text.reuse.reuse_against`
    of ``corpus`` against :func:`local_target` of ``corpus`` (:data:`analysis.text.reuse.PAIR_COLUMNS`,
    ``target_title`` = ``<province>/<title>``), including each article against itself.

    Parameters
    ----------
    corpus : DataFrame
        Corpus table (``doc_id``, ``title``, ``province``, ``text``), e.g. :func:`latest_local`.
    target : ReuseTarget, optional
        ``corpus`` already prepared by :func:`local_target` with the same ``params``.
    n_jobs : int
        Processes for the source side (fork; ``1``: this process). The source documents are split into
        ``n_jobs`` contiguous chunks and the pairs combined (:func:`analysis.text.reuse.combine_pairs`): the result
        does not depend on ``n_jobs``.
    **params
        Overrides of :data:`analysis.text.reuse.DEFAULTS`.
    """
    if target is None:
        target = local_target(corpus, **params)
    if n_jobs <= 1:
        return _chunk_pairs((corpus, target))
    import multiprocessing as mp

    bounds = np.linspace(0, len(corpus), 4 * n_jobs + 1).astype(int)
    chunks = [corpus.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    _FORK_TARGET[:] = [target]
    try:
        with mp.get_context("fork").Pool(n_jobs) as pool:
            got = pool.map(_forked_chunk, chunks, chunksize=1)
    finally:
        _FORK_TARGET.clear()
    return reuse.combine_pairs(got)


# --------------------------------------------------------------------------- pair hygiene
def drop_within(pairs: pd.DataFrame, titles: dict, params: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """Drop pairs within one document and between versions of one title; correct ``n_target_titles`` and the
    ``many_titles`` formula for the unit's own title (module docstring, step 1).

    Parameters
    ----------
    pairs : DataFrame
        :func:`local_pairs` output.
    titles : dict
        Title key by ``doc_id`` (:func:`local_titles`).
    params : dict, optional
        Detector parameters (``formulaic_titles``, ``stock_rare``); default :data:`analysis.text.reuse.DEFAULTS`.

    Returns
    -------
    (pairs, counts)
        The kept pairs (same columns) and ``{"same_document": n, "same_title": n, "reclassified": n}``.
    """
    p = {**reuse.DEFAULTS, **(params or {})}
    src_t = pairs["source_doc"].map(titles)
    tgt_t = pairs["target_doc"].map(titles)
    same_doc = (pairs["source_doc"] == pairs["target_doc"]).to_numpy(dtype=bool)
    same_title = (src_t == tgt_t).to_numpy(dtype=bool) & ~same_doc
    own = pairs.loc[same_doc | same_title, ["source_doc", "source_unit"]].drop_duplicates()
    out = pairs[~(same_doc | same_title)].copy()
    has_own = pd.MultiIndex.from_frame(out[["source_doc", "source_unit"]]).isin(
        pd.MultiIndex.from_frame(own))
    n = out["n_target_titles"].astype("int64").to_numpy() - has_own.astype(np.int64)
    out["n_target_titles"] = pd.array(n, dtype="Int64")
    redo = ((out["formula_kind"] == "many_titles").fillna(False).to_numpy(dtype=bool)
            & (n < p["formulaic_titles"]))
    if redo.any():
        rare = out["rare_shingles"].astype("int64").to_numpy()
        new_kind = np.where(rare < p["stock_rare"], "stock", "substantive")
        out.loc[redo, "kind"] = new_kind[redo]
        out.loc[redo, "formula_kind"] = pd.NA
    counts = {"same_document": int(same_doc.sum()), "same_title": int(same_title.sum()),
              "reclassified": int(redo.sum())}
    return out.reset_index(drop=True), counts


def unordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each unordered pair of articles once (module docstring, step 2): of the two directions, the row with the
    larger ``matched``, then the smaller ``(source_doc, source_unit)``. Adds ``both_ways`` (boolean) and
    ``key_a``/``key_b`` are not kept: the row keeps its detector columns (source = the article whose span was
    searched against the other)."""
    a = pairs["source_doc"].astype(str) + "\x00" + pairs["source_unit"].astype(str)
    b = pairs["target_doc"].astype(str) + "\x00" + pairs["target_unit"].astype(str)
    lo = np.where(a < b, a, b)
    hi = np.where(a < b, b, a)
    d = pairs.assign(_lo=lo, _hi=hi, _src=a.to_numpy(), _m=pairs["matched"].astype("int64"))
    d["both_ways"] = d.groupby(["_lo", "_hi"])["_src"].transform("size").to_numpy() > 1
    d = d.sort_values(["_lo", "_hi", "_m", "_src"], ascending=[True, True, False, True], kind="stable")
    d = d.drop_duplicates(["_lo", "_hi"], keep="first")
    d["both_ways"] = d["both_ways"].astype("boolean")
    return d.drop(columns=["_lo", "_hi", "_src", "_m"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the common-source rule
def national_keys(national_pairs: pd.DataFrame, national_titles: dict | None = None) -> pd.DataFrame:
    """The national articles each local article restates substantively, from local × national pairs.

    Parameters
    ----------
    national_pairs : DataFrame
        :func:`analysis.text.reuse.find_reuse` of local against national, or the built ``reuse_pairs`` (which has
        no ``target_title``: then ``national_titles`` gives it).
    national_titles : dict, optional
        Title by national ``doc_id``.

    Returns
    -------
    DataFrame
        ``doc``, ``unit`` (the local article), ``national_doc``, ``national_title``, ``national_unit``,
        ``national_start``, ``national_end``; substantive pairs only.
    """
    sub = national_pairs[national_pairs["kind"].astype(str) == "substantive"]
    if "target_title" in sub and national_titles is None:
        title = sub["target_title"].astype(str)
    else:
        title = sub["target_doc"].map(national_titles or {}).fillna(sub["target_doc"]).astype(str)
    return pd.DataFrame({"doc": sub["source_doc"].astype(str).to_numpy(),
                         "unit": sub["source_unit"].astype(str).to_numpy(),
                         "national_doc": sub["target_doc"].astype(str).to_numpy(),
                         "national_title": title.to_numpy(),
                         "national_unit": sub["target_unit"].astype(str).to_numpy(),
                         "national_start": sub["target_start"].astype("int64").to_numpy(),
                         "national_end": sub["target_end"].astype("int64").to_numpy()})


def common_source(pairs: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """For each local × local pair (rows of ``pairs``, detector columns), the national article both its articles
    restate, if any: same national title and article path, or overlapping national spans in one national document.

    Returns
    -------
    DataFrame
        Indexed like ``pairs``: ``common`` (boolean), ``national_title`` and ``national_unit`` (the first common
        article in title/article order; <NA> when none).
    """
    idx = pd.DataFrame({"row": np.arange(len(pairs)), "doc_a": pairs["source_doc"].astype(str).to_numpy(),
                        "unit_a": pairs["source_unit"].astype(str).to_numpy(),
                        "doc_b": pairs["target_doc"].astype(str).to_numpy(),
                        "unit_b": pairs["target_unit"].astype(str).to_numpy()})
    ka = keys.rename(columns={c: f"{c}_a" for c in keys.columns})
    kb = keys.rename(columns={c: f"{c}_b" for c in keys.columns})
    left = idx.merge(ka, on=["doc_a", "unit_a"], how="inner")
    found = []
    if len(left):
        both = left.merge(kb, left_on=["doc_b", "unit_b", "national_title_a", "national_unit_a"],
                          right_on=["doc_b", "unit_b", "national_title_b", "national_unit_b"], how="inner")
        found.append(both[["row", "national_title_a", "national_unit_a"]])
        span = left.merge(kb, left_on=["doc_b", "unit_b", "national_doc_a"],
                          right_on=["doc_b", "unit_b", "national_doc_b"], how="inner")
        span = span[(span["national_start_a"] < span["national_end_b"])
                    & (span["national_start_b"] < span["national_end_a"])]
        found.append(span[["row", "national_title_a", "national_unit_a"]])
    hit = (pd.concat(found, ignore_index=True) if found else
           pd.DataFrame(columns=["row", "national_title_a", "national_unit_a"]))
    hit = hit.sort_values(["row", "national_title_a", "national_unit_a"], kind="stable").drop_duplicates("row")
    out = pd.DataFrame({"common": np.zeros(len(pairs), dtype=bool)}, index=pairs.index)
    out["national_title"] = pd.array([pd.NA] * len(pairs), dtype="string")
    out["national_unit"] = pd.array([pd.NA] * len(pairs), dtype="string")
    rows = hit["row"].astype("int64").to_numpy()
    out.iloc[rows, 0] = True
    out.iloc[rows, 1] = hit["national_title_a"].astype(str).to_numpy()
    out.iloc[rows, 2] = hit["national_unit_a"].astype(str).to_numpy()
    out["common"] = out["common"].astype("boolean")
    return out


# --------------------------------------------------------------------------- order in time
def order_pairs(pairs: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Give each unordered pair its earlier and later side by adoption date (module docstring, step 3).

    Parameters
    ----------
    pairs : DataFrame
        Detector columns plus ``both_ways``, ``category``, ``national_title``, ``national_unit``.
    documents : DataFrame
        ``doc_id``, ``adopted`` (ISO date or <NA>), ``province``.

    Returns
    -------
    DataFrame
        :data:`DIFFUSION_COLUMNS`.
    """
    adopted = dict(zip(documents["doc_id"], documents["adopted"]))
    prov = dict(zip(documents["doc_id"], documents["province"]))
    sd, td = pairs["source_doc"].astype(str).to_numpy(), pairs["target_doc"].astype(str).to_numpy()
    sa = pd.Series(sd).map(adopted)
    ta = pd.Series(td).map(adopted)
    missing = (sa.isna() | ta.isna()).to_numpy()
    s_str, t_str = sa.fillna("").astype(str).to_numpy(), ta.fillna("").astype(str).to_numpy()
    same = ~missing & (s_str == t_str)
    order = np.where(missing, "missing_date", np.where(same, "same_date", "ordered"))
    # the source side is the earlier one when it has the earlier date; unordered pairs: doc_id order
    src_first = np.where(order == "ordered", s_str < t_str, sd < td)
    sides = {}
    for side, other in (("source", "target"), ("target", "source")):
        for c in ("doc", "unit", "start", "end"):
            sides[(side, c)] = pairs[f"{side}_{c}"].to_numpy()
    out = pd.DataFrame({
        "earlier_doc": np.where(src_first, sides[("source", "doc")], sides[("target", "doc")]),
        "earlier_unit": np.where(src_first, sides[("source", "unit")], sides[("target", "unit")]),
        "earlier_start": np.where(src_first, sides[("source", "start")], sides[("target", "start")]),
        "earlier_end": np.where(src_first, sides[("source", "end")], sides[("target", "end")]),
        "later_doc": np.where(src_first, sides[("target", "doc")], sides[("source", "doc")]),
        "later_unit": np.where(src_first, sides[("target", "unit")], sides[("source", "unit")]),
        "later_start": np.where(src_first, sides[("target", "start")], sides[("source", "start")]),
        "later_end": np.where(src_first, sides[("target", "end")], sides[("source", "end")]),
        "order": order})
    out["earlier_adopted"] = out["earlier_doc"].map(adopted)
    out["later_adopted"] = out["later_doc"].map(adopted)
    lag = (pd.to_datetime(out["later_adopted"]) - pd.to_datetime(out["earlier_adopted"])).dt.days / 365.25
    out["lag_years"] = lag.round(2).where(out["order"] == "ordered")
    out["earlier_province"] = out["earlier_doc"].map(prov)
    out["later_province"] = out["later_doc"].map(prov)
    out["same_province"] = out["earlier_province"] == out["later_province"]
    for c in ("matched", "similarity", "containment", "both_ways", "kind", "formula_kind", "category",
              "national_title", "national_unit"):
        out[c] = pairs[c].to_numpy()
    return _typed(out[DIFFUSION_COLUMNS])


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("earlier_start", "earlier_end", "later_start", "later_end", "matched"):
        df[c] = pd.array(df[c].astype("int64"), dtype="Int64")
    for c in ("lag_years", "similarity", "containment"):
        df[c] = df[c].astype("Float64")
    for c in ("same_province", "both_ways"):
        df[c] = df[c].astype("boolean")
    for c in ("earlier_doc", "earlier_unit", "later_doc", "later_unit", "order", "earlier_adopted",
              "later_adopted", "earlier_province", "later_province", "kind", "formula_kind", "category",
              "national_title", "national_unit"):
        df[c] = df[c].astype("string")
    return df


def diffusion_pairs(pairs: pd.DataFrame, documents: pd.DataFrame, national_pairs: pd.DataFrame,
                    national_titles: dict | None = None, *, params: dict | None = None, formulae: str = "all"
                    ) -> tuple[pd.DataFrame, dict]:
    """Local × local detector pairs → one row per unordered pair of articles between two regulations, ordered
    in time and given a :data:`CATEGORIES` category (the module docstring's steps 1–4).

    Parameters
    ----------
    pairs : DataFrame
        :func:`local_pairs` (or :func:`analysis.distributed.run_reuse` with the corpus as source and target).
    documents : DataFrame
        ``doc_id``, ``title``, ``province``, ``adopted`` of every document in ``pairs`` (``local_documents``).
    national_pairs : DataFrame
        Local × national pairs (``reuse_pairs``, or :func:`analysis.text.reuse.find_reuse` output).
    national_titles : dict, optional
        Title by national ``doc_id`` when ``national_pairs`` has no ``target_title``.
    params : dict, optional
        Detector parameters (for the ``many_titles`` correction).
    formulae : {"all", "wording"}
        :data:`FORMULA_RULES`: ``all`` (default) sets apart every formula pair; ``wording`` only the formulae
        recognised from their wording, the frequency formulae being reclassified by :func:`wording_formulae_only`
        (the sensitivity check of :func:`sensitivity_table`).

    Returns
    -------
    (table, counts)
        :data:`DIFFUSION_COLUMNS`, sorted by category, order, earlier doc and article, later doc and article;
        ``counts`` from :func:`drop_within` (with ``"frequency_reclassified"`` under ``formulae="wording"``).
    """
    if formulae not in FORMULA_RULES:
        raise ValueError(f"diffusion_pairs: formulae={formulae!r}; use one of {sorted(FORMULA_RULES)}")
    titles = local_titles(documents)
    kept, counts = drop_within(pairs, titles, params)
    if formulae == "wording":
        kept, n = wording_formulae_only(kept, params)
        counts = {**counts, "frequency_reclassified": n}
    one = unordered(kept)
    cs = common_source(one, national_keys(national_pairs, national_titles))
    kind = one["kind"].astype(str).to_numpy()
    cat = np.where(kind == "formula", "formula", np.where(kind == "stock", "stock",
                   np.where(cs["common"].to_numpy(dtype=bool), "common_national_source", "diffusion")))
    one = one.assign(category=cat, national_title=cs["national_title"].to_numpy(),
                     national_unit=cs["national_unit"].to_numpy())
    not_sub = kind != "substantive"
    one.loc[not_sub, ["national_title", "national_unit"]] = pd.NA
    out = order_pairs(one, documents)
    out["_c"] = out["category"].map({c: i for i, c in enumerate(CATEGORIES)})
    out["_o"] = out["order"].map({c: i for i, c in enumerate(ORDERS)})
    out = out.sort_values(["_c", "_o", "earlier_doc", "earlier_start", "later_doc", "later_start",
                           "earlier_unit", "later_unit"], kind="stable")
    return out.drop(columns=["_c", "_o"]).reset_index(drop=True), counts


# --------------------------------------------------------------------------- network and tables
def _union(df: pd.DataFrame, keys: list[str], start: str, end: str) -> pd.Series:
    renamed = df.rename(columns={start: "source_start", end: "source_end"})
    return reuse._union_by(renamed, keys)


def diffusion_edges(table: pd.DataFrame, body: pd.Series | None = None) -> pd.DataFrame:
    """One row per directed edge earlier → later of the ``diffusion`` pairs with an order.

    Parameters
    ----------
    table : DataFrame
        :func:`diffusion_pairs` output.
    body : Series, optional
        Body characters by ``doc_id`` (:func:`analysis.text.reuse.body_chars`), for ``later_share``.

    Returns
    -------
    DataFrame
        ``earlier_doc``, ``later_doc``, ``chars`` (characters of the later regulation covered by the shared spans,
        union), ``later_share`` (of its body; <NA> without ``body``), ``n_pairs`` (article pairs),
        ``n_later_articles``, ``earlier_adopted``, ``later_adopted``, ``lag_years``, ``earlier_province``,
        ``later_province``, ``same_province``; sorted by earlier then later doc.
    """
    d = table[(table["category"] == "diffusion") & (table["order"] == "ordered")]
    keys = ["earlier_doc", "later_doc"]
    if d.empty:
        cols = keys + ["chars", "later_share", "n_pairs", "n_later_articles", "earlier_adopted", "later_adopted",
                       "lag_years", "earlier_province", "later_province", "same_province"]
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    chars = _union(d, keys, "later_start", "later_end")
    g = d.groupby(keys, sort=True)
    out = g.agg(n_pairs=("later_unit", "size"), n_later_articles=("later_unit", "nunique"),
                earlier_adopted=("earlier_adopted", "first"), later_adopted=("later_adopted", "first"),
                lag_years=("lag_years", "first"), earlier_province=("earlier_province", "first"),
                later_province=("later_province", "first"), same_province=("same_province", "first"))
    out.insert(0, "chars", chars.reindex(out.index).to_numpy())
    out = out.reset_index()
    if body is not None:
        b = out["later_doc"].map(body).astype(float)
        out.insert(3, "later_share", (out["chars"] / b.clip(lower=1)).round(4))
    else:
        out.insert(3, "later_share", np.nan)
    for c in ("chars", "n_pairs", "n_later_articles"):
        out[c] = out[c].astype("Int64")
    for c in ("later_share", "lag_years"):
        out[c] = out[c].astype("Float64")
    out["same_province"] = out["same_province"].astype("boolean")
    for c in ("earlier_doc", "later_doc", "earlier_adopted", "later_adopted", "earlier_province", "later_province"):
        out[c] = out[c].astype("string")
    return out.sort_values(keys, kind="stable", ignore_index=True)


def diffusion_network(edges: pd.DataFrame, documents: pd.DataFrame):
    """The directed diffusion network (networkx ``DiGraph``): a node per regulation with an edge (``doc_id``;
    ``title``, ``province``, ``adopted``, ``kind``, ``level``, ``digital``), an edge per :func:`diffusion_edges`
    row (``weight`` = ``chars``, ``n_pairs``, ``lag_years``, ``source_province``, ``target_province``,
    ``same_province``). Nodes and edges are added in sorted order; write it with
    :func:`analysis.text.networks.write_graphml`."""
    import networkx as nx

    g = nx.DiGraph()
    meta = documents.set_index("doc_id")
    for d in sorted(set(edges["earlier_doc"]) | set(edges["later_doc"])):
        r = meta.loc[d]
        g.add_node(d, title=str(r["title"]), province=str(r["province"]),
                   adopted="" if pd.isna(r["adopted"]) else str(r["adopted"]),
                   kind="" if pd.isna(r["kind"]) else str(r["kind"]),
                   level="" if pd.isna(r["level"]) else str(r["level"]),
                   digital=bool(r["digital"]) if "digital" in meta and not pd.isna(r["digital"]) else False)
    for r in edges.itertuples(index=False):
        g.add_edge(r.earlier_doc, r.later_doc, weight=int(r.chars), n_pairs=int(r.n_pairs),
                   lag_years=float(r.lag_years), source_province=str(r.earlier_province),
                   target_province=str(r.later_province), same_province=bool(r.same_province))
    return g


def regulation_table(table: pd.DataFrame, edges: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per regulation (every document in ``documents``): how much later regulations take from it and it from earlier
    ones, ranked by how copied it is.

    Returns
    -------
    DataFrame
        ``rank`` (by ``out_degree``, then ``out_chars``, then doc_id), ``doc_id``, ``title``, ``province``,
        ``level``, ``adopted``, ``digital``; ``out_degree`` (later regulations sharing diffusion text with it),
        ``out_chars`` (sum of those edges' weights: characters of the later texts), ``in_degree``, ``in_chars``
        (characters of its own text shared with earlier regulations, union over all of them),
        ``common_pairs`` (article pairs with another regulation set apart as common national source),
        ``unordered_pairs`` (diffusion pairs without an order: same or missing date).
    """
    d = documents[["doc_id", "title", "province", "level", "adopted", "digital"]].copy()
    out_deg = edges.groupby("earlier_doc").size()
    out_chars = edges.groupby("earlier_doc")["chars"].sum()
    in_deg = edges.groupby("later_doc").size()
    dif = table[(table["category"] == "diffusion") & (table["order"] == "ordered")]
    in_chars = _union(dif, ["later_doc"], "later_start", "later_end")
    com = table[table["category"] == "common_national_source"]
    common = pd.concat([com["earlier_doc"], com["later_doc"]]).value_counts()
    un = table[(table["category"] == "diffusion") & (table["order"] != "ordered")]
    unordered_n = pd.concat([un["earlier_doc"], un["later_doc"]]).value_counts()
    for name, s in (("out_degree", out_deg), ("out_chars", out_chars), ("in_degree", in_deg),
                    ("in_chars", in_chars), ("common_pairs", common), ("unordered_pairs", unordered_n)):
        d[name] = pd.array(d["doc_id"].map(s).fillna(0).astype("int64"), dtype="Int64")
    d = d.sort_values(["out_degree", "out_chars", "doc_id"], ascending=[False, False, True], kind="stable")
    d.insert(0, "rank", pd.array(np.arange(1, len(d) + 1), dtype="Int64"))
    for c in ("doc_id", "title", "province", "level", "adopted"):
        d[c] = d[c].astype("string")
    d["digital"] = d["digital"].astype("boolean")
    return d.reset_index(drop=True)


def province_table(edges: pd.DataFrame) -> pd.DataFrame:
    """Edges by province of the earlier and of the later regulation: ``earlier_province``, ``later_province``,
    ``n_edges``, ``chars``, ``lag_median``, ``lag_q25``, ``lag_q75`` (years)."""
    g = edges.groupby(["earlier_province", "later_province"], sort=True)
    lag = g["lag_years"]
    out = pd.DataFrame({"n_edges": g.size(), "chars": g["chars"].sum(),
                        "lag_median": lag.median(), "lag_q25": lag.quantile(0.25), "lag_q75": lag.quantile(0.75)})
    out = out.reset_index()
    for c in ("n_edges", "chars"):
        out[c] = out[c].astype("Int64")
    for c in ("lag_median", "lag_q25", "lag_q75"):
        out[c] = out[c].astype("Float64").round(2)
    for c in ("earlier_province", "later_province"):
        out[c] = out[c].astype("string")
    return out


def summary_table(edges: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Diffusion edges by scope: all; within one province; across provinces; from a digital-governance regulation;
    to one; neither end digital (``data/curated/local_digital_regulations.csv``).

    Returns
    -------
    DataFrame
        ``scope``, ``n_edges``, ``n_sources`` (distinct earlier regulations), ``n_adopters`` (distinct later),
        ``chars_median`` (per edge), ``later_share_median``, ``lag_median``, ``lag_q25``, ``lag_q75``,
        ``lag_within_2y`` (share of edges with a lag of at most two years).
    """
    dig = set(documents.loc[documents["digital"].astype(bool), "doc_id"])
    e_dig = edges["earlier_doc"].isin(dig)
    l_dig = edges["later_doc"].isin(dig)
    same = edges["same_province"].astype(bool)
    scopes = [("all", edges), ("within province", edges[same]), ("across provinces", edges[~same]),
              ("from digital-governance", edges[e_dig]), ("to digital-governance", edges[l_dig]),
              ("neither digital", edges[~e_dig & ~l_dig])]
    rows = []
    for name, e in scopes:
        lag = e["lag_years"].astype(float)
        rows.append(dict(scope=name, n_edges=len(e), n_sources=e["earlier_doc"].nunique(),
                         n_adopters=e["later_doc"].nunique(),
                         chars_median=float(e["chars"].astype(float).median()) if len(e) else np.nan,
                         later_share_median=float(e["later_share"].astype(float).median()) if len(e) else np.nan,
                         lag_median=float(lag.median()) if len(e) else np.nan,
                         lag_q25=float(lag.quantile(0.25)) if len(e) else np.nan,
                         lag_q75=float(lag.quantile(0.75)) if len(e) else np.nan,
                         lag_within_2y=float((lag <= 2).mean()) if len(e) else np.nan))
    out = pd.DataFrame(rows)
    for c in ("n_edges", "n_sources", "n_adopters"):
        out[c] = out[c].astype("Int64")
    for c in ("chars_median", "later_share_median", "lag_median", "lag_q25", "lag_q75", "lag_within_2y"):
        out[c] = out[c].astype("Float64").round(4)
    out["scope"] = out["scope"].astype("string")
    return out


def count_table(table: pd.DataFrame, counts: dict, formula_pairs: int | None = None) -> pd.DataFrame:
    """Article pairs and regulation pairs by category and order, and the pairs dropped before (same document, same
    title).

    Returns
    -------
    DataFrame
        ``category`` (:data:`CATEGORIES`, or ``dropped: same document`` / ``dropped: same title``), ``order``
        (:data:`ORDERS`, or ``all``), ``article_pairs``, ``regulation_pairs`` (distinct unordered pairs of
        regulations; <NA> for dropped rows).
    """
    rows = []
    for cat in CATEGORIES:
        for order in ORDERS:
            t = table[(table["category"] == cat) & (table["order"] == order)]
            regs = set(zip(t["earlier_doc"], t["later_doc"]))
            rows.append(dict(category=cat, order=order, article_pairs=len(t), regulation_pairs=len(regs)))
    rows.append(dict(category="dropped: same document", order="all", article_pairs=counts["same_document"],
                     regulation_pairs=None))
    rows.append(dict(category="dropped: same title", order="all", article_pairs=counts["same_title"],
                     regulation_pairs=None))
    out = pd.DataFrame(rows)
    for c in ("article_pairs", "regulation_pairs"):
        out[c] = out[c].astype("Int64")
    for c in ("category", "order"):
        out[c] = out[c].astype("string")
    return out


# --------------------------------------------------------------------------- sensitivity: wording formulae only
def wording_formulae_only(pairs: pd.DataFrame, params: dict | None = None) -> tuple[pd.DataFrame, int]:
    """Give the pairs the detector called a formula **from frequency** (:data:`FREQUENCY_FORMULAE`) the kind they
    would have without that rule: ``stock`` when the span has fewer than ``stock_rare`` rare shingles, else
    ``substantive`` (:func:`analysis.text.reuse.classify_pair`'s next two steps); formulae recognised from their
    wording (purpose, penalty, commencement, …) stay formulae.

    Why: in the local × local run the frequency rules count titles of the *local* corpus, so a wording that many
    local regulations share — a provincial template such as the 文明行为促进条例 family — is called a formula and
    set apart, although its spread between local legislatures is what diffusion measures. This is the check of
    how much the default depends on that.

    Parameters
    ----------
    pairs : DataFrame
        Detector columns (``kind``, ``formula_kind``, ``rare_shingles``), e.g. :func:`drop_within` output.
    params : dict, optional
        Detector parameters (``stock_rare``); default :data:`analysis.text.reuse.DEFAULTS`.

    Returns
    -------
    (pairs, n)
        A copy with ``kind`` and ``formula_kind`` changed on the frequency-formula rows, and their number.
    """
    p = {**reuse.DEFAULTS, **(params or {})}
    fk = pairs["formula_kind"].astype("string")
    freq = (fk.isin(list(FREQUENCY_FORMULAE)).fillna(False)
            & (pairs["kind"].astype(str) == "formula")).to_numpy(dtype=bool)
    out = pairs.copy()
    if freq.any():
        rare = out["rare_shingles"].astype("int64").to_numpy()
        new_kind = np.where(rare < p["stock_rare"], "stock", "substantive")
        out.loc[freq, "kind"] = new_kind[freq]
        out.loc[freq, "formula_kind"] = pd.NA
    return out, int(freq.sum())


def copied_ranks(edges: pd.DataFrame) -> pd.DataFrame:
    """Regulations by how copied they are: ``doc_id``, ``out_degree``, ``out_chars``, ``rank`` (by out_degree, then
    out_chars, descending, then doc_id; the order of :func:`regulation_table` among regulations with an edge out)."""
    g = edges.groupby("earlier_doc", sort=True)
    out = pd.DataFrame({"out_degree": g.size().astype("int64"),
                        "out_chars": g["chars"].sum().astype("int64")}).rename_axis("doc_id").reset_index()
    out = out.sort_values(["out_degree", "out_chars", "doc_id"], ascending=[False, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def sensitivity_table(tables: dict, edges: dict, documents: pd.DataFrame, *, top: int = 20) -> pd.DataFrame:
    """The diffusion counts under each formula rule (:data:`FORMULA_RULES`), side by side.

    Parameters
    ----------
    tables : dict
        ``{"all": table, "wording": table}``: :func:`diffusion_pairs` under each rule (formula pairs included).
    edges : dict
        ``{"all": edges, "wording": edges}``: :func:`diffusion_edges` of each.
    documents : DataFrame
        ``doc_id``, ``digital`` of the compared regulations.
    top : int
        Length of the most-copied list compared (``top_in_default``).

    Returns
    -------
    DataFrame
        One row per rule: ``rule``; article pairs (all orders) ``formula_pairs``, ``stock_pairs``,
        ``common_source_pairs``, ``diffusion_pairs``; ``n_edges``, ``edges_within``, ``edges_across``,
        ``edges_digital`` (from or to a digital-governance regulation), ``n_sources``, ``n_adopters``,
        ``edges_in_default`` (edges the default rule also has), ``chars_total`` (sum of edge weights),
        ``lag_median``, ``lag_within_2y``, ``top_in_default`` (of this rule's ``top`` most copied, how many are
        among the default's ``top``).
    """
    dig = set(documents.loc[documents["digital"].astype(bool), "doc_id"])
    base = set(zip(edges["all"]["earlier_doc"], edges["all"]["later_doc"]))
    base_top = set(copied_ranks(edges["all"])["doc_id"].head(top))
    rows = []
    for rule, label in FORMULA_RULES.items():
        t, e = tables[rule], edges[rule]
        cat = t["category"].astype(str).value_counts()
        same = e["same_province"].astype(bool)
        lag = e["lag_years"].astype(float)
        digital = e["earlier_doc"].isin(dig) | e["later_doc"].isin(dig)
        rows.append(dict(
            rule=label, formula_pairs=int(cat.get("formula", 0)), stock_pairs=int(cat.get("stock", 0)),
            common_source_pairs=int(cat.get("common_national_source", 0)),
            diffusion_pairs=int(cat.get("diffusion", 0)), n_edges=len(e), edges_within=int(same.sum()),
            edges_across=int((~same).sum()), edges_digital=int(digital.sum()),
            n_sources=int(e["earlier_doc"].nunique()), n_adopters=int(e["later_doc"].nunique()),
            edges_in_default=len(set(zip(e["earlier_doc"], e["later_doc"])) & base),
            chars_total=int(e["chars"].astype("int64").sum()),
            lag_median=float(lag.median()) if len(e) else np.nan,
            lag_within_2y=float((lag <= 2).mean()) if len(e) else np.nan,
            top_in_default=len(set(copied_ranks(e)["doc_id"].head(top)) & base_top)))
    out = pd.DataFrame(rows)
    for c in out.columns[1:]:
        out[c] = out[c].astype("Float64").round(4) if c in ("lag_median", "lag_within_2y") else out[c].astype("Int64")
    out["rule"] = out["rule"].astype("string")
    return out


def stored_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """The pairs ``data/processed/diffusion_pairs.csv`` keeps: every diffusion, common-source and stock pair. Formula
    pairs (about nine in ten of all local × local pairs: penalty articles match hundreds of others) are counted in
    ``diffusion_counts`` and not stored; :func:`diffusion_pairs` returns them."""
    return table[table["category"] != "formula"].reset_index(drop=True)


def build_diffusion_tables(corpus: pd.DataFrame | None = None, *, n_jobs: int = 2, keep: dict | None = None,
                           **params) -> dict:
    """The diffusion tables for ``data/processed`` (``python -m analysis build``, step ``diffusion``) and the network.

    Parameters
    ----------
    corpus : DataFrame, optional
        The local corpus (default :func:`analysis.corpus.local.local_corpus`); newest versions are compared.
    n_jobs : int
        Processes for the comparison (:func:`local_pairs`).
    keep : dict, optional
        Receives ``pairs`` (the detector's raw pairs), ``table`` (all of :func:`diffusion_pairs`), ``edges``.
    **params
        Overrides of :data:`analysis.text.reuse.DEFAULTS`.

    Returns
    -------
    dict
        ``diffusion_pairs`` (:func:`stored_pairs`), ``diffusion_edges``, ``diffusion_regulations`` (with the
        ranks when only wording formulae are set apart), ``diffusion_provinces``, ``diffusion_summary``,
        ``diffusion_counts``, ``diffusion_sensitivity`` (:func:`sensitivity_table`) (DataFrames) and
        ``diffusion_network.graphml`` (the networkx graph, written with :func:`analysis.text.networks.write_graphml`).
    """
    from ..corpus.corpora import load_clauses
    from ..corpus.local import local_corpus, local_documents
    from ..tables import load_table

    loc = local_corpus() if corpus is None else corpus
    docs = local_documents(loc)
    latest = latest_local(loc, docs)
    target = local_target(latest, **params)
    pairs = local_pairs(latest, target=target, n_jobs=n_jobs)
    national = load_table("reuse_pairs", typed=False)
    titles = _national_titles(set(national["target_doc"]))
    table, counts = diffusion_pairs(pairs, docs, national, titles, params=target.params)
    lu = reuse.units(load_clauses(latest), dict(zip(latest["doc_id"], latest["text"])))
    body = reuse.body_chars(lu, latest["doc_id"])
    edges = diffusion_edges(table, body)
    ldocs = docs[docs["doc_id"].isin(set(latest["doc_id"]))]
    table_w, counts_w = diffusion_pairs(pairs, docs, national, titles, params=target.params, formulae="wording")
    edges_w = diffusion_edges(table_w, body)
    if keep is not None:
        keep.update(pairs=pairs, table=table, edges=edges, counts=counts, table_wording=table_w,
                    edges_wording=edges_w)
    regs = _with_wording_ranks(regulation_table(table, edges, ldocs), edges_w)
    return {"diffusion_pairs": stored_pairs(table), "diffusion_edges": edges,
            "diffusion_regulations": regs,
            "diffusion_provinces": province_table(edges), "diffusion_summary": summary_table(edges, ldocs),
            "diffusion_counts": count_table(table, counts),
            "diffusion_sensitivity": sensitivity_table({"all": table, "wording": table_w},
                                                       {"all": edges, "wording": edges_w}, ldocs),
            GRAPHML: diffusion_network(edges, ldocs)}


def _with_wording_ranks(regs: pd.DataFrame, edges_w: pd.DataFrame) -> pd.DataFrame:
    """:func:`regulation_table` with ``out_degree_wording`` and ``rank_wording``: the out-degree and rank of each
    regulation when only wording formulae are set apart (same ranking rule over every regulation)."""
    c = copied_ranks(edges_w).set_index("doc_id")
    d = regs.assign(out_degree_wording=regs["doc_id"].map(c["out_degree"]).fillna(0).astype("int64"),
                    _chars=regs["doc_id"].map(c["out_chars"]).fillna(0).astype("int64"),
                    _doc=regs["doc_id"].astype(str))
    order = d.sort_values(["out_degree_wording", "_chars", "_doc"], ascending=[False, False, True],
                          kind="stable").index
    d.loc[order, "rank_wording"] = np.arange(1, len(d) + 1)
    d["out_degree_wording"] = d["out_degree_wording"].astype("Int64")
    d["rank_wording"] = d["rank_wording"].astype("int64").astype("Int64")
    return d.drop(columns=["_chars", "_doc"])


def _national_titles(doc_ids: set) -> dict:
    """Title by national ``doc_id`` (the national corpus's ``title``) for the ids in ``doc_ids``."""
    from ..corpus.corpora import national_corpus

    nat = national_corpus()
    nat = nat[nat["doc_id"].isin(doc_ids)]
    return dict(zip(nat["doc_id"], nat["title"]))
