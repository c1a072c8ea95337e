"""A supervised policy-instrument coder beside the dictionary, and instrument shares corrected for coding error.

Issue 21. The keyword dictionary of :mod:`analysis.text.instruments` does not generalise (held-out type
precision / recall about 0.53 / 0.54), and a share computed by counting a noisy coder's labels is biased even
when its errors look balanced (Forman 2008; Hopkins & King 2010). This module holds

* **the coded set** of the stratified coding sample (``instrument_coding_sample.csv``; 1,200 units, 300 per
  corpus): :func:`ingest_codings` writes the coders' returned files into ``instrument_coding_labels.csv``;
  :func:`coded_set` joins one coder's codes to the units; :func:`coding_agreement` gives Cohen's kappa between
  the two independent codings (assistant-A, assistant-B) on the 300 double-coded units, and
  :func:`coding_disagreements` lists the units on which their subtype sets differ (for adjudication);
* **the supervised coder** (:func:`fit_coder`, :func:`evaluate_on_test`): one binary classifier per type
  (供给型 / 环境型 / 需求型) and per subtype with at least :data:`MIN_POSITIVES` coded units in the training part
  (the other subtypes are reported as "too few to learn"); features are character 1–3-grams (TF-IDF), the
  project's word tokens (:func:`analysis.text.tokens.tokenize_series`, no stopword removal so that 应当 / 不得 stay)
  and the dictionary's hits per subtype (:func:`analysis.text.instruments.code_clauses`); the model —
  logistic regression or a linear SVM with sigmoid calibration, each at a few regularisation strengths — is
  chosen by stratified cross-validation on the training part only (:func:`choose_model`), and evaluated
  **once** on a frozen test part (:func:`split_coded`: 25 %, seeded, stratified by corpus) against the
  dictionary on the same units: precision and recall with Wilson intervals
  (:func:`analysis.text.instruments.wilson_interval`), F1 with a bootstrap interval; the reliability curve of
  each type's probabilities (:func:`reliability`);
* **quantification** (:func:`quantify`): each type's share of units (the share of units that deploy at least
  one instrument of the type) by classify-and-count (CC, the naive share), adjusted classify-and-count
  (ACC, ``p = (q − fpr) / (tpr − fpr)`` clipped to [0, 1]) and probabilistic ACC (PACC, the same with mean
  probabilities), with ``tpr`` / ``fpr`` estimated by cross-validation on the coded set and percentile
  bootstrap intervals that resample the coded set (for ``tpr`` / ``fpr``) and the target units (for ``q``).

QuaPy (0.2.3) installs from the package index, but brings four more dependencies (xlrd, abstention, ucimlrepo,
tqdm) for what is here a few lines (:func:`acc_correct`). It was used once, in a separate virtual environment, to
check the numbers: given the same out-of-fold predictions and target probabilities, QuaPy's ``ACC`` and ``PACC``
(``getPteCondEstim`` + ``solve_adjustment(method="inversion")`` + ``normalize_prevalence(method="clip")``) give
the estimates of :func:`quantify` on all 12 corpus × type cells to within 1.3e-15.

Every sort names ``kind="stable"``; every random draw has a fixed seed (:data:`MODEL_SEED`); the classifiers are
liblinear's (no BLAS-threaded solver), ``n_jobs=1``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..paths import CURATED_DIR
from . import instruments as ins

#: Seed of the test split, the cross-validation folds and the bootstraps (the day the sample was drawn).
MODEL_SEED = 20261207
#: Share of the coded units frozen as the test part.
TEST_FRACTION = 0.25
#: A subtype gets its own classifier only with at least this many positive units in the training part.
MIN_POSITIVES = 15
#: Folds of the model-choice cross-validation (training part) and of the tpr/fpr estimate (whole coded set).
CV_FOLDS = 5
#: Bootstrap replicates (F1 intervals, share intervals).
N_BOOT = 1000
#: Decision threshold on a classifier's probability.
THRESHOLD = 0.5
#: Coder ids of the two independent round-1 codings of the stratified coding sample.
CODER_A, CODER_B = "assistant-A", "assistant-B"
#: Coder id of the round-2 adjudication of the A/B disagreements.
ADJUDICATOR = "adjudicator"
#: Pseudo-coder of :func:`coded_set`: the reference labels (adjudicated codes where adjudicated, else assistant-A).
REFERENCE = "reference"
#: Who coded the reference labels, in one line, for captions and table descriptions.
REFERENCE_WHO = ("reference = the adjudicator's round-2 codes on the 22 double-coded units where assistant-A and "
                 "assistant-B disagreed, assistant-A's round-1 codes on the other 1,178; all AI-assistant sessions "
                 "following the coding guide v2, no person coded")
#: Guide version the coders of the stratified sample followed.
CODING_GUIDE_VERSION = "v2"
#: Units to adjudicate (A and B disagree on the subtype set).
DISAGREEMENTS_CSV = CURATED_DIR / "instrument_coding_disagreements.csv"
#: Units per corpus drawn (seeded) from the population to estimate each corpus's raw share.
TARGET_N_PER_CORPUS = 3000

LABELS = (*ins.TYPES, *ins.SUBTYPES)

__all__ = [
    "MODEL_SEED", "TEST_FRACTION", "MIN_POSITIVES", "CV_FOLDS", "N_BOOT", "CODER_A", "CODER_B", "ADJUDICATOR",
    "REFERENCE", "REFERENCE_WHO", "LABELS", "ingest_codings", "load_coding_labels", "coder_codes", "reference_codes",
    "coded_set", "development_set", "coding_agreement",
    "coding_disagreements", "label_matrix", "FeatureSpace", "MODEL_GRID", "split_coded", "choose_model",
    "fit_coder", "evaluate_on_test", "reliability", "acc_correct", "quantify", "cv_probabilities",
    "target_units", "weighted_share", "corrected_shares", "build_instrument_model_tables",
]


# --------------------------------------------------------------------------- the coders' files
_PACKET_FILES = {  # session -> (coder, file under the return folder)
    **{f"a{k}": (CODER_A, f"a{k}/packet-{k:02d}.csv") for k in range(1, 7)},
    "b1": (CODER_B, "b1/packet2-01.csv"),
    "b2": (CODER_B, "b2/packet2-02.csv"),
}


def _expected_packets(sample: pd.DataFrame) -> dict[str, set[str]]:
    """Unit ids of each session's packet, regenerated with :func:`analysis.text.instruments.coding_packets`
    (seed :data:`~analysis.text.instruments.CODING_SEED` for assistant-A's six packets of all units, seed + 1 for
    assistant-B's two packets of the 300 units flagged ``second_coding``)."""
    out = {}
    for name, part, prefix, seed in (("packet", sample, "a", ins.CODING_SEED),
                                     ("packet2", sample[sample["second_coding"].astype(bool)], "b",
                                      ins.CODING_SEED + 1)):
        for k, (_, md) in enumerate(ins.coding_packets(part, name=name, random_state=seed), start=1):
            out[f"{prefix}{k}"] = set(re.findall(r"^## (ic-\d{4})$", md, flags=re.M))
    return out


def ingest_codings(folder: Path | str, sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """The round-1 codings returned by the coders, as rows of ``instrument_coding_labels``.

    Parameters
    ----------
    folder : path
        Holds ``a1/packet-01.csv`` … ``a6/packet-06.csv`` (assistant-A, one independent session per packet of
        200) and ``b1/packet2-01.csv``, ``b2/packet2-02.csv`` (assistant-B, 200 + 100 of the units flagged
        ``second_coding``), each ``unit_id,codes,note``.
    sample : DataFrame, optional
        :func:`analysis.text.instruments.load_coding_sample` (default: the committed file).

    Returns
    -------
    DataFrame with the columns of the ``instrument_coding_labels`` schema, sorted by unit_id, round, coder;
    codes and notes verbatim.

    Raises
    ------
    ValueError
        A file is missing, has another header, repeats a unit, or its units are not exactly its packet's
        (regenerated by :func:`analysis.text.instruments.coding_packets`); a code is not a subtype of the guide.
    """
    folder = Path(folder)
    sample = ins.load_coding_sample() if sample is None else sample
    expected = _expected_packets(sample)
    parts, problems = [], []
    for session, (coder, rel) in _PACKET_FILES.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        if list(df.columns) != ["unit_id", "codes", "note"]:
            problems.append(f"{path}: header {list(df.columns)}")
            continue
        if df["unit_id"].duplicated().any():
            problems.append(f"{path}: repeated units {sorted(set(df.loc[df['unit_id'].duplicated(), 'unit_id']))}")
        if set(df["unit_id"]) != expected[session]:
            problems.append(f"{path}: units differ from the packet's ({len(set(df['unit_id']) ^ expected[session])})")
        for uid, codes in zip(df["unit_id"], df["codes"]):
            bad = [c for c in ins.parse_codes(codes) if c not in ins.SUBTYPE_TO_TYPE]
            if bad or codes != codes.strip():
                problems.append(f"{path}: {uid} codes {codes!r}")
        parts.append(df.assign(round=1, coder=coder, session=session, guide_version=CODING_GUIDE_VERSION))
    if problems:
        raise ValueError("ingest_codings:\n" + "\n".join(problems))
    out = pd.concat(parts, ignore_index=True)
    out = out[["unit_id", "round", "coder", "session", "guide_version", "codes", "note"]]
    out = out.sort_values(["unit_id", "round", "coder"], kind="stable").reset_index(drop=True)
    out["round"] = out["round"].astype("Int64")
    return out


def load_coding_labels(path: Path | str = ins.CODING_LABELS_CSV) -> pd.DataFrame:
    """Read and check ``instrument_coding_labels.csv`` (schema dtypes, file order)."""
    from ..tables import read_table, schemas

    path = Path(path)
    frame, problems = read_table(path, schemas()["instrument_coding_labels"])
    ins._raise_problems(path, [], [(p.line, p.column, p.message) for p in problems])
    return frame


def coder_codes(labels: pd.DataFrame, coder: str, round_: int = 1) -> pd.DataFrame:
    """One coder's codes: ``unit_id``, ``codes`` (empty string = no instrument), ``session``, sorted by unit."""
    got = labels[(labels["coder"] == coder) & (labels["round"] == round_)]
    out = got[["unit_id", "codes", "session"]].copy()
    out["codes"] = out["codes"].fillna("").astype(str)
    return out.sort_values("unit_id", kind="stable").reset_index(drop=True)


def reference_codes(labels: pd.DataFrame) -> pd.DataFrame:
    """The reference labels of the coded set: the adjudicator's round-2 codes where the two round-1 codings were
    adjudicated, assistant-A's round-1 codes everywhere else.

    Returns
    -------
    DataFrame with ``unit_id``, ``codes`` (empty string = no instrument), ``source`` (``adjudicator`` or
    ``assistant-A``), sorted by unit.

    Raises
    ------
    ValueError
        An adjudicated unit is not one on which assistant-A and assistant-B both coded and disagreed (the
        adjudication covers exactly the disagreements, :func:`coding_disagreements`).
    """
    a = coder_codes(labels, CODER_A)
    adj = coder_codes(labels, ADJUDICATOR, round_=2)
    b = coder_codes(labels, CODER_B).set_index("unit_id")["codes"]
    a_codes = a.set_index("unit_id")["codes"]
    bad = [u for u in adj["unit_id"]
           if u not in b.index or u not in a_codes.index
           or set(ins.parse_codes(a_codes[u])) == set(ins.parse_codes(b[u]))]
    if bad:
        raise ValueError(f"instrument_coding_labels: round-2 (adjudicator) rows for units that are not A/B "
                         f"disagreements: {bad}")
    adjudicated = adj.set_index("unit_id")["codes"]
    out = a[["unit_id", "codes"]].copy()
    hit = out["unit_id"].isin(adjudicated.index).to_numpy()
    out.loc[hit, "codes"] = out.loc[hit, "unit_id"].map(adjudicated)
    out["source"] = np.where(hit, ADJUDICATOR, CODER_A)
    return out.reset_index(drop=True)


def coded_set(labels: pd.DataFrame | None = None, sample: pd.DataFrame | None = None,
              coder: str = REFERENCE) -> pd.DataFrame:
    """The coded units: the stratified sample joined with one coder's codes.

    Parameters
    ----------
    coder : str
        :data:`REFERENCE` (default; :func:`reference_codes`: adjudicated where adjudicated, else assistant-A) or a
        coder id of round 1 (:data:`CODER_A`, :data:`CODER_B`).

    Returns
    -------
    DataFrame with ``unit_id``, ``corpus``, ``doc_id``, ``text``, ``codes``, in unit order; only units the coder
    coded.
    """
    labels = load_coding_labels() if labels is None else labels
    sample = ins.load_coding_sample() if sample is None else sample
    codes = reference_codes(labels) if coder == REFERENCE else coder_codes(labels, coder)
    out = sample[["unit_id", "corpus", "doc_id", "text"]].merge(codes[["unit_id", "codes"]], on="unit_id",
                                                                 how="inner", validate="one_to_one")
    return out.astype({"text": str, "corpus": str}).reset_index(drop=True)


def development_set() -> pd.DataFrame:
    """The two earlier coded sets as one coded set (for development and tests): the in-sample set (corpus
    ``cited``) and the held-out set (corpus ``collection``); columns as :func:`coded_set`."""
    a = ins.load_instrument_sample()
    b = ins.load_heldout_sample()
    out = pd.concat([
        pd.DataFrame({"unit_id": a["sample_id"], "corpus": "cited", "doc_id": a["doc_id"], "text": a["clause_text"],
                      "codes": a["guide_codes"]}),
        pd.DataFrame({"unit_id": b["clause_key"], "corpus": "collection", "doc_id": b["doc_id"], "text": b["text"],
                      "codes": b["guide_codes"]}),
    ], ignore_index=True)
    out["codes"] = out["codes"].fillna("").astype(str)
    return out.astype({"text": str, "unit_id": str, "doc_id": str})


def coding_agreement(labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cohen's kappa per type and subtype between assistant-A and assistant-B on the units both coded
    (:func:`analysis.text.instruments.coder_agreement`; ``n_coder1`` is A, ``n_coder2`` B)."""
    labels = load_coding_labels() if labels is None else labels
    return ins.coder_agreement(coder_codes(labels, CODER_A), coder_codes(labels, CODER_B), key="unit_id",
                               codes_col="codes")


def coding_disagreements(labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """The double-coded units whose subtype sets differ between A and B.

    Returns
    -------
    DataFrame with ``unit_id``, ``codes_a``, ``codes_b`` (verbatim) and ``adjudicated`` (the adjudicator's round-2
    codes, empty string for "no instrument"; <NA> where not yet adjudicated), sorted by unit.
    """
    labels = load_coding_labels() if labels is None else labels
    both = coder_codes(labels, CODER_A).merge(coder_codes(labels, CODER_B), on="unit_id", suffixes=("_a", "_b"))
    differ = [set(ins.parse_codes(a)) != set(ins.parse_codes(b)) for a, b in zip(both["codes_a"], both["codes_b"])]
    out = both.loc[differ, ["unit_id", "codes_a", "codes_b"]].reset_index(drop=True)
    adj = coder_codes(labels, ADJUDICATOR, round_=2).set_index("unit_id")["codes"]
    out["adjudicated"] = pd.Series([adj.get(u, pd.NA) for u in out["unit_id"]], dtype="string")
    return out


# --------------------------------------------------------------------------- labels and features
def label_matrix(codes: Sequence[str], labels: Sequence[str] = LABELS) -> pd.DataFrame:
    """Yes/no per unit and label (a type is yes when any of its subtypes is): DataFrame of bool, one column per
    label, one row per code cell."""
    subs = [set(ins.parse_codes(c)) for c in codes]
    cols = {}
    for lab in labels:
        if lab in ins.TAXONOMY:
            cols[lab] = [any(ins.SUBTYPE_TO_TYPE[s] == lab for s in v) for v in subs]
        else:
            cols[lab] = [lab in v for v in subs]
    return pd.DataFrame(cols, dtype=bool)


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    from .tokens import tokenize_series

    return tokenize_series(pd.Series(list(texts), dtype="object"), stop=None).tolist()


def _identity(doc):
    return doc


def dictionary_hits(texts: Sequence[str], dictionary: pd.DataFrame | None = None) -> np.ndarray:
    """Yes/no (1.0 / 0.0) per unit and subtype: the dictionary matched one of the subtype's keywords
    (:func:`analysis.text.instruments.code_clauses`); shape (units, 17), subtypes in the guide's order."""
    frame = pd.DataFrame({"uid": np.arange(len(texts)), "text": list(texts)})
    coded = ins.code_clauses(frame, dictionary, id_cols=("uid",))
    out = np.zeros((len(texts), len(ins.SUBTYPES)))
    col = {s: j for j, s in enumerate(ins.SUBTYPES)}
    out[coded["uid"].to_numpy(dtype=int), coded["instrument_subtype"].map(col).to_numpy(dtype=int)] = 1.0
    return out


@dataclass
class FeatureSpace:
    """Character 1–3-gram TF-IDF + word-token TF-IDF + dictionary hits, fitted on the training texts only.

    ``use`` picks the blocks (``"chars"``, ``"tokens"``, ``"dictionary"``); tokens and dictionary hits of a
    text are computed once and memoised.
    """

    use: tuple[str, ...] = ("chars", "tokens", "dictionary")
    min_df: int = 2
    _memo: dict = field(default_factory=dict, repr=False)

    def _blocks(self, texts):
        texts = list(texts)
        need = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if need:
            toks = _tokens(need) if "tokens" in self.use else [None] * len(need)
            hits = dictionary_hits(need) if "dictionary" in self.use else [None] * len(need)
            self._memo.update({t: (tk, h) for t, tk, h in zip(need, toks, hits)})
        return [self._memo[t] for t in texts]

    def fit(self, texts) -> "FeatureSpace":
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        self.chars_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=self.min_df, sublinear_tf=True)
        self.words_ = TfidfVectorizer(analyzer=_identity, min_df=self.min_df, sublinear_tf=True)
        if "chars" in self.use:
            self.chars_.fit(texts)
        if "tokens" in self.use:
            self.words_.fit([b[0] for b in self._blocks(texts)])
        return self

    def transform(self, texts):
        from scipy import sparse

        texts = list(texts)
        mats = []
        if "chars" in self.use:
            mats.append(self.chars_.transform(texts))
        if "tokens" in self.use or "dictionary" in self.use:
            blocks = self._blocks(texts)
            if "tokens" in self.use:
                mats.append(self.words_.transform([b[0] for b in blocks]))
            if "dictionary" in self.use:
                mats.append(sparse.csr_matrix(np.vstack([b[1] for b in blocks]) if blocks
                                              else np.zeros((0, len(ins.SUBTYPES)))))
        return sparse.hstack(mats, format="csr")


# --------------------------------------------------------------------------- models
#: Candidate models, in order (ties in the cross-validation go to the earlier one).
MODEL_GRID: dict[str, dict] = {
    **{f"logreg C={c:g}{' balanced' if w else ''}": {"kind": "logreg", "C": c, "class_weight": w}
       for w in (None, "balanced") for c in (1.0, 4.0, 16.0)},
    **{f"svm C={c:g} sigmoid": {"kind": "svm", "C": c, "class_weight": None} for c in (0.1, 0.5)},
}


def _make(config: dict, seed: int = MODEL_SEED):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if config["kind"] == "logreg":
        # liblinear's dual solver: the same optimum as the primal, and 50-100 times faster with more features
        # than units
        return LogisticRegression(C=config["C"], class_weight=config["class_weight"], solver="liblinear",
                                  dual=True, max_iter=5000, random_state=seed)
    svm = LinearSVC(C=config["C"], class_weight=config["class_weight"], random_state=seed, max_iter=5000)
    return CalibratedClassifierCV(svm, method="sigmoid", cv=3, n_jobs=1)


def _fit_predict(config: dict, X_train, y_train: np.ndarray, X_apply) -> np.ndarray:
    """Probability of the positive class for ``X_apply``; a constant label gives its constant."""
    if y_train.all() or not y_train.any():
        return np.full(X_apply.shape[0], float(y_train[0]) if len(y_train) else np.nan)
    model = _make(config).fit(X_train, y_train)
    return model.predict_proba(X_apply)[:, 1]


def _strata(codes: Sequence[str], corpus: Sequence[str] | None, n_splits: int) -> np.ndarray:
    """Stratum of each unit for the folds: corpus × set of types; strata smaller than ``n_splits`` merged."""
    Y = label_matrix(codes, ins.TYPES).to_numpy()
    key = pd.Series(["".join("1" if v else "0" for v in row) for row in Y])
    if corpus is not None:
        key = pd.Series(list(corpus)).astype(str) + ":" + key
    small = key.map(key.value_counts()) < n_splits
    key[small] = "rare"
    if (key == "rare").sum() and (key == "rare").sum() < n_splits:
        key[key == "rare"] = key[~small].mode().iloc[0] if (~small).any() else "rare"
    return key.to_numpy()


def split_coded(coded: pd.DataFrame, test_fraction: float = TEST_FRACTION,
                seed: int = MODEL_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded train / test split of the coded units, stratified by corpus.

    Within each corpus (in order of first appearance) the units are put in the order of
    ``numpy.random.default_rng([seed, k]).permutation`` and the first ``round(test_fraction × n)`` go to the
    test part. Returns (train, test), each in the input's order.
    """
    test = np.zeros(len(coded), dtype=bool)
    corpus = coded["corpus"].astype(str).to_numpy()
    for k, c in enumerate(dict.fromkeys(corpus)):
        idx = np.flatnonzero(corpus == c)
        pick = np.random.default_rng([seed, k]).permutation(len(idx))[:int(round(test_fraction * len(idx)))]
        test[idx[pick]] = True
    return coded[~test].reset_index(drop=True), coded[test].reset_index(drop=True)


def learnable(Y: pd.DataFrame, min_positives: int = MIN_POSITIVES) -> list[str]:
    """Labels with at least ``min_positives`` positive and ``min_positives`` negative units (types always)."""
    n_pos = Y.sum()
    n_neg = len(Y) - n_pos
    return [c for c in Y.columns if c in ins.TAXONOMY or (n_pos[c] >= min_positives and n_neg[c] >= min_positives)]


def _prf_arrays(y: np.ndarray, yhat: np.ndarray):
    tp = int((y & yhat).sum())
    fp = int((~y & yhat).sum())
    fn = int((y & ~yhat).sum())
    return (tp, fp, fn, *ins._prf(tp, fp, fn))


def cv_probabilities(coded: pd.DataFrame, labels: Sequence[str], configs: dict[str, dict], *,
                     n_splits: int = CV_FOLDS, seed: int = MODEL_SEED,
                     features: FeatureSpace | None = None) -> dict[str, pd.DataFrame]:
    """Out-of-fold probabilities, per model configuration, of every label.

    The folds are :class:`sklearn.model_selection.StratifiedKFold` (shuffled, ``random_state=seed``) over the
    strata corpus × set of types; the feature space is refitted on each fold's training units.

    Returns
    -------
    ``{config name: DataFrame (units × labels) of probabilities}``, rows in the input's order.
    """
    from sklearn.model_selection import StratifiedKFold

    features = FeatureSpace() if features is None else features
    texts = coded["text"].astype(str).tolist()
    Y = label_matrix(coded["codes"], labels).to_numpy()
    strata = _strata(coded["codes"], coded["corpus"], n_splits)
    out = {name: np.full((len(coded), len(labels)), np.nan) for name in configs}
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for tr, va in folds.split(np.zeros(len(coded)), strata):
        fs = FeatureSpace(use=features.use, min_df=features.min_df, _memo=features._memo).fit([texts[i] for i in tr])
        X_tr, X_va = fs.transform([texts[i] for i in tr]), fs.transform([texts[i] for i in va])
        for name, config in configs.items():
            for j in range(len(labels)):
                out[name][va, j] = _fit_predict(config, X_tr, Y[tr, j], X_va)
    return {name: pd.DataFrame(p, columns=list(labels)) for name, p in out.items()}


def choose_model(train: pd.DataFrame, *, configs: dict[str, dict] | None = None, n_splits: int = CV_FOLDS,
                 seed: int = MODEL_SEED, min_positives: int = MIN_POSITIVES,
                 features: FeatureSpace | None = None) -> tuple[str, pd.DataFrame]:
    """Choose the model by stratified cross-validation on the training part only.

    Every configuration of ``configs`` (default :data:`MODEL_GRID`) is cross-validated on the three types; the
    score is their mean F1 (threshold :data:`THRESHOLD`), ties going to the earlier configuration. The chosen
    one is then cross-validated on the learnable subtypes too (same folds), for the record.

    Returns
    -------
    (chosen configuration name, DataFrame with ``model``, ``level``, ``instrument``, ``n``, ``support``,
    ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1`` of the out-of-fold predictions, ``chosen``)
    """
    configs = MODEL_GRID if configs is None else configs
    Yall = label_matrix(train["codes"])
    labels = learnable(Yall, min_positives)
    probs = cv_probabilities(train, list(ins.TYPES), configs, n_splits=n_splits, seed=seed, features=features)

    def rows_of(name, P, labs):
        rows = []
        for lab in labs:
            y = Yall[lab].to_numpy()
            tp, fp, fn, p, r, f = _prf_arrays(y, P[lab].to_numpy() >= THRESHOLD)
            rows.append((name, "type" if lab in ins.TAXONOMY else "subtype", lab, len(y), int(y.sum()), tp, fp, fn,
                         p, r, f))
        return rows

    rows = [r for name, P in probs.items() for r in rows_of(name, P, ins.TYPES)]
    cols = ["model", "level", "instrument", "n", "support", "tp", "fp", "fn", "precision", "recall", "f1"]
    cv = pd.DataFrame(rows, columns=cols)
    score = cv.groupby("model", sort=False)["f1"].mean().reindex(list(configs))
    chosen = str(score.index[int(np.nanargmax(score.to_numpy()))])
    subs = [lab for lab in labels if lab not in ins.TAXONOMY]
    if subs:
        sub_p = cv_probabilities(train, subs, {chosen: configs[chosen]}, n_splits=n_splits, seed=seed,
                                 features=features)[chosen]
        cv = pd.concat([cv, pd.DataFrame(rows_of(chosen, sub_p, subs), columns=cols)], ignore_index=True)
    cv["chosen"] = cv["model"] == chosen
    for c in ("n", "support", "tp", "fp", "fn"):
        cv[c] = cv[c].astype("Int64")
    return chosen, cv


@dataclass
class Coder:
    """A fitted supervised coder: its feature space, one classifier per learned label, and the labels that had
    too few positives."""

    config_name: str
    features: FeatureSpace
    models: dict
    too_few: list[str]

    def predict_proba(self, texts) -> pd.DataFrame:
        """Probability per unit (rows) and learned label (columns, in :data:`LABELS` order)."""
        X = self.features.transform(list(texts))
        return pd.DataFrame({lab: (m.predict_proba(X)[:, 1] if not isinstance(m, float) else np.full(X.shape[0], m))
                             for lab, m in self.models.items()})


def fit_coder(train: pd.DataFrame, config_name: str, *, configs: dict[str, dict] | None = None,
              min_positives: int = MIN_POSITIVES, features: FeatureSpace | None = None) -> Coder:
    """Fit the chosen configuration on every unit of ``train`` for each learnable label (:func:`learnable`)."""
    configs = MODEL_GRID if configs is None else configs
    Y = label_matrix(train["codes"])
    labels = learnable(Y, min_positives)
    fs = (FeatureSpace() if features is None else
          FeatureSpace(use=features.use, min_df=features.min_df, _memo=features._memo))
    fs.fit(train["text"].astype(str).tolist())
    X = fs.transform(train["text"].astype(str).tolist())
    models = {}
    for lab in labels:
        y = Y[lab].to_numpy()
        models[lab] = float(y[0]) if (y.all() or not y.any()) else _make(configs[config_name]).fit(X, y)
    return Coder(config_name, fs, models, [c for c in LABELS if c not in labels])


def _bootstrap_f1(y: np.ndarray, yhat: np.ndarray, n_boot: int, seed: int) -> tuple[float, float]:
    """Percentile 95 % interval of F1 over units resampled with replacement (NaN when undefined throughout)."""
    n = len(y)
    if n == 0:
        return np.nan, np.nan
    rng = np.random.default_rng(seed)
    W = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    tp = W @ (y & yhat).astype(float)
    fp = W @ (~y & yhat).astype(float)
    fn = W @ (y & ~yhat).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # defined as in evaluate_coding: predicted and support > 0
        f1 = np.where((tp + fp > 0) & (tp + fn > 0), 2 * tp / (2 * tp + fp + fn), np.nan)
    if np.isnan(f1).all():
        return np.nan, np.nan
    lo, hi = np.nanpercentile(f1, [2.5, 97.5])
    return float(lo), float(hi)


def _metric_rows(coder_name: str, Y: pd.DataFrame, Yhat: pd.DataFrame, status: dict[str, str], n_train: pd.Series,
                 n_boot: int, seed: int) -> list[tuple]:
    rows = []
    for j, lab in enumerate(LABELS):
        y = Y[lab].to_numpy()
        if lab in Yhat.columns:
            yhat = Yhat[lab].to_numpy()
            tp, fp, fn, p, r, f = _prf_arrays(y, yhat)
            plo, phi = ins.wilson_interval(tp, tp + fp)
            rlo, rhi = ins.wilson_interval(tp, tp + fn)
            flo, fhi = _bootstrap_f1(y, yhat, n_boot, seed + j)
            predicted = tp + fp
        else:
            tp = fp = fn = predicted = pd.NA
            p = r = f = plo = phi = rlo = rhi = flo = fhi = np.nan
        rows.append((coder_name, "type" if lab in ins.TAXONOMY else "subtype", lab, status[lab], len(y),
                     int(n_train[lab]), int(y.sum()), predicted, tp, fp, fn, p, plo, phi, r, rlo, rhi, f, flo, fhi))
    return rows


def evaluate_on_test(coder: Coder, train: pd.DataFrame, test: pd.DataFrame, *, n_boot: int = N_BOOT,
                     seed: int = MODEL_SEED, dictionary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Precision, recall and F1 per type and subtype of the supervised coder and of the dictionary on the test
    units (evaluated once).

    Intervals: Wilson 95 % for precision (``tp`` of ``predicted``) and recall (``tp`` of ``support``); percentile
    bootstrap 95 % for F1 (``n_boot`` resamples of the test units, seed ``seed + label position``, the same
    resamples for both coders).

    Returns
    -------
    DataFrame with ``coder`` (supervised / dictionary), ``level``, ``instrument``, ``status`` (learned, too few to
    learn, dictionary), ``n_test``, ``train_support`` (positives in the training part), ``support``,
    ``predicted``, ``tp``, ``fp``, ``fn``, ``precision``, ``precision_low``, ``precision_high``, ``recall``,
    ``recall_low``, ``recall_high``, ``f1``, ``f1_low``, ``f1_high``.
    """
    Y = label_matrix(test["codes"])
    n_train = label_matrix(train["codes"]).sum()
    P = coder.predict_proba(test["text"].astype(str).tolist())
    sup = _metric_rows("supervised", Y, P >= THRESHOLD,
                       {lab: ("learned" if lab in coder.models else "too few to learn") for lab in LABELS},
                       n_train, n_boot, seed)
    hits = dictionary_hits(test["text"].astype(str).tolist(), dictionary).astype(bool)
    D = pd.DataFrame(hits, columns=list(ins.SUBTYPES))
    for t, subs in ins.TAXONOMY.items():
        D[t] = D[list(subs)].any(axis=1)
    dic = _metric_rows("dictionary", Y, D[list(LABELS)], {lab: "dictionary" for lab in LABELS}, n_train, n_boot,
                       seed)
    cols = ["coder", "level", "instrument", "status", "n_test", "train_support", "support", "predicted", "tp", "fp",
            "fn", "precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high", "f1",
            "f1_low", "f1_high"]
    out = pd.DataFrame(sup + dic, columns=cols)
    for c in ("n_test", "train_support", "support", "predicted", "tp", "fp", "fn"):
        out[c] = pd.array(out[c], dtype="Int64")
    return out


def reliability(y: np.ndarray, prob: np.ndarray, n_bins: int = 5) -> pd.DataFrame:
    """Reliability-curve numbers: :func:`sklearn.calibration.calibration_curve` with quantile bins, plus the
    units per bin (same binning as scikit-learn: ``searchsorted`` on the inner percentile edges).

    Returns
    -------
    DataFrame with ``bin`` (1-based, non-empty bins only), ``n``, ``mean_predicted``, ``observed``.
    """
    from sklearn.calibration import calibration_curve

    y = np.asarray(y, dtype=bool)
    prob = np.asarray(prob, dtype=float)
    observed, predicted = calibration_curve(y, prob, n_bins=n_bins, strategy="quantile")
    edges = np.percentile(prob, np.linspace(0, 1, n_bins + 1) * 100)
    counts = np.bincount(np.searchsorted(edges[1:-1], prob), minlength=n_bins)
    nonzero = np.flatnonzero(counts)
    return pd.DataFrame({"bin": pd.array(nonzero + 1, dtype="Int64"), "n": pd.array(counts[nonzero], dtype="Int64"),
                         "mean_predicted": predicted, "observed": observed})


# --------------------------------------------------------------------------- quantification
def acc_correct(q, tpr, fpr):
    """Adjusted classify-and-count: ``(q − fpr) / (tpr − fpr)`` clipped to [0, 1]; NaN where ``tpr <= fpr``
    (the classifier does not separate the classes). Works elementwise on arrays; PACC is the same formula
    applied to mean probabilities."""
    q, tpr, fpr = (np.asarray(v, dtype=float) for v in (q, tpr, fpr))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tpr > fpr, (q - fpr) / (tpr - fpr), np.nan)
    p = np.clip(p, 0.0, 1.0)
    return float(p) if p.ndim == 0 else p


def quantify(y_coded: np.ndarray, prob_coded: np.ndarray, prob_target: np.ndarray, *, n_boot: int = N_BOOT,
             seed: int = MODEL_SEED, threshold: float = THRESHOLD,
             coded_weights: np.ndarray | None = None) -> pd.DataFrame:
    """The share of positives in a target set of units by CC, ACC, PCC and PACC, with bootstrap intervals.

    Parameters
    ----------
    y_coded : bool array
        The coder's labels of the coded units.
    prob_coded : float array
        Out-of-fold probabilities of the coded units (:func:`cv_probabilities`): from them
        ``tpr = P(prob ≥ threshold | positive)``, ``fpr = P(prob ≥ threshold | negative)`` (ACC) and the mean
        probability among positives / negatives (PACC).
    prob_target : float array
        The classifier's probabilities for the target units.
    n_boot, seed : int
        Percentile bootstrap: each replicate resamples the coded units (for tpr / fpr) and the target units
        (for the raw share), with ``numpy.random.default_rng(seed)``.
    coded_weights : float array, optional
        Weight of each coded unit in the rates (default 1): with the inverse of a unit's inclusion probability,
        tpr and fpr are the population's rates rather than the sample's (:func:`shares_by_group`).

    Returns
    -------
    DataFrame, one row per method (``CC`` = naive classify-and-count, ``ACC``, ``PCC`` = mean probability,
    ``PACC``), columns ``method``, ``estimate``, ``low``, ``high``, ``tpr``, ``fpr`` (of that method's
    correction, on the full coded set; NaN for CC and PCC).
    """
    y = np.asarray(y_coded, dtype=bool)
    pc = np.asarray(prob_coded, dtype=float)
    pt = np.asarray(prob_target, dtype=float)
    cw = np.ones(len(y)) if coded_weights is None else np.asarray(coded_weights, dtype=float)

    def estimates(wy, wt):
        """wy: weights of the coded units (B × n), wt: weights of the target units (B × m)."""
        pos, neg = wy @ y, wy @ ~y
        hard_c, hard_t = (pc >= threshold).astype(float), (pt >= threshold).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            tpr, fpr = (wy @ (hard_c * y)) / pos, (wy @ (hard_c * ~y)) / neg
            tprp, fprp = (wy @ (pc * y)) / pos, (wy @ (pc * ~y)) / neg
        m = wt.sum(axis=1)
        cc, pcc = (wt @ hard_t) / m, (wt @ pt) / m
        return {"CC": cc, "ACC": acc_correct(cc, tpr, fpr), "PCC": pcc, "PACC": acc_correct(pcc, tprp, fprp)}, \
            {"ACC": (tpr, fpr), "PACC": (tprp, fprp)}

    point, rates = estimates(cw[None, :], np.ones((1, len(pt))))
    rng = np.random.default_rng(seed)
    wy = (rng.multinomial(len(y), np.full(len(y), 1.0 / len(y)), size=n_boot).astype(float) * cw if len(y)
          else np.zeros((n_boot, 0)))  # no coded units: no rates, NaN corrections
    wt = rng.multinomial(len(pt), np.full(len(pt), 1.0 / len(pt)), size=n_boot).astype(float)
    boot, _ = estimates(wy, wt)
    rows = []
    for method in ("CC", "ACC", "PCC", "PACC"):
        b = np.atleast_1d(boot[method])
        lo, hi = np.nanpercentile(b, [2.5, 97.5]) if np.isfinite(b).any() else (np.nan, np.nan)
        tpr, fpr = rates.get(method, (np.array([np.nan]), np.array([np.nan])))
        rows.append((method, float(np.atleast_1d(point[method])[0]), float(lo), float(hi), float(tpr[0]),
                     float(fpr[0])))
    return pd.DataFrame(rows, columns=["method", "estimate", "low", "high", "tpr", "fpr"])


def target_units(corpora: Sequence[str] = ins.CODING_CORPORA, n_per_corpus: int = TARGET_N_PER_CORPUS, *,
                 exclude: Sequence[str] = (), seed: int = MODEL_SEED,
                 population: pd.DataFrame | None = None) -> pd.DataFrame:
    """A seeded random sample of each corpus's units (the population of the coding sample,
    :func:`analysis.text.instruments.coding_population`, without its exclusion of the units of the two earlier
    coded sets, which changes nothing here and takes a third of the time), to estimate its raw share.

    All units when a corpus has no more than ``n_per_corpus``; units whose text is in ``exclude`` (the coded
    units) are left out first. Returns ``corpus``, ``doc_id``, ``text`` in population order.
    """
    pop = ins.coding_population(corpora, exclude_texts=[]) if population is None else population
    pop = pop[~pop["text"].isin(set(exclude))]
    parts = []
    for k, c in enumerate(corpora):
        idx = np.flatnonzero(pop["corpus"].to_numpy() == c)
        if len(idx) > n_per_corpus:
            idx = np.sort(np.random.default_rng([seed, 1, k]).choice(idx, size=n_per_corpus, replace=False),
                          kind="stable")
        parts.append(pop.iloc[idx][["corpus", "doc_id", "text"]])
    return pd.concat(parts, ignore_index=True).astype({"text": str})


def weighted_share(y: np.ndarray, weights: np.ndarray, *, n_boot: int = N_BOOT,
                   seed: int = MODEL_SEED) -> tuple[float, float, float]:
    """Weighted share ``sum(w·y) / sum(w)`` with a percentile bootstrap interval (units resampled, seeded)."""
    y = np.asarray(y, dtype=float)
    w = np.asarray(weights, dtype=float)
    if not len(y):
        return np.nan, np.nan, np.nan
    rng = np.random.default_rng(seed)
    W = rng.multinomial(len(y), np.full(len(y), 1.0 / len(y)), size=n_boot) * w
    boot = np.clip((W @ y) / W.sum(axis=1), 0.0, 1.0)  # a share of 0/1 labels: rounding may leave [0, 1]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(np.clip((w @ y) / w.sum(), 0.0, 1.0)), float(lo), float(hi)


def corrected_shares(coded: pd.DataFrame, coder: Coder, oof: pd.DataFrame, targets: pd.DataFrame, *,
                     doc_units: pd.Series | None = None, n_boot: int = N_BOOT,
                     seed: int = MODEL_SEED) -> pd.DataFrame:
    """Each type's share of units by corpus: naive (CC, PCC) and corrected (ACC, PACC), with intervals, beside the
    share the coder gave the corpus's coded units.

    The correction needs the classifier's error rates *in the corpus it is applied to*. ACC and PACC use the
    rates measured on that corpus's own coded units (out-of-fold); ``ACC pooled`` and ``PACC pooled`` use the
    rates of all coded units, which is right only if the classifier errs alike in every corpus (it does not:
    see the table's ``tpr`` / ``fpr``), and are kept to show what a pooled correction does.

    Parameters
    ----------
    coded : DataFrame
        The coded units (:func:`coded_set`).
    coder : Coder
        Fitted on all of ``coded`` (:func:`fit_coder`).
    oof : DataFrame
        Out-of-fold probabilities of ``coded`` for the chosen model (:func:`cv_probabilities`), rows as ``coded``.
    targets : DataFrame
        :func:`target_units`.
    doc_units : Series, optional
        Units of each document in the population, indexed by (corpus, doc_id): with it, the ``coded, weighted``
        rows weight each coded unit by its document's units ÷ its document's coded units (the inverse of its
        inclusion probability under the sample's cap of units per document, up to a constant), so that long
        documents count as much as in the population.

    Returns
    -------
    DataFrame with ``corpus``, ``instrument``, ``method`` (coded, coded weighted, CC, PCC, ACC, PACC, ACC pooled,
    PACC pooled),
    ``estimate``, ``low``, ``high``, ``n_units`` (target units; coded units for ``coded``), ``n_rates`` (coded
    units the tpr / fpr come from), ``tpr``, ``fpr``. ``coded`` is the share of the corpus's coded units the coder
    gave the type, with a Wilson interval: a direct estimate from a sample of the same population, but one that
    caps the units per document (3; 24 for the cited texts), so it weights documents more evenly than the
    population does; ``coded weighted`` undoes the cap (bootstrap interval).
    """
    Y = label_matrix(coded["codes"], ins.TYPES)
    P = coder.predict_proba(targets["text"].tolist())
    rows = []
    for k, c in enumerate(dict.fromkeys(targets["corpus"])):
        mask = (targets["corpus"] == c).to_numpy()
        cmask = (coded["corpus"] == c).to_numpy()
        for j, t in enumerate(ins.TYPES):
            s = seed + 10 * k + j
            own = quantify(Y.loc[cmask, t].to_numpy(), oof.loc[cmask, t].to_numpy(), P.loc[mask, t].to_numpy(),
                           n_boot=n_boot, seed=s)
            pooled = quantify(Y[t].to_numpy(), oof[t].to_numpy(), P.loc[mask, t].to_numpy(), n_boot=n_boot, seed=s)
            pooled = pooled[pooled["method"].isin(["ACC", "PACC"])].assign(method=lambda d: d["method"] + " pooled")
            for r, n_rates in [*((r, int(cmask.sum())) for r in own.itertuples(index=False)),
                               *((r, len(coded)) for r in pooled.itertuples(index=False))]:
                rows.append((c, t, r.method, r.estimate, r.low, r.high, int(mask.sum()),
                             n_rates if "ACC" in r.method else pd.NA, r.tpr, r.fpr))
            kc, nc = int(Y.loc[cmask, t].sum()), int(cmask.sum())
            lo, hi = ins.wilson_interval(kc, nc)
            rows.append((c, t, "coded", kc / nc if nc else np.nan, lo, hi, nc, pd.NA, np.nan, np.nan))
            if doc_units is not None:
                docs = coded.loc[cmask, "doc_id"].astype(str)
                w = (pd.Series(list(zip([c] * len(docs), docs))).map(doc_units).to_numpy(dtype=float)
                     / docs.map(docs.value_counts()).to_numpy(dtype=float))
                est, wlo, whi = weighted_share(Y.loc[cmask, t].to_numpy(), w, n_boot=n_boot, seed=s)
                rows.append((c, t, "coded weighted", est, wlo, whi, nc, pd.NA, np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["corpus", "instrument", "method", "estimate", "low", "high", "n_units",
                                      "n_rates", "tpr", "fpr"])
    order = {m: i for i, m in enumerate(["coded", "coded weighted", "CC", "PCC", "ACC", "PACC", "ACC pooled",
                                         "PACC pooled"])}
    out = out.assign(_o=out["method"].map(order), _c=out["corpus"].map({c: i for i, c in enumerate(
        dict.fromkeys(targets["corpus"]))}), _t=out["instrument"].map({t: i for i, t in enumerate(ins.TYPES)}))
    out = out.sort_values(["_c", "_t", "_o"], kind="stable").drop(columns=["_o", "_c", "_t"]).reset_index(drop=True)
    for c in ("n_units", "n_rates"):
        out[c] = out[c].astype("Int64")
    return out


# --------------------------------------------------------------------------- shares by rule line and year
#: A group's share is estimated only from at least this many sampled units of the group.
MIN_GROUP_UNITS = 30
#: Error rates (tpr, fpr) are estimated only from at least this many coded positives and as many coded negatives.
MIN_RATE_UNITS = 10
#: Groupings of :func:`shares_by_group`, in output order.
GROUPINGS = ("corpus", "rule_line", "category", "period", "year")
#: Periods of the collection (notebook 06, 2.3): release years, inclusive.
PERIODS = {"2013–2016": (2013, 2016), "2017–2019": (2017, 2019), "2020–2024": (2020, 2024)}
#: Methods of :func:`shares_by_group`, in output order.
GROUP_METHODS = ("coded", "coded weighted", "CC", "PCC", "ACC", "PACC", "ACC group", "PACC group")


def unit_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Rule line, category, period and year of each unit, from its corpus and document.

    * ``rule_line`` / ``category``: cited texts only, from the processed documents table, as :func:`analysis.load_documents` gives it (the assignment notebook
      06 uses; 13 cited texts with a full text: common rules 运营管理 / 数据治理 / 安全管理 / 数字鸿沟, technology rules
      互联网 / 人工智能 — 立项建设, 大数据 and 区块链 have no cited full text);
    * ``year``: the collection's ``release_date`` year where ``date_reliable`` (else missing), the national and local
      corpora's ``version_date`` year (the date of the version in the corpus, not of first adoption); the cited
      texts get none (13 documents: a year would be a document);
    * ``period``: the collection's year in :data:`PERIODS`.

    Parameters
    ----------
    frame : DataFrame
        With ``corpus`` and ``doc_id``.

    Returns
    -------
    DataFrame with ``rule_line``, ``category``, ``period``, ``year`` (strings, <NA> where not assigned), ``corpus``
    and the constant ``corpus`` grouping ``all`` (column ``corpus_all``), index as ``frame``.
    """
    from ..corpus.corpora import load_corpus
    from ..tables import load_table   # the processed documents table (what analysis.load_documents reads)

    docs = load_table("documents_processed")[["doc_id", "rule_line", "category"]].astype("string")
    out = pd.DataFrame(index=frame.index)
    corpus = frame["corpus"].astype(str)
    doc = frame["doc_id"].astype(str)
    cited = (corpus == "cited").to_numpy()
    out["rule_line"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    out["category"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    out.loc[cited, "rule_line"] = doc[cited].map(dict(zip(docs["doc_id"], docs["rule_line"]))).astype("string")
    out.loc[cited, "category"] = doc[cited].map(dict(zip(docs["doc_id"], docs["category"]))).astype("string")
    year = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for name, col in (("collection", "release_date"), ("national", "version_date"), ("local", "version_date")):
        mask = (corpus == name).to_numpy()
        if not mask.any():
            continue
        table = load_corpus(name)
        y = pd.to_datetime(table[col], errors="coerce").dt.year.astype("Int64")
        if name == "collection":
            y = y.where(table["date_reliable"].astype("boolean").fillna(False))
        year[mask] = doc[mask].map(dict(zip(table["doc_id"].astype(str), y))).astype("Int64").to_numpy()
    out["year"] = year.astype("string")
    period = pd.Series(pd.NA, index=frame.index, dtype="string")
    coll = (corpus == "collection").to_numpy()
    for name, (lo, hi) in PERIODS.items():
        period[coll & (year >= lo).fillna(False).to_numpy() & (year <= hi).fillna(False).to_numpy()] = name
    out["period"] = period
    out["corpus"] = pd.Series("all", index=frame.index, dtype="string")
    return out


def _group_values(grouping: str, values: pd.Series) -> list[str]:
    """The groups of a grouping present in ``values``, in a fixed order (years and periods ascending, rule lines
    and categories in the project's order)."""
    present = set(values.dropna().astype(str))
    if grouping == "year":
        return sorted(present, key=int)
    if grouping == "period":
        return [p for p in PERIODS if p in present]
    if grouping in ("rule_line", "category"):
        from ..plotting import CATEGORY_COLORS, RULE_LINE_COLORS, TECH_COLORS

        order = [*RULE_LINE_COLORS, *CATEGORY_COLORS, *TECH_COLORS]
        return sorted(present, key=lambda v: (order.index(v) if v in order else len(order), v))
    return sorted(present)


def shares_by_group(coded: pd.DataFrame, coder: Coder, oof: pd.DataFrame, targets: pd.DataFrame, *,
                    labels: Sequence[str] | None = None, coded_groups: pd.DataFrame | None = None,
                    target_groups: pd.DataFrame | None = None, doc_units: pd.Series | None = None,
                    n_boot: int = N_BOOT, seed: int = MODEL_SEED, min_group_units: int = MIN_GROUP_UNITS, min_rate_units: int = MIN_RATE_UNITS) -> pd.DataFrame:
    """Each label's share of units by corpus and by rule line, category, period and year, naive and corrected.

    The correction uses the error rates of the coder *in the corpus* the group belongs to (out-of-fold, on that
    corpus's coded units): notebook 06 (2.5) showed that rates pooled over corpora give shares of 0 or 1 where the
    coder errs differently. ``ACC group`` / ``PACC group`` use the rates of the group's own coded units instead,
    where there are enough of them. A cell is left empty, with the reason in ``missing_reason``, where

    * the group has fewer than ``min_group_units`` sampled units (CC, PCC, ACC, PACC, ACC group, PACC group);
    * the rates rest on fewer than ``min_rate_units`` coded positives or negatives of the label (ACC, PACC: in the
      corpus; ACC group, PACC group: in the group);
    * ``tpr <= fpr``: the coder does not separate the label there, and no correction exists;
    * no coded unit falls in the group (coded).

    Parameters
    ----------
    coded, coder, oof, targets
        As :func:`corrected_shares`; ``oof`` must hold a column for every label.
    labels : sequence of str, optional
        Default: the types and every subtype the coder learned (:attr:`Coder.models`, not a constant).
    coded_groups, target_groups : DataFrame, optional
        :func:`unit_groups` of ``coded`` and ``targets`` (computed when not given).
    doc_units : Series, optional
        Units of each document in the population, indexed by (corpus, doc_id): with it, each coded unit is weighted
        by its document's units ÷ its document's coded units in the corpus (the inverse of its inclusion
        probability under the sample's cap of units per document, up to a constant; as :func:`corrected_shares`),
        both in the ``coded weighted`` rows and in the error rates of the corrections, so that tpr and fpr are the
        rates over the population's units, where long documents weigh more (the coder errs differently by
        document: unweighted rates of the cited technology rules, drawn 24 units per text, do not fit the long AI
        plan and standards guide that make up most of their units).
    n_boot, seed : int
        Bootstrap replicates; each cell's seed is ``[seed, corpus, grouping, group, label, variant]`` positions.
    min_group_units, min_rate_units : int
        The thresholds above.

    Years hold few units each: for grouping ``year`` only the three types are estimated.

    Returns
    -------
    DataFrame with ``corpus``, ``grouping`` (corpus, rule_line, category, period, year), ``group`` (``all`` for
    grouping corpus), ``level``, ``instrument``, ``method`` (:data:`GROUP_METHODS`), ``estimate``, ``low``,
    ``high``, ``n_units`` (sampled units of the group; coded units of the group for method coded), ``n_rates_pos``,
    ``n_rates_neg`` (coded positives / negatives the rates come from), ``tpr``, ``fpr``, ``clipped`` (an ACC-type
    estimate at exactly 0 or 1: the raw share lies outside [fpr, tpr], so the rates do not fit the group),
    ``missing_reason`` (<NA> where there is an estimate). Only groupings that apply to a corpus appear for it.
    """
    if labels is None:
        labels = [lab for lab in LABELS if lab in coder.models and not isinstance(coder.models[lab], float)]
    labels = list(labels)
    missing_oof = [lab for lab in labels if lab not in oof.columns]
    if missing_oof:
        raise ValueError(f"shares_by_group: no out-of-fold probabilities for {missing_oof}")
    coded_groups = unit_groups(coded) if coded_groups is None else coded_groups
    target_groups = unit_groups(targets) if target_groups is None else target_groups
    Y = label_matrix(coded["codes"], labels)
    P = coder.predict_proba(targets["text"].astype(str).tolist())
    if doc_units is not None:
        key = coded["corpus"].astype(str) + "\x00" + coded["doc_id"].astype(str)
        size = pd.Series([doc_units.get((c, d), np.nan) for c, d in zip(coded["corpus"].astype(str),
                                                                        coded["doc_id"].astype(str))])
        weights = (size / key.map(key.value_counts()).to_numpy()).to_numpy(dtype=float)
        if np.isnan(weights).any():
            raise ValueError("shares_by_group: coded units of documents missing from doc_units: "
                             f"{sorted(set(key[np.isnan(weights)]))[:5]}")
    else:
        weights = np.ones(len(coded))
    rows = []

    def put(c, grouping, g, lab, method, est=np.nan, lo=np.nan, hi=np.nan, n=pd.NA, npos=pd.NA, nneg=pd.NA,
            tpr=np.nan, fpr=np.nan, reason=pd.NA):
        if reason is pd.NA and not np.isfinite(est):
            reason = "tpr <= fpr: the coder does not separate the label here, no correction exists"
        if not np.isfinite(est):
            lo = hi = np.nan
        clipped = bool("ACC" in method and np.isfinite(est) and est in (0.0, 1.0))
        rows.append((c, grouping, g, "type" if lab in ins.TAXONOMY else "subtype", lab, method, est, lo, hi, n, npos,
                     nneg, tpr, fpr, clipped, reason))

    year_types_only = ("year",)  # years hold few units each: types only
    corpora = list(dict.fromkeys(targets["corpus"].astype(str)))
    for ci, c in enumerate(corpora):
        tmask_c = (targets["corpus"].astype(str) == c).to_numpy()
        cmask_c = (coded["corpus"].astype(str) == c).to_numpy()
        for gi, grouping in enumerate(GROUPINGS):
            for vi, g in enumerate(_group_values(grouping, target_groups.loc[tmask_c, grouping])):
                tmask = tmask_c & (target_groups[grouping] == g).fillna(False).to_numpy()
                cmask = cmask_c & (coded_groups[grouping] == g).fillna(False).to_numpy()
                n_t, n_cg = int(tmask.sum()), int(cmask.sum())
                for li, lab in enumerate(labels):
                    if grouping in year_types_only and lab not in ins.TAXONOMY:
                        continue
                    y_c = Y.loc[cmask_c, lab].to_numpy()
                    y_g = Y.loc[cmask, lab].to_numpy()
                    k = int(y_g.sum())
                    if n_cg:
                        lo, hi = ins.wilson_interval(k, n_cg)
                        put(c, grouping, g, lab, "coded", k / n_cg, lo, hi, n_cg)
                        if doc_units is not None:
                            est, lo, hi = weighted_share(y_g, weights[cmask], n_boot=n_boot,
                                                         seed=[seed, ci, gi, vi, li, 9])
                            put(c, grouping, g, lab, "coded weighted", est, lo, hi, n_cg)
                    else:
                        put(c, grouping, g, lab, "coded", n=0, reason="no coded unit in the group")
                        if doc_units is not None:
                            put(c, grouping, g, lab, "coded weighted", n=0, reason="no coded unit in the group")
                    few = f"fewer than {min_group_units} sampled units in the group ({n_t})"
                    variants = [("", y_c, oof.loc[cmask_c, lab].to_numpy(), weights[cmask_c], "in the corpus")]
                    if grouping != "corpus":
                        variants.append((" group", y_g, oof.loc[cmask, lab].to_numpy(), weights[cmask],
                                         "in the group"))
                    for xi, (suffix, yy, pp, ww, where) in enumerate(variants):
                        npos, nneg = int(yy.sum()), int((~yy).sum())
                        if n_t < min_group_units or (suffix and min(npos, nneg) < min_rate_units):
                            q = None
                        else:
                            q = quantify(yy, pp, P.loc[tmask, lab].to_numpy(), n_boot=n_boot,
                                         seed=[seed, ci, gi, vi, li, xi], coded_weights=ww).set_index("method")
                        for m in ("CC", "PCC") if not suffix else ():
                            if q is None:
                                put(c, grouping, g, lab, m, n=n_t, reason=few)
                            else:
                                put(c, grouping, g, lab, m, *q.loc[m, ["estimate", "low", "high"]], n=n_t)
                        for m in ("ACC", "PACC"):
                            name = m + suffix
                            if n_t < min_group_units:
                                put(c, grouping, g, lab, name, n=n_t, npos=npos, nneg=nneg, reason=few)
                            elif min(npos, nneg) < min_rate_units:
                                put(c, grouping, g, lab, name, n=n_t, npos=npos, nneg=nneg,
                                    reason=f"error rates not estimable: {npos} coded positives and {nneg} negatives "
                                           f"of the label {where} (fewer than {min_rate_units})")
                            else:
                                est, lo, hi, tpr, fpr = q.loc[m, ["estimate", "low", "high", "tpr", "fpr"]]
                                put(c, grouping, g, lab, name, est, lo, hi, n=n_t, npos=npos, nneg=nneg, tpr=tpr,
                                    fpr=fpr)
    cols = ["corpus", "grouping", "group", "level", "instrument", "method", "estimate", "low", "high", "n_units",
            "n_rates_pos", "n_rates_neg", "tpr", "fpr", "clipped", "missing_reason"]
    out = pd.DataFrame(rows, columns=cols)
    out["_m"] = out["method"].map({m: i for i, m in enumerate(GROUP_METHODS)})
    out["_r"] = np.arange(len(out))
    out = out.sort_values(["_r"], kind="stable")  # rows are built in corpus, grouping, group, label order
    out = out.assign(_k=out.groupby(["corpus", "grouping", "group", "instrument"], sort=False).ngroup())
    out = out.sort_values(["_k", "_m"], kind="stable").drop(columns=["_m", "_r", "_k"]).reset_index(drop=True)
    for col in ("n_units", "n_rates_pos", "n_rates_neg"):
        out[col] = out[col].astype("Int64")
    for col in ("estimate", "low", "high", "tpr", "fpr"):
        out[col] = out[col].astype(float)
    out["missing_reason"] = out["missing_reason"].astype("string")
    return out


# --------------------------------------------------------------------------- the build step
def build_instrument_model_tables(n_boot: int = N_BOOT) -> dict[str, pd.DataFrame]:
    """The tables of issue 21 for ``data/processed`` (``python -m analysis build``).

    On the reference labels of the stratified coding sample (:func:`reference_codes`: the adjudicator's round-2
    codes on the 22 adjudicated disagreements, assistant-A's codes elsewhere): the model choice (``instrument_model_cv``), the
    evaluation of the supervised coder and the dictionary (``instrument_model_eval``) on the test part and on the
    160 units of the earlier held-out set (``instrument_heldout.csv``, coded by coder 1 — another reference coder,
    and units the coding sample excluded, so outside the training part too), the reliability
    curve of each type on the test part (``instrument_model_calibration``), kappa between assistant-A and
    assistant-B (``instrument_coding_agreement``) and each type's share by corpus, naive and corrected
    (``instrument_shares_corrected``: coder fitted on all coded units, tpr / fpr from 5-fold cross-validation on
    them, raw shares from :data:`TARGET_N_PER_CORPUS` units per corpus) and each label's share by corpus, rule line,
    category, period and year (``instrument_shares_by_group``, :func:`shares_by_group`: rates of each corpus's own
    coded units, cells without enough units left empty with the reason).
    """
    labels = load_coding_labels()
    sample = ins.load_coding_sample()
    coded = coded_set(labels, sample, coder=REFERENCE)
    features = FeatureSpace()
    train, test = split_coded(coded)
    chosen, cv = choose_model(train, features=features)
    coder = fit_coder(train, chosen, features=features)
    heldout = development_set()
    heldout = heldout[heldout["corpus"] == "collection"].reset_index(drop=True)  # the 160 held-out units, coder 1
    evaluation = pd.concat([evaluate_on_test(coder, train, test, n_boot=n_boot).assign(evaluation_set="test"),
                            evaluate_on_test(coder, train, heldout, n_boot=n_boot).assign(evaluation_set="heldout")],
                           ignore_index=True)
    evaluation = evaluation[["evaluation_set", *[c for c in evaluation.columns if c != "evaluation_set"]]]
    Ytest = label_matrix(test["codes"], ins.TYPES)
    Ptest = coder.predict_proba(test["text"].tolist())
    calib = pd.concat([reliability(Ytest[t].to_numpy(), Ptest[t].to_numpy()).assign(instrument=t)
                       for t in ins.TYPES], ignore_index=True)
    calib = calib[["instrument", "bin", "n", "mean_predicted", "observed"]]
    agreement = coding_agreement(labels)
    # shares: the chosen model refitted on every coded unit; tpr / fpr from its out-of-fold probabilities
    full = fit_coder(coded, chosen, features=features)
    learned = [lab for lab in LABELS if lab in full.models and not isinstance(full.models[lab], float)]
    oof = cv_probabilities(coded, learned, {chosen: MODEL_GRID[chosen]}, features=features)[chosen]
    population = ins.coding_population(exclude_texts=[])
    doc_units = population.groupby(["corpus", "doc_id"], sort=False).size()
    targets = target_units(exclude=coded["text"].tolist(), population=population)
    shares = corrected_shares(coded, full, oof[list(ins.TYPES)], targets, doc_units=doc_units, n_boot=n_boot)
    by_group = shares_by_group(coded, full, oof, targets, labels=learned, doc_units=doc_units, n_boot=n_boot)
    return {"instrument_model_cv": cv, "instrument_model_eval": evaluation,
            "instrument_model_calibration": calib, "instrument_coding_agreement": agreement,
            "instrument_shares_corrected": shares, "instrument_shares_by_group": by_group}
