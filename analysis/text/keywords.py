"""Keyword analysis of clause tables: frequencies, TF-IDF, TextRank, keyness, KWIC, word clouds.

Every function takes a plain DataFrame of clauses with a ``text`` column, id columns
(``doc_id``, ``clause_id``) and, where asked, a grouping column; tokens come from
:func:`analysis.text.tokens.tokenize_series` (normalised text, project user dictionary, stopwords,
disk cache), so every table here uses the same segmentation.

* :func:`term_frequencies` -- term and document frequency per group.
* :func:`tfidf_top_terms` -- scikit-learn TF-IDF fitted on clauses, top terms per group.
* :func:`textrank_keywords` -- TextRank on a co-occurrence window within clauses.
* :func:`build_idf`, :func:`jieba_tfidf_keywords` -- ``jieba.analyse.TFIDF`` with an IDF file
  computed from the project corpus.
* :func:`keyness` -- chi-squared (Yates), log-likelihood G2, log ratio, %DIFF per feature.
* :func:`kwic` -- keyword in context on normalised text.
* :func:`document_frequency_shares` -- share of clauses containing each token, per corpus
  (the evidence behind ``data/curated/stopwords_policy.csv``).
* :func:`plot_term_dots` -- the most frequent terms of a group as a dot plot with English glosses
  (:func:`term_glosses`); preferred to a word cloud, whose areas hide counts of 1–2.
* :func:`wordcloud_image` -- a deterministic word cloud in the project's CJK font.
* :func:`reference_frequencies`, :func:`build_national_term_counts`, :func:`national_term_counts`,
  :func:`reference_counts` -- the national-law word-frequency list, built once into
  ``data/processed/national_term_counts.csv`` (notebooks never re-segment the 7.5M-character corpus), and the
  reference counts for :func:`keyness` taken from it (stopwords removed, member documents excluded, exactly).
* :func:`token_counts`, :func:`keyness_by_group`, :func:`significant_keywords`, :func:`terms_by_group`,
  :func:`plot_keyness` -- target counts, each group against the rest, a Bonferroni + effect-size filter, compact
  term lists and a keyness bar chart for notebooks.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..files import atomic_write_bytes
from ..paths import CACHE_DIR

# The package namespace may export a *function* named ``segment`` (analysis.corpus.clauses.segment); import the
# tokenisation submodule by its full name so this module never picks up that function instead.
from . import tokens as wordseg

SEED = 20221130  # same value as analysis.plotting.SEED


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _check_columns(df: pd.DataFrame, cols: Iterable[str | None], func: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{func}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"{func}: column(s) {missing} not in DataFrame (columns: {list(df.columns)})")


def _tokens(df: pd.DataFrame, text_col: str, tokens: pd.Series | None, tok_kw: dict) -> pd.Series:
    if tokens is not None:
        if not tokens.index.equals(df.index):
            raise ValueError("tokens must have the same index as df")
        return tokens
    return wordseg.tokenize_series(df[text_col], **tok_kw)


def _group_keys(df: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[list[str], pd.DataFrame]:
    if by is None:
        return ["group"], pd.DataFrame({"group": pd.Series("all", index=df.index, dtype="string")})
    cols = [by] if isinstance(by, str) else list(by)
    return cols, df[cols]


# --------------------------------------------------------------------------------------------
# Frequencies
# --------------------------------------------------------------------------------------------
def term_frequencies(df: pd.DataFrame, by: str | Sequence[str] | None = None, *, text_col: str = "text",
                     doc_col: str | None = None, tokens: pd.Series | None = None,
                     min_tf: int = 1, **tok_kw) -> pd.DataFrame:
    """Term and document frequencies per group.

    Parameters
    ----------
    df : DataFrame
        One row per clause, with ``text_col`` and the ``by`` column(s).
    by : str or list of str, optional
        Grouping column(s); ``None`` puts every row in one group named ``"all"`` (column ``group``).
    text_col : str
        Column holding the raw text.
    doc_col : str, optional
        Column identifying a document (e.g. ``"doc_id"``). If given, ``df``/``n_docs`` count distinct
        documents; otherwise each row (clause) is a document.
    tokens : Series of lists, optional
        Pre-computed tokens aligned with ``df``; otherwise :func:`analysis.text.tokens.tokenize_series`
        is called with ``**tok_kw`` (``stop=``, ``numbers=``, ``keep_pos=``).
    min_tf : int
        Drop terms whose ``tf`` in a group is below this.

    Returns
    -------
    DataFrame
        Columns: the group column(s), ``term``, ``tf`` (occurrences in the group), ``df`` (documents
        of the group containing the term), ``n_docs`` (documents in the group), ``rel_freq``
        (``tf`` / all token occurrences in the group). Sorted by group, ``tf`` descending, ``term``.
    """
    _check_columns(df, [text_col, doc_col] + ([by] if isinstance(by, str) else list(by or [])),
                   "term_frequencies")
    toks = _tokens(df, text_col, tokens, tok_kw)
    gcols, keys = _group_keys(df, by)
    unit = df[doc_col] if doc_col else pd.Series(np.arange(len(df)), index=df.index)
    long = keys.assign(_unit=unit.to_numpy(), term=toks.to_numpy()).explode("term").dropna(subset=["term"])
    long["term"] = long["term"].astype("string")
    n_docs = keys.assign(_unit=unit.to_numpy()).groupby(gcols, sort=True)["_unit"].nunique().rename("n_docs")
    tf = long.groupby(gcols + ["term"], sort=True).size().rename("tf")
    dfreq = long.drop_duplicates(gcols + ["_unit", "term"]).groupby(gcols + ["term"], sort=True).size().rename("df")
    out = pd.concat([tf, dfreq], axis=1).reset_index()
    out = out.merge(n_docs.reset_index(), on=gcols, how="left")
    totals = out.groupby(gcols)["tf"].transform("sum")
    out["rel_freq"] = out["tf"] / totals
    out = out[out["tf"] >= min_tf]
    out = out.sort_values(gcols + ["tf", "term"], ascending=[True] * len(gcols) + [False, True], kind="stable")
    out[["tf", "df", "n_docs"]] = out[["tf", "df", "n_docs"]].astype("int64")
    return out[gcols + ["term", "tf", "df", "n_docs", "rel_freq"]].reset_index(drop=True)


def document_frequency_shares(corpora: Mapping[str, pd.DataFrame], *, text_col: str = "text",
                              stop=("general",), min_share: float = 0.0) -> pd.DataFrame:
    """Share of clauses containing each token, for several corpora side by side.

    Used as evidence for policy boilerplate stopwords: a word present in a large share of clauses of
    both the national-law corpus and the cited texts carries no information about either.

    Parameters
    ----------
    corpora : mapping name → DataFrame
        Each a clause table with ``text_col``.
    stop : stopword kinds removed before counting (default general only).
    min_share : float
        Keep tokens whose share is at least this in *every* corpus.

    Returns
    -------
    DataFrame
        Columns ``term`` and, per corpus ``<name>``: ``<name>_df`` (clauses containing the term),
        ``<name>_n`` (clauses in the corpus), ``<name>_share`` (their ratio). Sorted by the minimum
        share over corpora, descending, then term.
    """
    parts = []
    for name, cdf in corpora.items():
        _check_columns(cdf, [text_col], "document_frequency_shares")
        toks = wordseg.tokenize_series(cdf[text_col], stop=stop)
        counts = Counter()
        for t in toks:
            counts.update(set(t))
        s = pd.Series(counts, dtype="int64", name=f"{name}_df")
        part = s.to_frame()
        part[f"{name}_n"] = len(cdf)
        part[f"{name}_share"] = part[f"{name}_df"] / max(len(cdf), 1)
        parts.append(part)
    out = pd.concat(parts, axis=1, join="inner")
    share_cols = [f"{n}_share" for n in corpora]
    out["_min"] = out[share_cols].min(axis=1)
    out = out[out["_min"] >= min_share]
    out.index.name = "term"
    out = out.reset_index().sort_values(["_min", "term"], ascending=[False, True], kind="stable")
    return out.drop(columns="_min").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# TF-IDF (scikit-learn)
# --------------------------------------------------------------------------------------------
def tfidf_top_terms(df: pd.DataFrame, by: str | None = None, *, text_col: str = "text", top_n: int = 20,
                    min_df: int = 2, sublinear_tf: bool = False, stop=wordseg.DEFAULT_STOP,
                    numbers: bool = False) -> pd.DataFrame:
    """Top TF-IDF terms per group, from a ``TfidfVectorizer`` fitted on the clauses.

    The vectorizer is ``TfidfVectorizer(tokenizer=wordseg.Tokenizer(...), token_pattern=None,
    lowercase=False, norm="l2", smooth_idf=True)``: the project tokenizer decides what a term is, so
    single CJK characters that are not stopwords (网, 法, 云) are kept. Each clause is a document
    (IDF over clauses); a group's score for a term is the mean of the term's TF-IDF over the group's
    clauses.

    Parameters
    ----------
    df : DataFrame
        Clauses with ``text_col`` and ``by``.
    by : str, optional
        Group column; ``None`` → one group ``"all"``.
    top_n : int
        Terms kept per group.
    min_df : int
        Passed to the vectorizer (clauses a term must appear in).
    sublinear_tf : bool
        Passed to the vectorizer.

    Returns
    -------
    DataFrame
        Columns: group column, ``rank`` (1 = highest), ``term``, ``tfidf`` (mean over the group's
        clauses), ``n_clauses`` (clauses of the group containing the term), ``idf``. Sorted by group,
        rank.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    _check_columns(df, [text_col, by], "tfidf_top_terms")
    texts = df[text_col].fillna("").astype(str).tolist()
    tok = wordseg.Tokenizer(stop=stop, numbers=numbers).prime(texts)
    vec = TfidfVectorizer(tokenizer=tok, token_pattern=None, lowercase=False, min_df=min_df,
                          sublinear_tf=sublinear_tf, norm="l2", smooth_idf=True, dtype=np.float64)
    X = vec.fit_transform(texts).tocsr()
    terms = vec.get_feature_names_out()
    gcol = by or "group"
    groups = df[by].to_numpy() if by else np.array(["all"] * len(df), dtype=object)
    rows = []
    for g in sorted(pd.unique(groups)):
        idx = np.flatnonzero(groups == g)
        sub = X[idx]
        mean = np.asarray(sub.mean(axis=0)).ravel()
        present = np.asarray((sub > 0).sum(axis=0)).ravel()
        order = np.lexsort((terms, -mean))   # score desc, then term for ties
        order = order[mean[order] > 0][:top_n]
        for r, j in enumerate(order, start=1):
            rows.append((g, r, terms[j], float(mean[j]), int(present[j]), float(vec.idf_[j])))
    return pd.DataFrame(rows, columns=[gcol, "rank", "term", "tfidf", "n_clauses", "idf"])


# --------------------------------------------------------------------------------------------
# jieba.analyse.TFIDF with a corpus IDF file
# --------------------------------------------------------------------------------------------
def build_idf(df: pd.DataFrame, *, text_col: str = "text", path: Path | str | None = None) -> Path:
    """Write a jieba-format IDF file (``word idf`` per line) computed from the clauses of ``df``.

    ``idf = ln(N / df)`` (jieba's own convention) with ``N`` clauses and ``df`` clauses containing the
    word; tokens are the project segmentation *without* stopword removal (jieba filters stopwords
    itself). Lines are sorted by word, so the file is byte-identical for the same corpus.

    Parameters
    ----------
    path : path, optional
        Defaults to ``CACHE_DIR/keywords/idf-<sha256 of the texts>.txt``.

    Returns
    -------
    pathlib.Path
    """
    _check_columns(df, [text_col], "build_idf")
    texts = df[text_col].fillna("").astype(str)
    if path is None:
        h = hashlib.sha256()
        for t in texts:
            h.update(t.encode("utf-8") + b"\0")
        h.update(wordseg.dictionary_version().encode())
        path = CACHE_DIR / "keywords" / f"idf-{h.hexdigest()[:16]}.txt"
    path = Path(path)
    if path.exists():
        return path
    toks = wordseg.tokenize_series(texts, stop=None, numbers=True)
    counts: Counter = Counter()
    for t in toks:
        counts.update(set(t))
    n = max(len(texts), 1)
    lines = [f"{w} {np.log(n / c):.6f}\n" for w, c in sorted(counts.items()) if " " not in w]
    return atomic_write_bytes(path, "".join(lines).encode("utf-8"))


def jieba_tfidf_keywords(df: pd.DataFrame, by: str | None = None, *, text_col: str = "text",
                         idf_path: Path | str | None = None, idf_corpus: pd.DataFrame | None = None,
                         top_n: int = 20, allow_pos: Sequence[str] = (), stop=wordseg.DEFAULT_STOP) -> pd.DataFrame:
    """Keywords per group with ``jieba.analyse.TFIDF`` using the project tokenizer and a corpus IDF.

    The texts of a group are normalised and joined with ``\\n``; jieba's extractor then ranks words by
    ``tf × idf`` (unknown words get the median IDF). jieba's extractor drops words shorter than two
    characters — use :func:`tfidf_top_terms` when single characters matter.

    Parameters
    ----------
    idf_path : path, optional
        A file from :func:`build_idf`. If omitted, one is built from ``idf_corpus`` (default ``df``).
    allow_pos : sequence of str
        POS tags to keep (e.g. ``("n", "nz", "vn")``); empty = all.

    Returns
    -------
    DataFrame
        Columns: group column, ``rank``, ``term``, ``weight`` (jieba's tf-idf weight).
    """
    import jieba.analyse

    _check_columns(df, [text_col, by], "jieba_tfidf_keywords")
    if idf_path is None:
        idf_path = build_idf(idf_corpus if idf_corpus is not None else df, text_col=text_col)
    ext = jieba.analyse.TFIDF(idf_path=str(idf_path))
    ext.tokenizer = wordseg.get_tokenizer()
    ext.postokenizer = wordseg.get_tokenizer(pos=True)
    ext.stop_words = set(ext.stop_words) | set(wordseg._stop_set(stop))
    gcol = by or "group"
    groups = df[by] if by else pd.Series("all", index=df.index)
    rows = []
    for g in sorted(groups.unique()):
        text = "\n".join(wordseg.normalize(t) for t in df.loc[groups == g, text_col].fillna("").astype(str))
        tags = ext.extract_tags(text, topK=top_n, withWeight=True, allowPOS=tuple(allow_pos))
        tags = sorted(tags, key=lambda x: (-round(x[1], 12), x[0]))
        rows += [(g, r, w, float(s)) for r, (w, s) in enumerate(tags, start=1)]
    return pd.DataFrame(rows, columns=[gcol, "rank", "term", "weight"])


# --------------------------------------------------------------------------------------------
# TextRank on cached tokens
# --------------------------------------------------------------------------------------------
TEXTRANK_POS = ("n", "nz", "ns", "nt", "vn", "v", "an", "eng")


def textrank_keywords(df: pd.DataFrame, by: str | None = None, *, text_col: str = "text", top_n: int = 20,
                      window: int = 5, allow_pos: Sequence[str] = TEXTRANK_POS, min_len: int = 1,
                      stop=wordseg.DEFAULT_STOP, damping: float = 0.85) -> pd.DataFrame:
    """TextRank keywords per group on a word co-occurrence graph.

    Follows ``jieba.analyse.TextRank``: tokens are POS-tagged with the project dictionary, filtered
    to ``allow_pos`` (tag prefixes) and stopwords; two kept words are linked when they occur within
    ``window`` tokens of each other *inside one clause* (windows never cross clause boundaries);
    edge weight = number of co-occurrences; PageRank (networkx, damping 0.85, deterministic) on the
    undirected weighted graph of each group; scores are divided by the group maximum.

    Parameters
    ----------
    window : int
        Co-occurrence span in tokens (jieba's default is 5).
    min_len : int
        Minimum term length in characters (1 keeps single CJK characters).

    Returns
    -------
    DataFrame
        Columns: group column, ``rank``, ``term``, ``score`` (0–1, 1 = top term), ``degree``
        (distinct neighbours).
    """
    import networkx as nx

    _check_columns(df, [text_col, by], "textrank_keywords")
    toks = wordseg.tokenize_series(df[text_col], pos=True, stop=stop)
    prefixes = tuple(allow_pos)
    gcol = by or "group"
    groups = df[by].to_numpy() if by else np.array(["all"] * len(df), dtype=object)
    rows = []
    for g in sorted(pd.unique(groups)):
        edges: Counter = Counter()
        for pairs in toks[groups == g]:
            keep = [(i, w) for i, (w, f) in enumerate(pairs) if f.startswith(prefixes) and len(w) >= min_len]
            for a in range(len(keep)):
                ia, wa = keep[a]
                for b in range(a + 1, len(keep)):
                    ib, wb = keep[b]
                    if ib - ia >= window:
                        break
                    if wa != wb:
                        edges[(wa, wb) if wa < wb else (wb, wa)] += 1
        if not edges:
            continue
        G = nx.Graph()
        for (u, v), w in sorted(edges.items()):
            G.add_edge(u, v, weight=w)
        pr = nx.pagerank(G, alpha=damping, weight="weight", tol=1e-10, max_iter=1000)
        top = max(pr.values())
        ranked = sorted(pr.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))[:top_n]
        rows += [(g, r, w, s / top, G.degree(w)) for r, (w, s) in enumerate(ranked, start=1)]
    return pd.DataFrame(rows, columns=[gcol, "rank", "term", "score", "degree"])


# --------------------------------------------------------------------------------------------
# Keyness
# --------------------------------------------------------------------------------------------
def _counts_from(obj) -> pd.Series:
    if isinstance(obj, pd.Series):
        s = obj
    elif isinstance(obj, Mapping):
        s = pd.Series(dict(obj), dtype="float64")
    else:
        raise TypeError(f"keyness: counts must be a Series or mapping term → count, got {type(obj).__name__}")
    if (s < 0).any() or s.isna().any():
        bad = s[(s < 0) | s.isna()].index[:5].tolist()
        raise ValueError(f"keyness: counts must be non-negative numbers; bad features: {bad}")
    return s.astype("float64").groupby(level=0).sum()


def keyness(target, reference=None, *, text_col: str = "text", tokens: pd.Series | None = None,
            min_count: int = 1, total_target: float | None = None, total_reference: float | None = None,
            **tok_kw) -> pd.DataFrame:
    """Keyness of every feature in a target corpus against a reference corpus (vectorised).

    Two call forms:

    * ``keyness(target_counts, reference_counts)`` — two Series/mappings feature → count;
    * ``keyness(df, target_mask)`` — a clause DataFrame and a boolean mask (Series aligned with ``df``
      or array) selecting the target clauses; the other clauses are the reference. Tokens from
      :func:`analysis.text.tokens.tokenize_series` (``**tok_kw``) or ``tokens=``.

    For each feature the 2×2 table is ``[[a, b], [c, d]]`` with ``a`` = count in target, ``b`` =
    count in reference, ``c = T1 - a``, ``d = T2 - b`` (``T1``, ``T2`` = token totals, by default the
    sums of the counts). Expected ``E_ij = row_i × col_j / N``.

    * ``chi2``: Pearson chi-squared with Yates' continuity correction (each ``|O - E|`` reduced by
      ``min(0.5, |O - E|)``, as ``scipy.stats.chi2_contingency(correction=True)``), 1 d.f.
    * ``G2``: log-likelihood ratio over the four cells ``2 Σ O ln(O/E)`` (no correction; equals
      ``chi2_contingency(correction=False, lambda_="log-likelihood")``), **signed**: positive when the
      feature's relative frequency is higher in the target, negative when higher in the reference.
      ``G2_p`` is the p-value of ``|G2|`` on 1 d.f.
    * ``log_ratio``: Hardie's Log Ratio ``log2((a/T1) / (b/T2))``, a zero count replaced by 0.5.
    * ``pct_diff``: %DIFF (Gabrielatos & Marchi) ``100 (a/T1 - b/T2) / (b/T2)``; ``inf`` when ``b = 0``.

    Parameters
    ----------
    min_count : int
        Keep features with ``a + b >= min_count``.
    total_target, total_reference : float, optional
        Corpus sizes when the counts do not cover the whole corpus (e.g. after filtering).

    Returns
    -------
    DataFrame
        Columns ``feature, n_target, n_reference, total_target, total_reference, rel_target,
        rel_reference, chi2, chi2_p, G2, G2_p, log_ratio, pct_diff``, sorted by ``G2`` descending
        (strongest target features first, strongest reference features last), ties by feature.
    """
    from scipy.stats import chi2 as chi2_dist

    if isinstance(target, pd.DataFrame):
        df = target
        _check_columns(df, [text_col], "keyness")
        if reference is None:
            raise ValueError("keyness(df, target_mask): target_mask is required")
        mask = pd.Series(np.asarray(reference, dtype=bool), index=df.index) if not isinstance(reference, pd.Series) \
            else reference.reindex(df.index)
        if mask.isna().any() or len(mask) != len(df):
            raise ValueError("keyness: target_mask must be boolean and aligned with df")
        mask = mask.astype(bool)
        toks = _tokens(df, text_col, tokens, tok_kw)
        tc = Counter(t for ts in toks[mask] for t in ts)
        rc = Counter(t for ts in toks[~mask] for t in ts)
        a_s, b_s = pd.Series(tc, dtype="float64"), pd.Series(rc, dtype="float64")
    else:
        a_s, b_s = _counts_from(target), _counts_from(reference)
    feats = a_s.index.union(b_s.index)
    a = a_s.reindex(feats, fill_value=0.0).to_numpy()
    b = b_s.reindex(feats, fill_value=0.0).to_numpy()
    T1 = float(total_target) if total_target is not None else a.sum()
    T2 = float(total_reference) if total_reference is not None else b.sum()
    if T1 <= 0 or T2 <= 0:
        raise ValueError(f"keyness: both corpora need tokens (total_target={T1}, total_reference={T2})")
    if (a > T1).any() or (b > T2).any():
        raise ValueError("keyness: a count exceeds its corpus total")
    c, d = T1 - a, T2 - b
    N = T1 + T2
    obs = np.stack([a, b, c, d])                               # 4 × F
    rows_ = np.stack([np.full_like(a, T1), np.full_like(a, T2), np.full_like(a, T1), np.full_like(a, T2)])
    colsum = np.stack([a + b, a + b, c + d, c + d])
    exp = rows_ * colsum / N
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.abs(obs - exp)
        adj = diff - np.minimum(0.5, diff)
        chi2 = np.where(exp > 0, adj ** 2 / exp, 0.0).sum(axis=0)
        g_terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
        G2 = 2.0 * g_terms.sum(axis=0)
        G2 = np.maximum(G2, 0.0)
        ra, rb = a / T1, b / T2
        sign = np.sign(ra - rb)
        log_ratio = np.log2((np.where(a > 0, a, 0.5) / T1) / (np.where(b > 0, b, 0.5) / T2))
        pct_diff = np.where(b > 0, 100.0 * (ra - rb) / np.where(b > 0, rb, 1.0), np.inf)
    out = pd.DataFrame({
        "feature": pd.array(feats.astype(str), dtype="string"),
        "n_target": a.astype("int64") if np.all(a == np.round(a)) else a,
        "n_reference": b.astype("int64") if np.all(b == np.round(b)) else b,
        "total_target": T1, "total_reference": T2,
        "rel_target": ra, "rel_reference": rb,
        "chi2": chi2, "chi2_p": chi2_dist.sf(chi2, 1),
        "G2": sign * G2, "G2_p": chi2_dist.sf(G2, 1),
        "log_ratio": log_ratio, "pct_diff": pct_diff,
    })
    out = out[(a + b) >= min_count]
    return out.sort_values(["G2", "feature"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# KWIC
# --------------------------------------------------------------------------------------------
def kwic(df: pd.DataFrame, term: str, window: int = 10, *, text_col: str = "text",
         id_cols: Sequence[str] = ("doc_id", "clause_id"), match: str = "substring") -> pd.DataFrame:
    """Keyword in context on the normalised text.

    Parameters
    ----------
    term : str
        Normalised with :func:`analysis.text.tokens.normalize` before matching.
    window : int
        Characters of context on each side.
    match : {"substring", "token"}
        ``"substring"`` (default): every occurrence of the string in the normalised text, even
        inside a longer word (数据 matches inside 政务数据) — nothing the segmenter got wrong is
        missed. ``"token"``: only occurrences that are exactly one token of the project segmentation
        (数据 does not match inside the token 政务数据).

    Returns
    -------
    DataFrame
        Columns: the ``id_cols`` present in ``df``, ``start`` (character offset in the normalised
        text), ``left``, ``keyword``, ``right``. In row order of ``df``, then offset.
    """
    if match not in ("substring", "token"):
        raise ValueError("match must be 'substring' or 'token'")
    ids = [c for c in id_cols if c in df.columns]
    _check_columns(df, [text_col], "kwic")
    key = wordseg.normalize(term)
    if not key:
        raise ValueError("kwic: empty term")
    rows = []
    texts = df[text_col].fillna("").astype(str)
    norm = texts.map(wordseg.normalize)
    if match == "token":
        segs = wordseg.tokenize_series(texts, stop=None, numbers=True)
    pat = re.compile(re.escape(key))
    for pos_i, (idx, text) in enumerate(norm.items()):
        starts = [m.start() for m in pat.finditer(text)]
        if match == "token" and starts:
            bounds, off = set(), 0
            for tok in segs.iloc[pos_i]:
                j = text.find(tok, off)
                if j >= 0:
                    if tok == key:
                        bounds.add(j)
                    off = j + len(tok)
            starts = [s for s in starts if s in bounds]
        for s in starts:
            rows.append([df.at[idx, c] for c in ids] + [s, text[max(0, s - window):s], key,
                                                        text[s + len(key):s + len(key) + window]])
    return pd.DataFrame(rows, columns=ids + ["start", "left", "keyword", "right"])


def style_kwic(kw: pd.DataFrame, *, uuid: str = "kwic"):
    """A KWIC table laid out for reading: left context right-aligned (it ends at the keyword), keyword centred,
    right context and every other text column left-aligned, no index.

    Parameters
    ----------
    kw : DataFrame with ``left``, ``keyword`` and ``right`` columns (from :func:`kwic`).
    uuid : str
        Fixed id of the generated CSS, so that the HTML is the same on every run.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    _check_columns(kw, ["left", "keyword", "right"], "style_kwic")
    others = [c for c in kw.columns if c not in ("left", "keyword", "right")]
    styler = kw.style.set_uuid(uuid).hide(axis="index")
    styler = styler.set_properties(subset=["left"], **{"text-align": "right"})
    styler = styler.set_properties(subset=["keyword"], **{"text-align": "center", "font-weight": "bold"})
    styler = styler.set_properties(subset=["right", *others], **{"text-align": "left"})
    return styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])


# --------------------------------------------------------------------------------------------
# Word cloud
# --------------------------------------------------------------------------------------------
def wordcloud_image(freqs, *, width: int = 900, height: int = 540, max_words: int = 150,
                    font_path: Path | str | None = None, random_state: int = SEED,
                    background_color: str = "white", colormap: str = "viridis", **kwargs):
    """Draw a word cloud from term frequencies, deterministic for the same input.

    Parameters
    ----------
    freqs : mapping term → weight, Series, or DataFrame with ``term`` and ``tf`` (or ``weight``/
        ``score``/``tfidf``) columns.
    font_path : path, optional
        Defaults to :func:`analysis.plotting.cjk_font_path` (Noto Sans SC, an .otf).
    random_state : int
        Fixed seed for word placement and colours.
    **kwargs
        Passed to ``wordcloud.WordCloud``.

    Returns
    -------
    PIL.Image.Image
    """
    from wordcloud import WordCloud

    if isinstance(freqs, pd.DataFrame):
        val = next((c for c in ("tf", "weight", "score", "tfidf", "G2") if c in freqs.columns), None)
        if "term" not in freqs.columns or val is None:
            raise KeyError("wordcloud_image: DataFrame needs 'term' and one of tf/weight/score/tfidf/G2")
        freqs = dict(zip(freqs["term"], freqs[val]))
    elif isinstance(freqs, pd.Series):
        freqs = freqs.to_dict()
    freqs = {str(k): float(v) for k, v in sorted(dict(freqs).items()) if float(v) > 0}
    if not freqs:
        raise ValueError("wordcloud_image: no positive frequencies")
    if font_path is None:
        from ..plotting import cjk_font_path
        font_path = cjk_font_path()
    wc = WordCloud(font_path=str(font_path), width=width, height=height, max_words=max_words,
                   random_state=random_state, background_color=background_color, colormap=colormap,
                   prefer_horizontal=0.95, collocations=False, **kwargs)
    wc.generate_from_frequencies(freqs)
    return wc.to_image()


# --------------------------------------------------------------------------------------------
# Reference frequency list (national law), built once and stored in data/processed
# --------------------------------------------------------------------------------------------
REFERENCE_TABLE = "national_term_counts"
REFERENCE_COLUMNS = ["term", "tf", "df", "n_clauses", "dictionary_version"]


def token_counts(df: pd.DataFrame, *, text_col: str = "text", stop=wordseg.DEFAULT_STOP,
                 tokens: pd.Series | None = None) -> pd.Series:
    """Occurrences of every token in a clause table (the target side of :func:`keyness`).

    Parameters
    ----------
    df : DataFrame
        Clauses with ``text_col``.
    stop : stopword kinds, words or None
        As in :func:`analysis.text.tokens.tokenize_series`; numbers are always dropped.
    tokens : Series of lists, optional
        Pre-computed tokens aligned with ``df``.

    Returns
    -------
    Series
        int64 counts indexed by term (index name ``term``), sorted by count descending then term.
    """
    _check_columns(df, [text_col], "token_counts")
    toks = _tokens(df, text_col, tokens, {"stop": stop})
    c = Counter(t for ts in toks for t in ts)
    s = pd.Series(c, dtype="int64", name="tf")
    s.index = s.index.astype("string")
    s.index.name = "term"
    return s.sort_index(kind="stable").sort_values(ascending=False, kind="stable")


def reference_frequencies(corpus: str | pd.DataFrame = "national", *, text_col: str = "text",
                          jobs: int = 1) -> pd.DataFrame:
    """Word-frequency list of a reference corpus, for keyness against stored counts.

    The corpus is split into clauses (:func:`analysis.load_clauses`) and tokenised with
    :func:`analysis.text.tokens.tokenize_series` (``stop=None, numbers=False``): stopwords are *not*
    removed here (:func:`reference_counts` removes them when the table is used), numbers and their
    unit characters are. Every term is kept (no frequency cut), so ``tf.sum()`` is the corpus size
    in tokens and removing stopwords or excluding documents later is exact.

    Parameters
    ----------
    corpus : str or DataFrame
        A corpus name for :func:`analysis.load_clauses` (default ``"national"``: the 1,512
        LawRefBook files), or a clause table with ``text_col``.
    jobs : int
        Processes for word segmentation of texts not in the token cache (identical tokens).

    Returns
    -------
    DataFrame
        Columns ``term``, ``tf`` (occurrences), ``df`` (clauses containing the term),
        ``n_clauses`` (clauses in the corpus), ``dictionary_version``
        (:func:`analysis.text.tokens.dictionary_version`, identifies the segmentation). Sorted by ``tf``
        descending, then ``term``.
    """
    if isinstance(corpus, pd.DataFrame):
        clauses = corpus
    else:
        from ..corpus.corpora import load_clauses
        clauses = load_clauses(corpus)
    _check_columns(clauses, [text_col], "reference_frequencies")
    toks = wordseg.tokenize_series(clauses[text_col], stop=None, numbers=False, jobs=jobs)
    tf: Counter = Counter()
    dfc: Counter = Counter()
    for ts in toks:
        tf.update(ts)
        dfc.update(set(ts))
    terms = sorted(tf)
    out = pd.DataFrame({
        "term": pd.array(terms, dtype="string"),
        "tf": np.array([tf[t] for t in terms], dtype="int64"),
        "df": np.array([dfc[t] for t in terms], dtype="int64"),
    })
    out["n_clauses"] = np.int64(len(clauses))
    out["dictionary_version"] = pd.array([wordseg.dictionary_version()] * len(out), dtype="string")
    out = out.sort_values(["tf", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[REFERENCE_COLUMNS]


def build_national_term_counts() -> dict[str, pd.DataFrame]:
    """Build step for ``python -m analysis build``: ``{"national_term_counts": DataFrame}``.

    The frame is :func:`reference_frequencies` of the national-law corpus (about 1 min cold: clause
    segmentation ~2 s, jieba ~15–25 s on one core, in parallel on the idle cores; a few seconds from a warm token cache), written to
    ``data/processed/national_term_counts.csv`` (schema ``analysis/schemas/keywords.py``).
    """
    return {REFERENCE_TABLE: reference_frequencies("national", jobs=wordseg.idle_cores())}


def national_term_counts(check_version: bool = True) -> pd.DataFrame:
    """Load the stored national-law frequency list (table ``national_term_counts``).

    Parameters
    ----------
    check_version : bool
        Raise if the table was built with another segmentation than the current one (the user
        dictionary, jieba or the normalisation changed since the last build).

    Returns
    -------
    DataFrame
        Columns of :func:`reference_frequencies`.

    Raises
    ------
    ValueError
        When ``check_version`` and the stored ``dictionary_version`` differs from
        :func:`analysis.text.tokens.dictionary_version` (message says to run ``python -m analysis build``).
    """
    from ..tables import load_table, table_path

    table = load_table(REFERENCE_TABLE, typed=False)
    if check_version:
        stored = sorted(table["dictionary_version"].dropna().unique())
        current = wordseg.dictionary_version()
        if stored != [current]:
            raise ValueError(f"{table_path(REFERENCE_TABLE)} was built with segmentation {stored} but the current "
                             f"segmentation is {current!r} (user dictionary, jieba or normalisation changed): "
                             "run `python -m analysis build`")
    return table


def reference_counts(table: pd.DataFrame, *, stop=wordseg.DEFAULT_STOP,
                     exclude: pd.DataFrame | None = None, text_col: str = "text") -> pd.Series:
    """Reference-corpus counts for :func:`keyness`, from a stored frequency list.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`reference_frequencies` / :func:`national_term_counts` (``term``, ``tf``).
    stop : stopword kinds, words or None
        Terms removed, as in :func:`analysis.text.tokens.tokenize_series` (use the same value for the
        target counts). Exact, because the table keeps every term and removes no stopword.
    exclude : DataFrame, optional
        Clauses of documents that are *members* of the reference corpus (byte-identical texts,
        segmented the same way), whose tokens are subtracted — e.g. the cited laws when the cited
        texts are the target. A subtraction below zero means a document was not in the corpus and
        raises ``ValueError``.

    Returns
    -------
    Series
        int64 counts indexed by term (name ``term``), zero counts dropped; ``.sum()`` is the
        reference corpus size to use (pass nothing else to :func:`keyness`).
    """
    _check_columns(table, ["term", "tf"], "reference_counts")
    s = pd.Series(table["tf"].astype("int64").to_numpy(), index=pd.Index(table["term"].astype(str), name="term"),
                  name="tf")
    if s.index.duplicated().any():
        raise ValueError(f"reference_counts: duplicate terms {s.index[s.index.duplicated()][:5].tolist()}")
    if exclude is not None:
        sub = token_counts(exclude, text_col=text_col, stop=None)
        sub.index = sub.index.astype(str)
        new = s.sub(sub, fill_value=0)
        bad = new[new < 0]
        if len(bad):
            raise ValueError(f"reference_counts: excluded documents hold terms the reference does not "
                             f"(e.g. {bad.index[:5].tolist()}); exclude only texts that are members of the corpus")
        s = new.astype("int64")
    drop = wordseg._stop_set(stop)
    s = s[(s > 0) & ~s.index.isin(list(drop))]
    s.index = s.index.astype("string")
    s.index.name = "term"
    return s


def significant_keywords(res: pd.DataFrame, *, alpha: float = 0.05, correction: str | None = "bonferroni",
                         min_log_ratio: float = 1.0, min_target: int = 3, positive: bool = True) -> pd.DataFrame:
    """Keep the keyness rows that pass a multiple-testing threshold and an effect-size filter.

    Parameters
    ----------
    res : DataFrame
        Output of :func:`keyness`.
    alpha : float
        Family-wise error rate.
    correction : {"bonferroni", None}
        ``"bonferroni"`` tests each feature at ``alpha / m`` with ``m = len(res)`` (every feature
        tested); ``None`` at ``alpha``.
    min_log_ratio : float
        Minimum ``|log_ratio|`` (1 = at least twice as frequent, relatively).
    min_target : int
        Minimum ``n_target`` (``positive=True``) or ``n_reference`` (``positive=False``).
    positive : bool
        Keywords of the target (``G2 > 0``) or of the reference (``G2 < 0``).

    Returns
    -------
    DataFrame
        The passing rows of ``res`` (same columns plus ``p_threshold``), in ``res``'s order for
        positive keywords, strongest negative first otherwise.
    """
    _check_columns(res, ["G2", "G2_p", "log_ratio", "n_target", "n_reference"], "significant_keywords")
    if correction not in ("bonferroni", None):
        raise ValueError("correction must be 'bonferroni' or None")
    thr = alpha / max(len(res), 1) if correction == "bonferroni" else alpha
    side = res["G2"] > 0 if positive else res["G2"] < 0
    count = res["n_target"] if positive else res["n_reference"]
    keep = side & (res["G2_p"] < thr) & (res["log_ratio"].abs() >= min_log_ratio) & (count >= min_target)
    out = res[keep].assign(p_threshold=thr)
    if not positive:
        out = out.iloc[::-1]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Convenience for notebooks: one group against the rest, compact term lists, a keyness bar chart
# --------------------------------------------------------------------------------------------
def keyness_by_group(df: pd.DataFrame, by: str, *, groups: Sequence | None = None, text_col: str = "text",
                     min_count: int = 2, stop=wordseg.DEFAULT_STOP) -> pd.DataFrame:
    """Keyness of each group of clauses against all the other clauses of ``df``.

    Rows whose ``by`` is missing stay in the reference of every group (they belong to no group).

    Parameters
    ----------
    by : str
        Group column (e.g. ``"category"``).
    groups : sequence, optional
        Groups to test, in this order; default every non-missing value, sorted.
    min_count : int
        Passed to :func:`keyness`.

    Returns
    -------
    DataFrame
        Column ``by`` (the target group) followed by the columns of :func:`keyness` and ``n_tests``
        (features tested for that group, the ``m`` of a Bonferroni correction). Groups in order,
        each sorted by ``G2`` descending.
    """
    _check_columns(df, [text_col, by], "keyness_by_group")
    toks = wordseg.tokenize_series(df[text_col], stop=stop)
    if groups is None:
        groups = sorted(df[by].dropna().unique())
    parts = []
    for g in groups:
        mask = (df[by] == g).fillna(False).astype(bool)
        if not mask.any():
            raise ValueError(f"keyness_by_group: no rows with {by} == {g!r}")
        res = keyness(df, mask, tokens=toks, min_count=min_count)
        res.insert(0, by, g)
        res["n_tests"] = len(res)
        parts.append(res)
    return pd.concat(parts, ignore_index=True)


def terms_by_group(top: pd.DataFrame, by: str, *, n: int = 10, sep: str = "、") -> pd.Series:
    """The first ``n`` terms of each group of a ranked term table, joined in one string.

    Parameters
    ----------
    top : DataFrame
        Output of :func:`tfidf_top_terms`, :func:`textrank_keywords` or :func:`keyness_by_group`
        (``term`` or ``feature`` column, rows in rank order within each group).

    Returns
    -------
    Series
        Indexed by group (sorted), values like ``"区块链、应用、试点"``.
    """
    col = "term" if "term" in top.columns else "feature"
    _check_columns(top, [by, col], "terms_by_group")
    return top.groupby(by, sort=True)[col].agg(lambda s: sep.join(map(str, s.iloc[:n])))


def plot_keyness(ax, res: pd.DataFrame, *, top_n: int = 12, color: str = "#444444",
                 reference_label: str = "ref", critical: float | None = None) -> None:
    """Horizontal bars of signed ``G2`` for the ``top_n`` rows of a keyness table (strongest on top).

    Each bar is labelled ``n_target / n_reference``. Pass a pre-filtered table (e.g. from
    :func:`significant_keywords`) to draw only keywords that pass a threshold. With ``critical`` (e.g. the
    Bonferroni critical G²), a dashed line marks it and bars below it are drawn hollow and hatched, so
    that a word that does not pass is not read as a keyword.
    """
    rows = res.head(top_n).iloc[::-1]
    y = np.arange(len(rows))
    weak = (rows["G2"] < critical).to_numpy() if critical is not None else np.zeros(len(rows), bool)
    ax.barh(y[~weak], rows["G2"].to_numpy()[~weak], color=color)
    if weak.any():
        ax.barh(y[weak], rows["G2"].to_numpy()[weak], facecolor="white", edgecolor=color, hatch="////", lw=0.8)
    ax.set_yticks(y, rows["feature"].astype(str))
    xmax = float(rows["G2"].max()) if len(rows) else 1.0
    if critical is not None:
        xmax = max(xmax, float(critical))
        ax.axvline(critical, color="#555555", lw=0.8, ls="--", zorder=1)
    for yi, r in zip(y, rows.itertuples(index=False)):
        ax.text(r.G2 + xmax * 0.02, yi, f"{r.n_target:,}/{r.n_reference:,}", va="center", fontsize=8,
                color="#555555", zorder=3, bbox=dict(facecolor="white", edgecolor="none", pad=0.6))
    ax.set_xlim(0, xmax * 1.32)
    ax.set_xlabel(f"G² (log-likelihood); label: count in target / {reference_label}")


def term_glosses() -> dict[str, str]:
    """English glosses of terms shown in figures (``data/curated/term_glosses.csv``, validated), term → gloss."""
    from analysis.tables import load_table

    df = load_table("term_glosses")
    return dict(zip(df["term"].astype(str), df["gloss_en"].astype(str)))


def top_terms(freqs: pd.DataFrame, *, n: int = 10, value: str = "tf") -> pd.DataFrame:
    """The ``n`` rows with the highest ``value`` (ties broken by term, so the cut is reproducible)."""
    return freqs.sort_values([value, "term"], ascending=[False, True], kind="stable").head(n)


def plot_term_dots(ax, freqs: pd.DataFrame, *, n: int = 10, value: str = "tf", color: str = "#444444",
                   glosses: Mapping[str, str] | None = None, xmax: float | None = None) -> None:
    """A dot plot of the ``n`` most frequent terms (most frequent on top), each dot labelled with its count and
    the term's English gloss.

    Use instead of a word cloud: a count of 2 and a count of 11 are told apart by position on a common
    axis, not by the area of a word. Share the x axis across panels (``sharex=True``) to compare groups.

    Parameters
    ----------
    freqs : DataFrame with ``term`` and ``value`` columns (e.g. one group of :func:`term_frequencies`).
    glosses : mapping term → English, optional
        Defaults to :func:`term_glosses`; a term without a gloss is shown alone.
    xmax : float, optional
        Largest count on the common axis of several panels (default: this panel's largest); the axis runs
        to about twice it, leaving room for the labels.
    """
    if glosses is None:
        glosses = term_glosses()
    rows = top_terms(freqs, n=n, value=value).iloc[::-1]
    y = np.arange(len(rows))
    vals = rows[value].astype(float).to_numpy()
    ax.hlines(y, 0, vals, color="#DDDDDD", lw=1, zorder=1)
    ax.plot(vals, y, "o", color=color, ms=6, zorder=2)
    for yi, v, t in zip(y, vals, rows["term"].astype(str)):
        label = f"{v:g}" + (f"  {glosses[t]}" if t in glosses else "")
        ax.annotate(label, (v, yi), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8,
                    color="#444444")
    ax.set_yticks(y, rows["term"].astype(str))
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(False)
    ax.set_xlim(0, (xmax if xmax is not None else (vals.max() if len(vals) else 1.0)) * 1.9)
