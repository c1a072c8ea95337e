"""Evaluation of the reuse detector (:mod:`analysis.text.reuse`) that does not depend on its internals.

Three instruments, each usable with any version of the detector that returns reuse pairs:

1. **Corpus-level precision and recall** from the stratified gold set (:func:`stratified_precision_recall`).
   The gold pairs were drawn at random within strata of shingle containment (:data:`analysis.text.reuse.
   GOLD_STRATA`, ``reuse.draw_gold``), the same number from each stratum, so the plain rates of the sample
   (:func:`analysis.text.reuse.precision_recall`) describe the candidate pool stratum by stratum, not the
   detector's output. Here the stratum rates are weighted back to the corpus:

   * precision of the output = Σ_h W_h · p_h, p_h the precision among the gold pairs of stratum ``h`` the
     detector predicts positive, W_h the share of the output's predicted-positive pairs (or characters) that
     fall in stratum ``h`` (post-stratification of the output);
   * recall = Σ_h N_h · TP_h / n_h ÷ Σ_h N_h · POS_h / n_h, a combined ratio estimator over the candidate
     pool (N_h candidate pairs in stratum ``h``, n_h of them drawn into the gold set).

   Intervals come from a stratified bootstrap (resampling within strata, percentile interval), beside the
   naive sample rates and Kish's effective sample size of the weighting.
2. **Agreement between two labellings** of the gold pairs (:func:`kappa_by_class`, :func:`confusion`): Cohen's
   κ overall and one-vs-rest per class (scikit-learn's ``cohen_kappa_score`` and ``confusion_matrix``), at
   the level of labels and of *kinds* (:data:`KIND_OF_LABEL`, :func:`to_kind`).
3. **Synthetic drafting edits** (:func:`drafting_edits`, :func:`synthetic_drafting_trials`,
   :func:`recall_by_edit`): national articles copied into local texts with the edits a local drafter makes
   — local bodies and detail added, list items reordered, two articles merged, one article split, random
   character edits — and the share the detector finds, by kind of edit, with Wilson intervals. This
   complements ``reuse.synthetic_edits`` (random character edits only).

Nothing here reads the detector's thresholds or its internal tables; the only imports from
:mod:`analysis.text.reuse` are the shared helpers ``_edit`` (random character edits), ``boilerplate_kind``,
``reuse_target`` and ``reuse_against`` (the default detector of the synthetic trials, replaceable by
``find``).
"""
from __future__ import annotations

import re
from typing import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = ["PR_SEED", "DRAFTING_SEED", "stratified_precision_recall", "assign_strata", "stratum_totals",
           "KINDS", "KIND_OF_LABEL", "to_kind", "kappa_by_class", "confusion", "DRAFTING_EDIT_KINDS",
           "drafting_edits", "edit_applies", "synthetic_drafting_trials", "recall_by_edit"]

PR_SEED = 20261207
DRAFTING_SEED = 20261208


# --------------------------------------------------------------------------- 1. corpus precision and recall
def assign_strata(containment, bands=None) -> np.ndarray:
    """Stratum of each pair from its shingle containment: ``k`` (1, 2, …) for the ``k``-th band
    ``[lo, hi)`` of ``bands``, 0 below the lowest band; a value at or above the top band's upper bound
    goes to the top band.

    Parameters
    ----------
    containment : array-like of float
    bands : list of (lo, hi), optional
        Default :data:`analysis.text.reuse.GOLD_STRATA`.

    Returns
    -------
    numpy.ndarray of int64
    """
    if bands is None:
        from .reuse import GOLD_STRATA as bands
    c = np.asarray(containment, dtype=float)
    out = np.zeros(c.shape, dtype=np.int64)
    for k, (lo, _) in enumerate(bands, start=1):
        out[c >= lo] = k
    return out


def stratum_totals(stratum, chars=None) -> pd.DataFrame:
    """The ``output_weights`` of :func:`stratified_precision_recall` from the detector's predicted-positive
    pairs: their number (``pairs``) and, with ``chars``, their restated characters (``chars``) per stratum.

    Parameters
    ----------
    stratum : array-like of int
        Stratum of each predicted-positive output pair (e.g. :func:`assign_strata` of its containment).
    chars : array-like of int, optional
        Restated characters of each pair.

    Returns
    -------
    DataFrame indexed by ``stratum`` (sorted), columns ``pairs`` and (with ``chars``) ``chars``.
    """
    d = pd.DataFrame({"stratum": np.asarray(stratum, dtype=np.int64), "pairs": 1})
    if chars is not None:
        d["chars"] = np.asarray(chars, dtype=float)
    return d.groupby("stratum", sort=True).sum()


def _bool_column(df: pd.DataFrame, col: str) -> np.ndarray:
    s = df[col]
    if s.isna().any():
        raise ValueError(f"evaluated: column {col!r} has missing values")
    return s.astype(bool).to_numpy()


def _gold_table(evaluated: pd.DataFrame, chars) -> tuple[pd.DataFrame, bool]:
    """``evaluated`` checked and reduced to stratum, truth, predicted and (when available) chars."""
    missing = [c for c in ("pair_id", "stratum", "truth", "predicted") if c not in evaluated]
    if missing:
        raise ValueError(f"evaluated: missing columns {missing}")
    if evaluated["pair_id"].duplicated().any():
        dup = evaluated.loc[evaluated["pair_id"].duplicated(), "pair_id"].iloc[0]
        raise ValueError(f"evaluated: pair_id {dup!r} appears more than once")
    if evaluated["stratum"].isna().any():
        raise ValueError("evaluated: column 'stratum' has missing values")
    g = pd.DataFrame({"pair_id": evaluated["pair_id"].astype(str).to_numpy(),
                      "stratum": evaluated["stratum"].astype("int64").to_numpy(),
                      "truth": _bool_column(evaluated, "truth"),
                      "predicted": _bool_column(evaluated, "predicted")})
    if isinstance(chars, pd.Series):
        c = chars.copy()
        c.index = c.index.astype(str)
        col = g["pair_id"].map(c)
    elif isinstance(chars, str):
        col = pd.Series(evaluated[chars].to_numpy())
    elif chars is None and "chars" in evaluated:
        col = pd.Series(evaluated["chars"].to_numpy())
    elif chars is None:
        return g, False
    else:
        raise TypeError("chars: a Series by pair_id, a column name of evaluated, or None")
    col = pd.to_numeric(col, errors="coerce").astype(float).to_numpy()
    needed = g["truth"].to_numpy() | g["predicted"].to_numpy()
    if np.isnan(col[needed]).any():
        pid = g.loc[needed & np.isnan(col), "pair_id"].iloc[0]
        raise ValueError(f"chars: missing for pair {pid!r}, which is labelled or predicted positive")
    if (col[needed] < 0).any():
        raise ValueError("chars: negative character counts")
    g["chars"] = np.where(needed, col, 0.0)
    return g, True


def _output_weights(output_weights, use_chars: bool) -> pd.DataFrame:
    if isinstance(output_weights, pd.Series):
        ow = output_weights.to_frame("pairs")
    elif isinstance(output_weights, pd.DataFrame):
        ow = output_weights.copy()
    else:
        ow = pd.Series(dict(output_weights)).to_frame("pairs")
    if "pairs" not in ow:
        raise ValueError("output_weights: needs a column 'pairs'")
    if use_chars and "chars" not in ow:
        raise ValueError("output_weights: the gold pairs carry chars, so the output needs a column 'chars' too")
    ow.index = pd.Index(ow.index.astype("int64"), name="stratum")
    if ow.index.has_duplicates:
        raise ValueError("output_weights: a stratum appears more than once")
    cols = ["pairs", "chars"] if use_chars else ["pairs"]
    ow = ow[cols].astype(float)
    if ow.isna().any().any() or (ow < 0).any().any():
        raise ValueError("output_weights: missing or negative totals")
    if (ow.sum() <= 0).any():
        raise ValueError("output_weights: the output has no predicted-positive pair")
    return ow.sort_index(kind="stable")


def _pool_sizes(pool_sizes) -> pd.Series:
    s = pool_sizes if isinstance(pool_sizes, pd.Series) else pd.Series(dict(pool_sizes), dtype=float)
    s = s.astype(float)
    s.index = pd.Index(s.index.astype("int64"), name="stratum")
    if s.isna().any() or (s < 0).any():
        raise ValueError("pool_sizes: missing or negative sizes")
    return s.sort_index(kind="stable")


def _kish(w: np.ndarray) -> float:
    """Kish's effective sample size of weights ``w``: (Σw)² / Σw²."""
    w = np.asarray(w, dtype=float)
    s2 = float((w ** 2).sum())
    return float(w.sum()) ** 2 / s2 if s2 > 0 else np.nan


def _interval(reps: np.ndarray, confidence: float) -> tuple[float, float]:
    reps = reps[~np.isnan(reps)]
    if not len(reps):
        return np.nan, np.nan
    a = (1 - confidence) / 2
    lo, hi = np.percentile(reps, [100 * a, 100 * (1 - a)])
    return float(lo), float(hi)


def stratified_precision_recall(evaluated: pd.DataFrame, output_weights, pool_sizes, *, chars=None,
                                n_boot: int = 2000, seed: int = PR_SEED, confidence: float = 0.95) -> pd.DataFrame:
    """Corpus-level precision and recall of the detector from a stratified gold set, with bootstrap intervals.

    Precision (of the detector's output):

        P = Σ_h W_h · p_h,  p_h = TP_h / (TP_h + FP_h) among the gold pairs of stratum h predicted positive,

    W_h = ``output_weights[h]`` / Σ ``output_weights`` — the share of the output's predicted-positive pairs
    in stratum ``h``. By characters, each gold pair counts with its ``chars`` in p_h and W_h is the share of
    the output's predicted-positive characters. Recall (over the candidate pool the gold pairs were drawn
    from):

        R = Σ_h N_h · TP_h / n_h  ÷  Σ_h N_h · POS_h / n_h,

    N_h = ``pool_sizes[h]``, n_h the gold pairs of stratum ``h`` (all labels), POS_h those labelled positive;
    by characters, TP_h and POS_h are sums of ``chars``.

    Intervals: stratified bootstrap with ``numpy.random.default_rng(seed)``; each replicate resamples with
    replacement, within each stratum, the predicted-positive gold pairs (for P; their number per stratum is
    held, as P conditions on the prediction) and all the gold pairs (for R), and recomputes both units from
    the same draw; the interval is the percentile interval of the replicates (replicates whose
    denominator is 0 are left out). Deterministic for a given seed.

    Parameters
    ----------
    evaluated : DataFrame
        One row per gold pair: ``pair_id`` (unique), ``stratum`` (int; 0 for pairs below the lowest
        containment band), ``truth`` (bool: labelled a substantive restatement, i.e. verbatim or edited),
        ``predicted`` (bool: the detector counts the pair as a substantive restatement) and optionally
        ``chars``.
    output_weights : DataFrame, Series or mapping
        The detector output's predicted-positive totals per stratum: a DataFrame indexed by stratum with
        column ``pairs`` and, when the gold pairs carry characters, ``chars`` (:func:`stratum_totals` makes
        it); a Series or mapping is ``pairs`` only. Every stratum with a positive total must hold at least
        one predicted-positive gold pair, and every stratum with predicted-positive gold pairs must be listed
        (a zero total is allowed): otherwise ValueError, naming the stratum.
    pool_sizes : Series or mapping
        N_h, candidate pairs per stratum in the pool the gold pairs of that stratum were drawn from. Must
        list every stratum of the gold set; a stratum with N_h > 0 and no gold pair raises ValueError, and so
        does N_h < n_h.
    chars : Series, str or None
        Restated characters per pair (e.g. ``matched`` of ``reuse.evaluate_gold``, or the union of the
        aligned source span): a Series indexed by ``pair_id``, or the name of a column of ``evaluated``;
        None uses the column ``chars`` when present, else only the by-pairs rows are returned. Needed for
        every pair labelled or predicted positive.
    n_boot : int
        Bootstrap replicates.
    seed : int
        Seed of the bootstrap generator.
    confidence : float
        Coverage of the percentile interval.

    Returns
    -------
    DataFrame
        One row per ``measure`` (precision, recall) and ``unit`` (pairs, then chars when available):
        ``estimate``, ``low``, ``high`` (bootstrap percentile interval), ``naive`` (the unweighted rate of
        the gold sample: all strata pooled), ``n_gold`` (gold pairs in the naive denominator: predicted
        positive for precision, labelled positive for recall) and ``effective_n`` (Kish's (Σw)²/Σw² of the
        pairs' weights in the estimate: W_h·c_i/Σ_h c for precision, N_h·c_i/n_h over the labelled
        positives for recall; c_i = 1 by pairs). Floats rounded to 4 decimals.

    Notes
    -----
    Two strata of the output, half its pairs each; precision 0.2 in stratum 1 (1 of 5) and 1.0 in stratum 2
    (2 of 2): P = 0.5·0.2 + 0.5·1.0 = 0.6, where the sample's naive rate is 3/7.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    g, has_chars = _gold_table(evaluated, chars)
    ow = _output_weights(output_weights, has_chars)
    pool = _pool_sizes(pool_sizes)
    unit_names = ["pairs", "chars"] if has_chars else ["pairs"]
    weight_of = {"pairs": np.ones(len(g)), "chars": g["chars"].to_numpy() if has_chars else None}
    stratum = g["stratum"].to_numpy()
    truth, pred = g["truth"].to_numpy(), g["predicted"].to_numpy()

    # ---- precision: strata of the output against the predicted-positive gold pairs
    pred_strata = sorted(set(stratum[pred].tolist()))
    unlisted = [h for h in pred_strata if h not in ow.index]
    if unlisted:
        raise ValueError(f"output_weights: stratum {unlisted[0]} holds predicted-positive gold pairs but is not "
                         f"listed (give it an explicit 0 if the output has none there)")
    for h in ow.index[(ow > 0).any(axis=1)]:
        if not (pred & (stratum == h)).any():
            raise ValueError(f"stratum {h}: the output has {ow.loc[h, 'pairs']:g} predicted-positive pairs there "
                             f"but the gold set has no predicted-positive pair in it, so its precision is unknown")
    p_strata = [h for h in ow.index if (pred & (stratum == h)).any()]
    W = {u: ow.loc[p_strata, u].to_numpy() / ow[u].sum() for u in unit_names}
    # ---- recall: the gold strata against the pool
    r_strata = sorted(set(stratum.tolist()))
    for h in r_strata:
        if h not in pool.index:
            raise ValueError(f"pool_sizes: stratum {h} of the gold set is not listed")
        n_h = int((stratum == h).sum())
        if pool[h] < n_h:
            raise ValueError(f"pool_sizes: stratum {h} has {pool[h]:g} candidate pairs, fewer than its {n_h} gold pairs")
    for h in pool.index[pool > 0]:
        if h not in r_strata:
            raise ValueError(f"stratum {h}: the pool has {pool[h]:g} candidate pairs there but the gold set has none, "
                             f"so its recall is unknown")
    expand = np.array([pool[h] / (stratum == h).sum() for h in r_strata])   # N_h / n_h

    rng = np.random.default_rng(seed)
    rows = []
    # point estimates and bootstrap, precision
    p_est, p_boot, p_kish = {}, {}, {}
    for u in unit_names:
        p_boot[u] = np.zeros(n_boot)
        p_kish[u] = []
    p_h_est = {u: [] for u in unit_names}
    for j, h in enumerate(p_strata):
        sel = np.flatnonzero(pred & (stratum == h))
        y = truth[sel].astype(float)
        idx = rng.integers(0, len(sel), size=(n_boot, len(sel)))
        for u in unit_names:
            c = weight_of[u][sel]
            if c.sum() <= 0:
                raise ValueError(f"stratum {h}: the predicted-positive gold pairs have no characters")
            p_h_est[u].append(float((c * y).sum() / c.sum()))
            p_kish[u].append(W[u][j] * c / c.sum())
            cb = c[idx]
            with np.errstate(invalid="ignore", divide="ignore"):
                p_boot[u] += W[u][j] * ((cb * y[idx]).sum(axis=1) / cb.sum(axis=1))
    for u in unit_names:
        p_est[u] = float(np.dot(W[u], p_h_est[u]))
    # recall
    num_b = {u: np.zeros(n_boot) for u in unit_names}
    den_b = {u: np.zeros(n_boot) for u in unit_names}
    num, den = {u: 0.0 for u in unit_names}, {u: 0.0 for u in unit_names}
    r_kish = {u: [] for u in unit_names}
    for j, h in enumerate(r_strata):
        sel = np.flatnonzero(stratum == h)
        tp = (truth[sel] & pred[sel]).astype(float)
        pos = truth[sel].astype(float)
        idx = rng.integers(0, len(sel), size=(n_boot, len(sel)))
        for u in unit_names:
            c = weight_of[u][sel]
            num[u] += expand[j] * float((c * tp).sum())
            den[u] += expand[j] * float((c * pos).sum())
            r_kish[u].append(expand[j] * c[pos > 0])
            num_b[u] += expand[j] * (c * tp)[idx].sum(axis=1)
            den_b[u] += expand[j] * (c * pos)[idx].sum(axis=1)
    for u in unit_names:
        c = weight_of[u]
        lo, hi = _interval(p_boot[u], confidence)
        rows.append(dict(measure="precision", unit=u, estimate=p_est[u], low=lo, high=hi,
                         naive=float((c * truth)[pred].sum() / c[pred].sum()) if c[pred].sum() > 0 else np.nan,
                         n_gold=int(pred.sum()), effective_n=_kish(np.concatenate(p_kish[u]))))
    for u in unit_names:
        c = weight_of[u]
        with np.errstate(invalid="ignore", divide="ignore"):
            reps = np.where(den_b[u] > 0, num_b[u] / np.where(den_b[u] > 0, den_b[u], 1), np.nan)
        lo, hi = _interval(reps, confidence)
        pos_c = float(c[truth].sum())
        rows.append(dict(measure="recall", unit=u, estimate=num[u] / den[u] if den[u] > 0 else np.nan, low=lo,
                         high=hi, naive=float(c[truth & pred].sum()) / pos_c if pos_c > 0 else np.nan,
                         n_gold=int(truth.sum()),
                         effective_n=_kish(np.concatenate(r_kish[u])) if r_kish[u] else np.nan))
    out = pd.DataFrame(rows, columns=["measure", "unit", "estimate", "low", "high", "naive", "n_gold",
                                      "effective_n"])
    for c in ("estimate", "low", "high", "naive", "effective_n"):
        out[c] = out[c].astype(float).round(4)
    out["n_gold"] = out["n_gold"].astype("int64")
    return out


# --------------------------------------------------------------------------- 2. agreement between labellings
#: The kinds of pair the labels belong to: a substantive restatement, a drafting formula (formula and
#: boilerplate), a stock phrase, or none (drafted independently).
KINDS = ("substantive", "formula", "stock", "none")
KIND_OF_LABEL: dict[str, str] = {"verbatim": "substantive", "edited": "substantive", "formula": "formula",
                                 "boilerplate": "formula", "stock": "stock", "independent": "none"}


def to_kind(labels: pd.Series) -> pd.Series:
    """The kind (:data:`KIND_OF_LABEL`) of each label; ValueError on a label without a kind (nothing is
    silently turned into a missing value). Index and name are kept."""
    bad = sorted(set(labels.dropna().astype(str)) - set(KIND_OF_LABEL))
    if bad or labels.isna().any():
        raise ValueError(f"to_kind: labels without a kind: {bad or ['<NA>']}")
    return labels.astype(str).map(KIND_OF_LABEL)


def _paired(a: pd.Series, b: pd.Series, labels) -> tuple[pd.Series, pd.Series]:
    """The two labellings aligned on pair id (sorted); ValueError unless they label the same pairs with known
    labels."""
    for name, s in (("a", a), ("b", b)):
        if s.index.has_duplicates:
            raise ValueError(f"{name}: pair id {s.index[s.index.duplicated()][0]!r} labelled twice")
        if s.isna().any():
            raise ValueError(f"{name}: missing labels")
        bad = sorted(set(s.astype(str)) - set(labels))
        if bad:
            raise ValueError(f"{name}: labels not in labels: {bad}")
    only_a, only_b = a.index.difference(b.index), b.index.difference(a.index)
    if len(only_a) or len(only_b):
        raise ValueError(f"the labellings cover different pairs: {len(only_a)} only in a "
                         f"{list(only_a[:3])}, {len(only_b)} only in b {list(only_b[:3])}")
    a = a.astype(str).sort_index(kind="stable")
    return a, b.astype(str).reindex(a.index)


def _kappa(y1, y2, labels) -> float:
    """Cohen's κ (sklearn), NaN where it is undefined (both labellings constant and equal)."""
    from sklearn.metrics import cohen_kappa_score

    if len(y1) == 0 or (len(set(y1)) == 1 and set(y1) == set(y2)):
        return np.nan
    return float(cohen_kappa_score(y1, y2, labels=list(labels)))


def kappa_by_class(a: pd.Series, b: pd.Series, labels) -> pd.DataFrame:
    """Cohen's κ between two labellings of the same pairs, overall and one-vs-rest per class.

    Parameters
    ----------
    a, b : Series
        Labels indexed by ``pair_id``; they must cover the same pairs (ValueError otherwise) and use only
        ``labels``.
    labels : sequence of str
        The classes, in reporting order (e.g. the six labels, or :data:`KINDS` after :func:`to_kind`).

    Returns
    -------
    DataFrame
        First row ``class`` = ``overall``: κ over all classes (:func:`sklearn.metrics.cohen_kappa_score`),
        ``agree`` the pairs both gave the same label, ``n_a``/``n_b`` <NA>. Then one row per class ``c``:
        κ of the two yes/no labellings "c" vs "not c", ``n_a``/``n_b`` (pairs each labeller gave ``c``),
        ``agree`` (pairs both gave ``c``). ``n_pairs`` is the number of pairs; ``agreement`` the observed
        share of agreement (on the class's yes/no for a class row); ``kappa`` NaN where undefined (both
        labellings constant and equal). Floats rounded to 4 decimals.
    """
    labels = [str(x) for x in labels]
    a, b = _paired(a, b, labels)
    va, vb = a.to_numpy(), b.to_numpy()
    n = len(va)
    rows = [dict(**{"class": "overall"}, n_pairs=n, n_a=pd.NA, n_b=pd.NA, agree=int((va == vb).sum()),
                 agreement=float((va == vb).mean()) if n else np.nan, kappa=_kappa(va, vb, labels))]
    for c in labels:
        ya, yb = va == c, vb == c
        rows.append(dict(**{"class": c}, n_pairs=n, n_a=int(ya.sum()), n_b=int(yb.sum()), agree=int((ya & yb).sum()),
                         agreement=float((ya == yb).mean()) if n else np.nan,
                         kappa=_kappa(ya, yb, [False, True])))
    out = pd.DataFrame(rows)
    for c in ("n_pairs", "n_a", "n_b", "agree"):
        out[c] = out[c].astype("Int64")
    for c in ("agreement", "kappa"):
        out[c] = out[c].astype(float).round(4)
    return out


def confusion(a: pd.Series, b: pd.Series, labels) -> pd.DataFrame:
    """Confusion table of two labellings of the same pairs (:func:`sklearn.metrics.confusion_matrix`): rows are
    ``a``'s labels, columns ``b``'s, both in the order of ``labels``; the axes are named after the Series
    (``a``/``b`` when unnamed). Same checks as :func:`kappa_by_class`."""
    from sklearn.metrics import confusion_matrix

    labels = [str(x) for x in labels]
    a2, b2 = _paired(a, b, labels)
    m = confusion_matrix(a2.to_numpy(), b2.to_numpy(), labels=labels)
    return pd.DataFrame(m, index=pd.Index(labels, name=a.name or "a"),
                        columns=pd.Index(labels, name=b.name or "b")).astype("int64")


# --------------------------------------------------------------------------- 3. synthetic drafting edits
#: The edits of :func:`drafting_edits`, in reporting order (``verbatim`` is the unedited control).
DRAFTING_EDIT_KINDS = ("verbatim", "local_detail", "reorder_list", "merge", "split", "random_chars")

#: Random character edits of the ``random_chars`` kind (the middle of ``reuse.synthetic_edits``' range).
RANDOM_CHARS_K = 10

# national bodies → local ones, as a municipal drafter writes them (longest first in one alternation)
_LOCAL_BODIES = [
    (r"国务院有关部门", "市人民政府有关部门"),
    (r"国务院([\u4e00-\u9fff]{1,10}?)(主管部门|部门|机构)", r"市\1\2"),
    (r"县级以上地方各级人民政府|县级以上地方人民政府|县级以上人民政府", "市、区人民政府"),
    (r"国务院", "市人民政府"),
    (r"国家(?=建立|鼓励|支持|实行|推进|推动|加强|保护|依法|采取|制定|坚持|促进|发展|完善|健全|引导|扶持|保障|"
     r"对|根据|按照|积极|大力|倡导|提倡|逐步|加快)", "本市"),
    (r"全国(?!人民代表大会)", "本市"),
]
_LOCAL_RE = re.compile("|".join(f"(?P<b{i}>{p})" for i, (p, _) in enumerate(_LOCAL_BODIES)))
_DETAIL_PROCEDURE = ("，具体办法由市人民政府制定", "，并向社会公布", "，具体实施方案由市人民政府有关部门另行制定",
                     "，所需经费列入本级财政预算")
_DETAIL_PENALTY = ("，处五千元以上五万元以下罚款", "；情节严重的，处五万元以上二十万元以下罚款")
_SENTENCE_END = re.compile(r"[。；！？]")
_ENUM = re.compile(r"（[一二三四五六七八九十]+）")
_CJK_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+(?:、[\u4e00-\u9fffA-Za-z0-9]+)+")
_CONJ = re.compile(r"或者|以及|和|及|与|或")


def _local_bodies(text: str) -> str:
    def repl(m):
        i = int(m.lastgroup[1:])
        pat, rep = _LOCAL_BODIES[i]
        return re.sub(pat, rep, m.group(0)) if "\\" in rep else rep
    return _LOCAL_RE.sub(repl, text)


def _sentence_ends(text: str) -> list[int]:
    """Positions of the sentence-ending punctuation marks of ``text``."""
    return [m.start() for m in _SENTENCE_END.finditer(text)]


def _local_detail(text: str, rng: np.random.Generator) -> str:
    out = _local_bodies(text)
    ends = _sentence_ends(out)
    if ends:
        i = ends[int(rng.integers(len(ends)))]
        sentence = out[(max([e for e in ends if e < i], default=-1) + 1):i]
    else:
        i = len(out.rstrip())
        sentence = out[:i]
    if re.search(r"元[^。；]*罚款", sentence):      # a fine already: a graver case added
        pool = _DETAIL_PENALTY[1:]
    elif re.search(r"违反|罚", sentence):
        pool = _DETAIL_PENALTY
    else:
        pool = _DETAIL_PROCEDURE
    clause = pool[int(rng.integers(len(pool)))]
    return out[:i] + clause + (out[i:] if ends else "。" + out[i:])


def _lists(text: str) -> list[list[tuple[int, int]]]:
    """The reorderable lists of ``text``, each a list of item spans ``(start, end)``: the contents of
    enumerated items （一）（二）… (without their closing ；/。), and 、-separated runs of at least three items
    whose inner items are short (≤ 10 characters) and hold no conjunction; the first and last items of a run
    are cut to the length of their inner neighbour (the run's ends are where the sentence goes on)."""
    found = []
    marks = list(_ENUM.finditer(text))
    if len(marks) >= 2:
        items = []
        for j, m in enumerate(marks):
            stop = marks[j + 1].start() if j + 1 < len(marks) else len(text)
            seg = text[m.end():stop]
            if j + 1 == len(marks):          # the last item runs to the end of its line
                nl = seg.find("\n")
                seg = seg if nl < 0 else seg[:nl]
            body = seg.rstrip("；。;.，,：:\n\r \u3000")
            if body:
                items.append((m.end(), m.end() + len(body)))
        if len(items) >= 2:
            found.append(items)
    for m in _CJK_RUN.finditer(text):
        parts = m.group(0).split("、")
        if len(parts) < 3:
            continue
        inner = parts[1:-1]
        if any(len(p) > 10 or _CONJ.search(p) for p in inner):
            continue
        spans, pos = [], m.start()
        for p in parts:
            spans.append([pos, pos + len(p)])
            pos += len(p) + 1
        spans[0][0] = spans[0][1] - min(len(parts[0]), len(parts[1]))
        spans[-1][1] = spans[-1][0] + min(len(parts[-1]), len(parts[-2]))
        found.append([tuple(s) for s in spans])
    return found


def _reorder_list(text: str, rng: np.random.Generator) -> str:
    lists = _lists(text)
    if not lists:
        return text
    items = lists[int(rng.integers(len(lists)))]
    contents = [text[a:b] for a, b in items]
    m = len(items)
    perm = rng.permutation(m)
    if (perm == np.arange(m)).all():
        perm = np.roll(np.arange(m), 1)
    out, pos = [], 0
    for (a, b), j in zip(items, perm):
        out.append(text[pos:a])
        out.append(contents[int(j)])
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _split(text: str, rng: np.random.Generator) -> tuple[str, str]:
    body = text.rstrip()
    cuts = [e + 1 for e in _sentence_ends(body) if e + 1 < len(body)]
    if not cuts:
        cuts = [m.end() for m in re.finditer(r"[，：]", body) if m.end() < len(body)]
    if not cuts:
        raise ValueError("split: the text has no sentence or clause boundary to split at")
    i = cuts[int(rng.integers(len(cuts)))]
    return body[:i].rstrip(), body[i:].lstrip()


def edit_applies(text: str, kind: str, next_text: str | None = None) -> bool:
    """Whether :func:`drafting_edits` of ``kind`` changes ``text`` in the way it is meant to:
    ``reorder_list`` needs a list (see :func:`drafting_edits`), ``merge`` a next article, ``split`` a
    sentence boundary (。；！？) before the end; the other kinds always apply."""
    if kind == "reorder_list":
        return any(len({text[a:b] for a, b in items}) > 1 for items in _lists(text))
    if kind == "merge":
        return bool(next_text and next_text.strip())
    if kind == "split":
        body = text.rstrip()
        return any(e + 1 < len(body) for e in _sentence_ends(body))
    if kind in DRAFTING_EDIT_KINDS:
        return True
    raise ValueError(f"unknown edit kind {kind!r}; one of {DRAFTING_EDIT_KINDS}")


def drafting_edits(text: str, kind: str, rng: np.random.Generator, next_text: str | None = None, *,
                   k: int = RANDOM_CHARS_K) -> tuple[str, ...]:
    """A national article's text as a local drafter might have re-drafted it (one kind of edit).

    Each kind is a function of ``(text, rng)`` only (and ``next_text`` for ``merge``): the same text and
    generator state give the same result.

    ``verbatim``
        The text unchanged (the control).
    ``local_detail``
        National bodies replaced by local ones — 国务院有关部门 → 市人民政府有关部门, 国务院X部门 → 市X部门,
        县级以上(地方各级)人民政府 → 市、区人民政府, 国务院 → 市人民政府, 国家 (as the subject of 建立、鼓励、
        支持 …) and 全国 → 本市 — and one clause of local detail inserted at the end of a random sentence
        (before its 。/；): a fine (``，处五千元以上五万元以下罚款``, ``；情节严重的，处五万元以上二十万元以下罚款``) in
        a sentence that speaks of 违反/罚 (only the graver case where the sentence already sets a fine in 元),
        else a procedural detail (``，具体办法由市人民政府制定``, ``，并向社会公布``, …).
    ``reorder_list``
        The items of one list (drawn among the text's lists) put in another order (a random permutation,
        never the identity): either the contents of enumerated items （一）（二）… (markers and their closing
        ；/。 stay in place) or a 、-separated run of at least three short items (inner items of at most 10
        characters without 或者/和/及/与; the first and last items are cut to the length of their inner
        neighbour — a heuristic for where the list begins and ends). The text unchanged if it has no list
        (:func:`edit_applies`).
    ``merge``
        The article merged with the next article of the same national document: ``text`` followed by
        ``next_text`` in one paragraph. ``next_text`` is required.
    ``split``
        The article split into two articles at a random sentence boundary (after 。/；/！/？, not the final
        one; at a ，/： when there is no sentence boundary): two texts, which together hold every
        character of ``text`` except the whitespace at the cut and at the end.
    ``random_chars``
        ``k`` random character edits (substitution, insertion or deletion, equally likely):
        ``analysis.text.reuse._edit``, the edits of ``reuse.synthetic_edits``.

    Parameters
    ----------
    text : str
        The article's text (without its 第X条 heading).
    kind : str
        One of :data:`DRAFTING_EDIT_KINDS`.
    rng : numpy.random.Generator
    next_text : str, optional
        The next article of the same document (``merge`` only).
    k : int
        Character edits of ``random_chars``.

    Returns
    -------
    tuple of str
        The edited article: one text, two for ``split``.
    """
    if kind == "verbatim":
        return (text,)
    if kind == "local_detail":
        return (_local_detail(text, rng),)
    if kind == "reorder_list":
        return (_reorder_list(text, rng),)
    if kind == "merge":
        if not next_text:
            raise ValueError("merge: next_text (the next article of the same document) is required")
        return (text.rstrip() + next_text.strip(),)
    if kind == "split":
        return _split(text, rng)
    if kind == "random_chars":
        from .reuse import _edit

        return (_edit(text, k, rng),)
    raise ValueError(f"unknown edit kind {kind!r}; one of {DRAFTING_EDIT_KINDS}")


def _substantive(pairs: pd.DataFrame) -> np.ndarray:
    """Which pairs the detector counts as substantive restatement: ``kind == "substantive"`` where the
    pairs carry a ``kind``, else neither boilerplate nor formulaic."""
    if "kind" in pairs:
        return (pairs["kind"].astype(str) == "substantive").to_numpy()
    if "formulaic" in pairs:
        formulaic = pairs["formulaic"].fillna(False).astype(bool).to_numpy()
    else:
        from .reuse import DEFAULTS

        formulaic = (pairs["n_target_titles"].astype(float) >= DEFAULTS["formulaic_titles"]).to_numpy()
    return pairs["boilerplate"].isna().to_numpy() & ~formulaic


def _default_find(clauses: pd.DataFrame, texts: dict, target) -> pd.DataFrame:
    from .reuse import reuse_against

    return reuse_against(clauses, texts, target)


def synthetic_drafting_trials(national: pd.DataFrame, carriers: pd.DataFrame, target=None, *, n: int = 60,
                              seed: int = DRAFTING_SEED, kinds=DRAFTING_EDIT_KINDS,
                              find: Callable | None = None) -> pd.DataFrame:
    """Copy national articles into local texts with drafting edits (:func:`drafting_edits`); does the
    detector find them?

    The pool is the prepared target's article units (``target.units``: units whose path has 第X条) of
    60–400 normalised characters that are not boilerplate (``reuse.boilerplate_kind``, with 本法 read as
    本条例 so that national purpose and commencement articles are recognised too), as in
    ``reuse.synthetic_edits``. ``numpy.random.default_rng(seed)`` orders the pool at random once; for each
    edit kind the first ``n`` articles of that order to which the edit applies (:func:`edit_applies`: a list
    for ``reorder_list``, a next article — the following non-boilerplate article unit of the same document —
    for ``merge``, a sentence boundary for ``split``) are taken, so the kinds share most of their articles.
    Each edited article is inserted at the end of a carrier text drawn from ``carriers`` (with replacement)
    as a new article ``第九百九十九条`` (for ``split``, as the two consecutive articles 第九百九十八条 and
    第九百九十九条), and the detector is run once on all the synthetic texts.

    Parameters
    ----------
    national : DataFrame
        National corpus (``doc_id``, ``title``, ``text``), for the titles (and for ``target`` when it is
        not given).
    carriers : DataFrame
        Local texts to insert into (``doc_id``, ``text``).
    target : ReuseTarget, optional
        ``national`` prepared by :func:`analysis.text.reuse.reuse_target`; built with the defaults when None.
    n : int
        Articles per edit kind.
    seed : int
    kinds : sequence of str
        Edit kinds, default :data:`DRAFTING_EDIT_KINDS`.
    find : callable, optional
        The detector: ``find(clauses, texts, target)`` → pairs with ``source_doc``, ``source_start``,
        ``target_doc``, ``target_unit``, ``similarity`` (and ``kind`` or ``boilerplate``/``formulaic``),
        called with :func:`analysis.corpus.corpora.load_clauses` of the synthetic texts and their texts by
        ``doc_id``. Default ``reuse.reuse_against``.

    Returns
    -------
    DataFrame
        One row per trial: ``trial``, ``edit``, ``national_doc``, ``national_unit``, ``carrier_doc``,
        ``changed`` (the edit changed the text), ``detected`` (a pair from an inserted article to the same
        national title), ``same_article`` (to the drawn article's unit path in that title, in whichever
        version the detector kept, as in ``reuse.synthetic_edits``; for ``merge`` to either merged article), ``substantive`` (one of those pairs is counted as a substantive restatement, not boilerplate
        or formula), ``similarity`` (of the best such pair, preferring the same article; <NA> if none).
    """
    from ..corpus.corpora import load_clauses
    from .reuse import boilerplate_kind, reuse_target

    find = _default_find if find is None else find
    titles = dict(zip(national["doc_id"].astype(str), national["title"].astype(str)))
    if target is None:
        target = reuse_target(load_clauses(national), dict(zip(national["doc_id"], national["text"])), titles)
    titles = {**titles, **{str(d): str(t) for d, t in target.titles.items()}}
    nu = target.units.reset_index(drop=True)
    is_article = nu["unit"].str.contains("条").to_numpy()
    # boilerplate_kind knows the local instruments' names (本条例 …); national law calls itself 本法
    not_boiler = nu["text"].map(lambda t: boilerplate_kind(str(t).replace("本法", "本条例"))).isna().to_numpy()
    nlen = nu["norm"].str.len().to_numpy()
    docs = nu["doc_id"].to_numpy()
    pool = np.flatnonzero(is_article & not_boiler & (nlen >= 60) & (nlen <= 400))
    nxt = {}
    for i in pool:
        j = i + 1
        nxt[i] = j if j < len(nu) and docs[j] == docs[i] and is_article[j] and not_boiler[j] else None
    rng = np.random.default_rng(seed)
    order = pool[rng.permutation(len(pool))]
    picks = []
    for kind in kinds:
        got = 0
        for i in order:
            nt = nu.at[nxt[i], "text"] if nxt[i] is not None else None
            if edit_applies(str(nu.at[i, "text"]), kind, nt):
                picks.append((kind, int(i)))
                got += 1
                if got == n:
                    break
        if got < n:
            raise ValueError(f"{kind}: only {got} articles of the pool admit the edit, fewer than n={n}")
    car = carriers.iloc[rng.choice(len(carriers), size=len(picks), replace=True)].reset_index(drop=True)
    syn, truth = [], []
    for t, (kind, i) in enumerate(picks):
        text = str(nu.at[i, "text"])
        nt = str(nu.at[nxt[i], "text"]) if nxt[i] is not None else None
        parts = drafting_edits(text, kind, rng, nt if kind == "merge" else None)
        doc = str(car.at[t, "text"]).rstrip("\n")
        heads = ["第九百九十九条"] if len(parts) == 1 else ["第九百九十八条", "第九百九十九条"]
        start = None
        for h, p in zip(heads, parts):
            doc += f"\n\n{h} "
            start = len(doc) if start is None else start
            doc += p
        units = {str(nu.at[i, "unit"])}
        if kind == "merge":
            units.add(str(nu.at[nxt[i], "unit"]))
        syn.append(dict(doc_id=f"synthetic/{t:04d}", text=doc + "\n"))
        truth.append(dict(trial=t, edit=kind, national_doc=str(nu.at[i, "doc_id"]), national_unit=str(nu.at[i, "unit"]),
                          carrier_doc=str(car.at[t, "doc_id"]), changed=len(parts) > 1 or parts[0] != text,
                          start=start,
                          units=units))
    syn = pd.DataFrame(syn)
    pairs = find(load_clauses(syn), dict(zip(syn["doc_id"], syn["text"])), target)
    if len(pairs):
        pairs = pairs.assign(_title=pairs["target_doc"].astype(str).map(lambda d: titles.get(d, d)),
                             _sub=_substantive(pairs))
    rows = []
    for tr in truth:
        did = f"synthetic/{tr['trial']:04d}"
        if len(pairs):
            hit = pairs[(pairs["source_doc"].astype(str) == did)
                        & (pairs["source_start"].astype("int64") >= tr["start"] - 1)
                        & (pairs["_title"] == titles.get(tr["national_doc"], tr["national_doc"]))]
        else:
            hit = pairs
        same = hit[hit["target_unit"].astype(str).isin(tr["units"])] if len(hit) else hit
        best = same if len(same) else hit
        sim = float(best["similarity"].astype(float).max()) if len(best) else None
        rows.append(dict(trial=tr["trial"], edit=tr["edit"], national_doc=tr["national_doc"],
                         national_unit=tr["national_unit"], carrier_doc=tr["carrier_doc"], changed=tr["changed"],
                         detected=len(hit) > 0, same_article=len(same) > 0,
                         substantive=bool(hit["_sub"].any()) if len(hit) else False, similarity=sim))
    out = pd.DataFrame(rows)
    out["trial"] = out["trial"].astype("int64")
    for c in ("edit", "national_doc", "national_unit", "carrier_doc"):
        out[c] = out[c].astype("string")
    for c in ("changed", "detected", "same_article", "substantive"):
        out[c] = out[c].astype("boolean")
    out["similarity"] = out["similarity"].astype("Float64")
    return out


def recall_by_edit(trials: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of the synthetic copies the detector finds, by kind of edit, with Wilson intervals
    (:func:`analysis.text.instruments.wilson_interval`).

    Parameters
    ----------
    trials : DataFrame
        :func:`synthetic_drafting_trials` output.
    confidence : float

    Returns
    -------
    DataFrame
        One row per edit kind present (in :data:`DRAFTING_EDIT_KINDS` order, others after): ``edit``, ``n``
        (trials), ``n_changed`` (trials whose text the edit changed), ``detected`` (count), ``recall``,
        ``recall_low``, ``recall_high``, ``same_article`` and ``substantive`` (shares of the trials: found
        at the drawn article; found and counted as a substantive restatement), ``median_similarity`` (of
        the detected trials). Floats rounded to 4 decimals.
    """
    from .instruments import wilson_interval

    present = list(dict.fromkeys(trials["edit"].astype(str)))
    kinds = [k for k in DRAFTING_EDIT_KINDS if k in present] + [k for k in present if k not in DRAFTING_EDIT_KINDS]
    rows = []
    for kind in kinds:
        g = trials[trials["edit"].astype(str) == kind]
        det = g["detected"].astype(bool)
        k, n = int(det.sum()), len(g)
        lo, hi = wilson_interval(k, n, confidence)
        sims = g.loc[det.to_numpy(), "similarity"].astype(float)
        rows.append(dict(edit=kind, n=n, n_changed=int(g["changed"].astype(bool).sum()), detected=k,
                         recall=k / n if n else np.nan, recall_low=lo, recall_high=hi,
                         same_article=float(g["same_article"].astype(bool).mean()) if n else np.nan,
                         substantive=float(g["substantive"].astype(bool).mean()) if n else np.nan,
                         median_similarity=float(sims.median()) if len(sims) else np.nan))
    out = pd.DataFrame(rows, columns=["edit", "n", "n_changed", "detected", "recall", "recall_low", "recall_high",
                                      "same_article", "substantive", "median_similarity"])
    for c in ("recall", "recall_low", "recall_high", "same_article", "substantive", "median_similarity"):
        out[c] = out[c].astype(float).round(4)
    return out
