"""Topic models over policy clauses: LDA and NMF, their diagnostics, labels and maps.

Inputs are plain: a list (or Series) of token lists, turned into a clause × term matrix by
:func:`build_dtm`, or any scikit-learn style sparse document-term matrix with its vocabulary.

Choices (all deterministic)
---------------------------
- LDA: ``sklearn.decomposition.LatentDirichletAllocation`` with ``learning_method="batch"``
  (variational EM over the whole corpus each iteration; the online method's result depends on the
  mini-batch order), ``n_jobs=1`` (the E-step is split differently across workers otherwise) and a
  fixed ``random_state``. Priors are sklearn's defaults (``1/k`` for both).
- NMF: ``sklearn.decomposition.NMF`` on the TF-IDF weighted, L2-normalised matrix,
  ``init="nndsvda"``, Frobenius loss, fixed ``random_state``.
- Topic-term distributions ``phi`` are the model's topic-term weights normalised to sum to 1 per
  topic (for NMF this is a rescaling of the factor, not a probability model).
- Fits and transforms run with the BLAS/OpenMP thread pools limited to one thread
  (``threadpoolctl``, a scikit-learn dependency). The matrices are small, so extra threads gain
  nothing; on a loaded machine spinning BLAS threads made the NMF panel about 7× slower (6.2 s
  vs 0.85 s, 1,167 clauses), and results do not depend on the machine's thread count.

Coherence: NPMI (Bouma 2009; Aletras & Stevenson 2013; Röder et al. 2015) with *documents* (clauses)
as the co-occurrence window. For two terms ``a, b`` among a topic's top-N terms, with ``N_d`` clauses,
``D(a)`` clauses containing ``a`` and ``D(a, b)`` clauses containing both::

    P(a) = D(a) / N_d,  P(a, b) = D(a, b) / N_d
    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b)

Zero handling (no epsilon): ``D(a, b) = 0`` gives NPMI = -1 (its limit); ``P(a, b) = 1`` (both terms in
every clause) gives NPMI = 1. A topic's coherence is the mean over its ``N(N-1)/2`` pairs.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon

from ..plotting import place_point_labels, use_cjk_font

DEFAULT_SEED = 20221130  # analysis.plotting.SEED; repeated here so this module imports without matplotlib

__all__ = [
    "TopicModel", "build_dtm", "fit_topic_model", "require_engine", "top_term_ids", "top_terms", "npmi_coherence",
    "topic_diversity", "topic_exclusivity", "heldout_perplexity", "completion_perplexity", "k_selection_panel",
    "topic_stability", "summarise_stability", "relevance_table", "topic_labels",
    "document_topics", "prevalence_by_covariate", "intertopic_distances", "plot_intertopic_map",
    "plot_topic_terms", "plot_prevalence", "plot_prevalence_trend", "separated_intervals", "trend_test",
]


# ----------------------------------------------------------------------------- matrix


def _identity(tokens):
    return tokens


def build_dtm(tokens: Iterable[Sequence[str]], *, min_df: int | float = 2, max_df: int | float = 1.0,
              stopwords: Iterable[str] | None = None, min_length: int = 2,
              keep_numbers: bool = False,
              vocabulary: Sequence[str] | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Build a clause × term count matrix from token lists.

    Parameters
    ----------
    tokens : iterable of sequences of str
        One token list per clause (e.g. ``analysis.text.tokens.tokenize(text)`` per clause).
    min_df, max_df : int or float
        Passed to ``CountVectorizer``: drop terms in fewer than ``min_df`` clauses (int: count,
        float: share) or in more than ``max_df`` of them.
    stopwords : iterable of str, optional
        Tokens removed before counting.
    min_length : int
        Tokens shorter than this many characters are dropped (default 2: single characters are
        mostly function words in Chinese legal text).
    keep_numbers : bool
        If False, tokens made only of digits/punctuation are dropped.
    vocabulary : sequence of str, optional
        A fixed vocabulary (e.g. the ``vocab`` of the matrix a model was fitted on): columns are
        exactly these terms in this order, other tokens are ignored, and ``min_df``/``max_df`` do
        not apply. Use it to put new texts into a fitted model's term space.

    Returns
    -------
    dtm : scipy.sparse.csr_matrix, shape (n_clauses, n_terms), int64 counts
    vocab : numpy.ndarray of str
        Term of each column, sorted (CountVectorizer order).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    stop = set(stopwords or ())

    def keep(tok: str) -> bool:
        tok = tok.strip()
        if len(tok) < min_length or tok in stop:
            return False
        if not keep_numbers and not any(ch.isalpha() for ch in tok):
            return False
        return True

    docs = [[t.strip() for t in doc if keep(t)] for doc in tokens]
    if vocabulary is not None:
        vocab = [str(v) for v in vocabulary]
        if len(set(vocab)) != len(vocab):
            raise ValueError("vocabulary has repeated terms")
        vec = CountVectorizer(analyzer=_identity, vocabulary=vocab)
        dtm = vec.transform(docs).tocsr().astype(np.int64)
        return dtm, np.asarray(vocab, dtype=str)
    vec = CountVectorizer(analyzer=_identity, min_df=min_df, max_df=max_df)
    dtm = vec.fit_transform(docs).tocsr().astype(np.int64)
    return dtm, vec.get_feature_names_out().astype(str)


# ----------------------------------------------------------------------------- models


@dataclass
class TopicModel:
    """A fitted topic model with what the diagnostics need.

    Attributes
    ----------
    kind : {"lda", "nmf"}
    k : int
    phi : ndarray (k, n_terms)
        Topic-term distributions, rows sum to 1.
    theta : ndarray (n_docs, k)
        Document-topic shares for the documents the model was fitted on, rows sum to 1
        (rows of all-zero NMF weights stay 0).
    vocab : ndarray of str
    estimator : the fitted scikit-learn estimator
    random_state : int
    seconds : float
        Wall time of the fit.
    engine : {"sklearn", "tomotopy"}
        Which library fitted it (see :func:`fit_topic_model`).
    """

    kind: str
    k: int
    phi: np.ndarray
    theta: np.ndarray
    vocab: np.ndarray
    estimator: object = field(repr=False)
    random_state: int = DEFAULT_SEED
    seconds: float = 0.0
    engine: str = "sklearn"

    def transform(self, dtm) -> np.ndarray:
        """Document-topic shares (rows sum to 1) of new documents with the same vocabulary.

        tomotopy models infer them by :data:`TOMOTOPY_INFER_ITER` Gibbs iterations per clause, one worker,
        seeded with the model's ``random_state`` (deterministic: the same model and clauses give the
        same shares)."""
        if self.engine == "tomotopy":
            return _tomotopy_transform(self, dtm)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return _row_normalise(self.estimator.transform(_weigh(self.kind, dtm)))


def _row_normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=float)
    s = m.sum(axis=1, keepdims=True)
    return np.divide(m, s, out=np.zeros_like(m), where=s > 0)


def _weigh(kind: str, dtm):
    if kind == "nmf":
        from sklearn.feature_extraction.text import TfidfTransformer

        return TfidfTransformer(norm="l2", sublinear_tf=False).fit_transform(dtm)
    return dtm


def _check_dtm(dtm, vocab=None):
    if not sparse.issparse(dtm):
        dtm = sparse.csr_matrix(np.asarray(dtm))
    dtm = dtm.tocsr()
    if dtm.shape[0] == 0 or dtm.shape[1] == 0:
        raise ValueError(f"document-term matrix is empty (shape {dtm.shape})")
    if vocab is not None and len(vocab) != dtm.shape[1]:
        raise ValueError(f"vocabulary has {len(vocab)} terms but the matrix has {dtm.shape[1]} columns")
    return dtm


#: Engines of :func:`fit_topic_model`.
ENGINES = ("sklearn", "tomotopy")
#: tomotopy LDA defaults: Gibbs sweeps of a fit, and per clause when inferring new clauses.
TOMOTOPY_ITER = 1000
TOMOTOPY_INFER_ITER = 100
#: tomotopy LDA priors (its defaults), held fixed: symmetric Dirichlet over topics and over terms.
TOMOTOPY_ALPHA = 0.1
TOMOTOPY_ETA = 0.01


def fit_topic_model(dtm, vocab, k: int, *, model: str = "lda", random_state: int = DEFAULT_SEED,
                    max_iter: int | None = None, engine: str = "sklearn") -> TopicModel:
    """Fit one LDA or NMF model.

    Parameters
    ----------
    dtm : sparse matrix (n_docs, n_terms) of counts
    vocab : sequence of str, length n_terms
    k : int
        Number of topics.
    model : {"lda", "nmf"}
    random_state : int
    max_iter : int, optional
        Defaults: 50 EM iterations for LDA (batch), 1000 for NMF, :data:`TOMOTOPY_ITER` (1000) Gibbs
        sweeps for tomotopy's LDA.
    engine : {"sklearn", "tomotopy"}
        ``"sklearn"`` (default): the scikit-learn estimators of the module docstring. ``"tomotopy"``
        (LDA only; ``pip install .[topics]``): collapsed Gibbs sampling by ``tomotopy.LDAModel``
        with its default priors held fixed (symmetric ``alpha`` 0.1, ``eta`` 0.01; not re-estimated,
        whose float precision depends on the CPU's instruction set), ``seed=random_state``, one
        worker and no parallel scheme, so two fits with the same seed give identical topics, on
        every instruction set tomotopy dispatches to (tests/test_topic_engines.py). ``phi`` is the smoothed topic-word
        distribution ``(n_kw + eta) / (n_k + V eta)`` over the whole vocabulary (a term in no fitted
        clause gets the prior's share, as in scikit-learn's fit), ``theta`` each clause's topic
        distribution after the last sweep (empty clauses: the mean of the prior). Across the
        notebooks' and the national corpus it gives more coherent topics than the batch
        variational fit for less CPU (tests/benchmarks/topic_engines.md).

    Returns
    -------
    TopicModel
    """
    dtm = _check_dtm(dtm, vocab)
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    if model not in ("lda", "nmf"):
        raise ValueError(f"model must be 'lda' or 'nmf', got {model!r}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine == "tomotopy":
        if model != "lda":
            raise ValueError(f"engine 'tomotopy' fits LDA only, got model={model!r}")
        return _fit_tomotopy(dtm, vocab, k, random_state=random_state, max_iter=max_iter or TOMOTOPY_ITER)
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        if model == "lda":
            est = LatentDirichletAllocation(n_components=k, learning_method="batch", n_jobs=1,
                                            random_state=random_state, max_iter=max_iter or 50)
            theta = est.fit_transform(dtm)
        else:
            est = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=max_iter or 1000)
            theta = est.fit_transform(_weigh("nmf", dtm))
    seconds = time.perf_counter() - t0
    phi = _row_normalise(est.components_)
    return TopicModel(kind=model, k=k, phi=phi, theta=_row_normalise(theta), vocab=np.asarray(vocab, dtype=str),
                      estimator=est, random_state=random_state, seconds=seconds)


def _import_tomotopy():
    try:
        import tomotopy
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("engine='tomotopy' needs the tomotopy package, which is not installed: pip install .[topics] "
                          "(wheels for Linux x86-64/aarch64 with glibc >= 2.27, macOS and Windows x86-64; elsewhere "
                          "pip builds it from source, which needs a C++ compiler)") from err
    return tomotopy


def require_engine(engine: str) -> str:
    """Check that ``engine`` can fit topic models here; return its name and version (e.g. ``"tomotopy 0.14.0"``).

    Notebooks call it first so that a missing engine stops them at the top with what to install
    (``pip install .[topics]`` for tomotopy), not halfway through with results of another engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine == "tomotopy":
        return f"tomotopy {_import_tomotopy().__version__}"
    import sklearn

    return f"scikit-learn {sklearn.__version__}"


def _row_words(dtm, vocab) -> list[list[str]]:
    """Each clause as its list of terms, each term repeated by its count, in column order (canonical whatever
    the matrix's storage order: the Gibbs sampler visits tokens in this order)."""
    dtm = dtm.tocsr().copy()
    dtm.sum_duplicates()   # also sorts each row's column indices
    vocab = np.asarray(vocab, dtype=str)
    counts = dtm.data.astype(np.int64)
    if (counts < 0).any():
        raise ValueError("document-term matrix has negative counts")
    return [np.repeat(vocab[dtm.indices[a:b]], counts[a:b]).tolist()
            for a, b in zip(dtm.indptr[:-1], dtm.indptr[1:])]


def _fit_tomotopy(dtm, vocab, k: int, *, random_state: int, max_iter: int) -> TopicModel:
    tp = _import_tomotopy()
    vocab = np.asarray(vocab, dtype=str)
    if len(set(vocab.tolist())) != len(vocab):
        raise ValueError("vocabulary has repeated terms")
    t0 = time.perf_counter()
    mdl = tp.LDAModel(k=k, alpha=TOMOTOPY_ALPHA, eta=TOMOTOPY_ETA, seed=int(random_state))
    # fixed priors: tomotopy's default re-estimation of alpha (every 10 sweeps) computes in the float
    # precision of the instruction set it dispatches to (AVX-512, AVX2, SSE2), so clause-topic shares
    # would differ between CPUs; with fixed priors fit and shares are identical under all three (tested)
    mdl.optim_interval = 0
    rows = []
    for i, words in enumerate(_row_words(dtm, vocab)):
        if words:
            mdl.add_doc(words)
            rows.append(i)
    if not rows:
        raise ValueError("document-term matrix has no tokens")
    mdl.train(int(max_iter), workers=1, parallel=tp.ParallelScheme.NONE)
    seconds = time.perf_counter() - t0
    col = {w: j for j, w in enumerate(vocab.tolist())}
    used = [col[w] for w in mdl.used_vocabs]
    # posterior mean over the whole vocabulary: (n_kw + eta) / (n_k + V eta); tomotopy knows only the terms it
    # saw, a term in no fitted clause has n_kw = 0 in every topic
    phi = np.full((k, len(vocab)), float(np.float32(TOMOTOPY_ETA)))
    for t in range(k):
        phi[t, used] = mdl.get_topic_word_dist(t, normalize=False)
    alpha = np.asarray(mdl.alpha, dtype=float)
    theta = np.tile(alpha / alpha.sum(), (dtm.shape[0], 1))
    theta[rows] = _topic_shares(mdl.docs, alpha)
    return TopicModel(kind="lda", k=k, phi=_row_normalise(phi), theta=_row_normalise(theta), vocab=vocab,
                      estimator=mdl, random_state=int(random_state), seconds=seconds, engine="tomotopy")


def _topic_shares(docs, alpha: np.ndarray) -> np.ndarray:
    """Each document's posterior mean topic shares ``(n_dk + alpha_k) / (n_d + sum(alpha))`` from its topic
    assignments, in float64. tomotopy's own ``get_topic_dist`` and ``infer`` shares are computed in float32 by the
    build it dispatches to, and their last bits differ between AVX-512, AVX2 and SSE2 (on notebook 05's clauses);
    the assignments themselves do not (tests/test_topic_engines.py)."""
    k, total = len(alpha), math.fsum(alpha)
    out = np.empty((len(docs), k))
    for i, d in enumerate(docs):
        z = np.asarray(d.topics, dtype=np.int64)
        out[i] = (np.bincount(z, minlength=k) + alpha) / (len(z) + total)
    return out


def _tomotopy_transform(model: TopicModel, dtm) -> np.ndarray:
    tp = _import_tomotopy()
    dtm = _check_dtm(dtm, model.vocab)
    mdl = model.estimator
    known = set(mdl.used_vocabs)
    alpha = np.asarray(mdl.alpha, dtype=float)
    out = np.tile(alpha / alpha.sum(), (dtm.shape[0], 1))
    docs, rows = [], []
    for i, words in enumerate(_row_words(dtm, model.vocab)):
        words = [w for w in words if w in known]
        if words:
            docs.append(mdl.make_doc(words))
            rows.append(i)
    if docs:
        # together=False: each clause is inferred on its own, so its shares do not depend on the other
        # clauses passed with it or on earlier calls (tests/test_topic_engines.py)
        mdl.infer(docs, iterations=TOMOTOPY_INFER_ITER, workers=1, parallel=tp.ParallelScheme.NONE, together=False)
        out[rows] = _topic_shares(docs, alpha)   # from the inferred assignments (infer updates the documents)
    return _row_normalise(out)


# ----------------------------------------------------------------------------- diagnostics


def top_term_ids(phi: np.ndarray, n: int = 10) -> np.ndarray:
    """Column indices of each topic's ``n`` highest-weight terms, ties broken by column index.

    Returns
    -------
    ndarray (k, n) of int
    """
    phi = np.asarray(phi, dtype=float)
    n = min(n, phi.shape[1])
    # lexsort: last key is primary -> sort by -phi, then by column index (stable and deterministic)
    cols = np.arange(phi.shape[1])
    return np.vstack([np.lexsort((cols, -row))[:n] for row in phi])


def top_terms(model: TopicModel, n: int = 10) -> pd.DataFrame:
    """Each topic's top terms by weight.

    Returns
    -------
    DataFrame with columns ``topic`` (int, 0-based), ``rank`` (1-based), ``term``, ``phi``
    (topic-term probability).
    """
    ids = top_term_ids(model.phi, n)
    rows = [(t, r + 1, model.vocab[j], model.phi[t, j]) for t in range(model.k) for r, j in enumerate(ids[t])]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "phi"])


def _doc_presence(dtm) -> sparse.csc_matrix:
    x = _check_dtm(dtm).copy()
    x.data = np.ones_like(x.data, dtype=np.int64)
    return x.tocsc()


def npmi_coherence(top_ids: np.ndarray, dtm) -> np.ndarray:
    """NPMI coherence of each topic over its top terms, clauses as the co-occurrence window.

    Parameters
    ----------
    top_ids : ndarray (k, n) of int
        Column indices of each topic's top terms (see :func:`top_term_ids`).
    dtm : sparse matrix (n_docs, n_terms)
        Reference corpus; only presence/absence per document is used.

    Returns
    -------
    ndarray (k,)
        Mean NPMI over the ``n(n-1)/2`` term pairs of each topic, in [-1, 1]. Pairs never
        co-occurring count as -1; pairs present in every document as +1 (module docstring).
    """
    top_ids = np.atleast_2d(np.asarray(top_ids, dtype=int))
    b = _doc_presence(dtm)
    n_docs = b.shape[0]
    out = np.empty(top_ids.shape[0])
    for t, ids in enumerate(top_ids):
        sub = b[:, ids]
        co = np.asarray((sub.T @ sub).todense(), dtype=float)  # co[i, j] = D(i, j); diagonal = D(i)
        df = np.diag(co)
        vals = []
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                vals.append(_npmi(co[i, j], df[i], df[j], n_docs))
        out[t] = float(np.mean(vals)) if vals else np.nan
    return out


def _npmi(d_ab: float, d_a: float, d_b: float, n_docs: int) -> float:
    if d_ab == 0:
        return -1.0
    p_ab = d_ab / n_docs
    if p_ab >= 1.0:
        return 1.0
    pmi = np.log(p_ab / ((d_a / n_docs) * (d_b / n_docs)))
    return float(pmi / -np.log(p_ab))


def topic_diversity(top_ids: np.ndarray) -> float:
    """Share of unique terms among all topics' top-N terms (Dieng et al. 2020); 1 = no overlap."""
    top_ids = np.asarray(top_ids)
    return float(len(np.unique(top_ids)) / top_ids.size)


def topic_exclusivity(phi: np.ndarray, top_ids: np.ndarray) -> np.ndarray:
    """Exclusivity of each topic: mean over its top-N terms of ``phi[k, w] / sum_j phi[j, w]``.

    1 means the top terms belong to this topic alone; ``1/k`` means they are spread evenly.

    Returns
    -------
    ndarray (k,)
    """
    phi = np.asarray(phi, dtype=float)
    col = phi.sum(axis=0)
    share = np.divide(phi, col, out=np.zeros_like(phi), where=col > 0)
    return np.array([share[t, ids].mean() for t, ids in enumerate(np.asarray(top_ids))])


def _split(n_docs: int, fraction: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(random_state)
    perm = rng.permutation(n_docs)
    n_test = int(round(n_docs * fraction))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def _completion_halves(dtm, random_state: int):
    """Split each clause's tokens at random (seeded) into two halves: (observed, scored) count matrices."""
    dtm = dtm.tocsr().copy()
    dtm.sum_duplicates()
    n_rows = dtm.shape[0]
    counts = dtm.data.astype(np.int64)
    rows = np.repeat(np.repeat(np.arange(n_rows), np.diff(dtm.indptr)), counts)
    cols = np.repeat(dtm.indices, counts)
    rng = np.random.default_rng(random_state)
    order = np.lexsort((rng.random(len(rows)), rows))  # a random order within each clause (keys unique a.s.)
    rows, cols = rows[order], cols[order]
    starts = np.r_[0, np.cumsum(np.bincount(rows, minlength=n_rows))[:-1]].astype(np.int64)
    first = (np.arange(len(rows)) - starts[rows]) % 2 == 0
    halves = []
    for keep in (first, ~first):
        m = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int64), (rows[keep], cols[keep])), shape=dtm.shape)
        m.sum_duplicates()
        halves.append(m)
    return halves[0], halves[1]


def completion_perplexity(model: TopicModel, dtm, *, random_state: int = DEFAULT_SEED) -> float:
    """Document-completion perplexity of held-out clauses (Wallach et al. 2009): lower is better.

    Each clause's tokens are split at random (seeded) into two halves; the clause's topic shares are inferred from
    the first half by the model's own inference (:meth:`TopicModel.transform`) and the second half is scored under
    ``theta · phi``: ``exp(-sum log p(w) / tokens)`` over the scored halves of the clauses with tokens in both
    halves. The same formula for every engine, so comparable across engines (tests/benchmarks/topic_engines.md uses
    it); scikit-learn's own ``perplexity`` is its variational bound on whole clauses, a different quantity.
    """
    dtm = _check_dtm(dtm, model.vocab)
    observed, scored = _completion_halves(dtm, random_state)
    keep = np.flatnonzero((np.asarray(observed.sum(axis=1)).ravel() > 0)
                          & (np.asarray(scored.sum(axis=1)).ravel() > 0))
    if not len(keep):
        raise ValueError("no held-out clause has two or more tokens to split")
    return _completion_score(model.transform(observed[keep]), model.phi, scored[keep])


def _completion_score(theta: np.ndarray, phi: np.ndarray, scored) -> float:
    """``exp(-sum log p(w) / tokens)`` of the scored halves under ``theta · phi`` (rows of ``theta`` = rows of
    ``scored``); shared with tests/benchmarks/bench_topic_engines.py, which scores gensim's shares too."""
    sc = scored.tocoo()
    p = np.einsum("ik,ki->i", theta[sc.row], phi[:, sc.col])
    return float(np.exp(-np.sum(sc.data * np.log(p)) / sc.data.sum()))


def _heldout_perplexity(model: TopicModel, test_dtm, random_state: int) -> float:
    """scikit-learn: its variational bound on the whole held-out clauses; tomotopy: document completion."""
    if model.engine == "tomotopy":
        return completion_perplexity(model, test_dtm, random_state=random_state)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return float(model.estimator.perplexity(test_dtm))


def heldout_perplexity(dtm, vocab, k: int, *, heldout_fraction: float = 0.2,
                       random_state: int = DEFAULT_SEED, max_iter: int | None = None,
                       engine: str = "sklearn") -> float:
    """Perplexity of held-out clauses under an LDA model fitted on the rest.

    Lower is better, but perplexity often keeps falling with k and correlates poorly with human
    judgements of topic quality (Chang et al. 2009): read it next to coherence, never alone.

    ``engine`` is passed to :func:`fit_topic_model`. With ``"sklearn"`` the figure is scikit-learn's own
    perplexity (its variational bound on the whole held-out clauses); with ``"tomotopy"`` it is the
    document-completion perplexity of :func:`completion_perplexity` (Gibbs sampling gives no such bound). The two
    are different quantities: compare figures of one engine only.

    Returns
    -------
    float
    """
    dtm = _check_dtm(dtm, vocab)
    train, test = _split(dtm.shape[0], heldout_fraction, random_state)
    m = fit_topic_model(dtm[train], vocab, k, model="lda", random_state=random_state, max_iter=max_iter,
                        engine=engine)
    return _heldout_perplexity(m, dtm[test], random_state)


def k_selection_panel(dtm, vocab, ks: Iterable[int] = range(4, 21, 2), *,
                      models: Sequence[str] = ("lda", "nmf"), top_n: int = 10,
                      heldout_fraction: float = 0.2, random_state: int = DEFAULT_SEED,
                      max_iter: int | None = None, return_models: bool = False, engine: str = "sklearn"):
    """Fit each model at each k and tabulate the diagnostics.

    Every model is fitted once, on the training clauses (a seeded random ``1 - heldout_fraction``
    share). Coherence is computed on *all* clauses (the reference corpus), perplexity (LDA only) on
    the held-out clauses. With ``heldout_fraction=0`` models are fitted on all clauses and perplexity
    is missing. ``max_iter`` sets the LDA EM iterations only; NMF keeps its own default (1000) so
    that it converges. To screen many ks with NMF and fewer with LDA, call the panel twice (same
    ``random_state``, hence the same training clauses) and concatenate.

    ``engine`` (``"sklearn"`` or ``"tomotopy"``) is passed to :func:`fit_topic_model` for the LDA fits; NMF is
    always scikit-learn's (tomotopy has none). LDA's perplexity is then as :func:`heldout_perplexity` computes it
    for that engine (scikit-learn's variational bound, or tomotopy's document completion: not comparable).

    ``return_models=True`` also returns the fitted :class:`TopicModel` objects, keyed ``(model, k)``:
    with ``heldout_fraction=0`` each is the model :func:`fit_topic_model` gives on all clauses with the
    same arguments (tested), so a caller that needs those models does not fit them a second time.

    Returns
    -------
    DataFrame (or ``(DataFrame, dict)`` with ``return_models``), one row per (k, model), sorted by model
    then k, columns:
        ``k``; ``model`` ("lda"/"nmf"); ``npmi`` (mean NPMI of topics' top-N terms);
        ``diversity`` (unique share of top-N terms); ``exclusivity`` (mean over topics);
        ``perplexity`` (held-out, LDA only, else NaN; unreliable on its own);
        ``seconds`` (wall time of the fit plus diagnostics).
    """
    dtm = _check_dtm(dtm, vocab)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if heldout_fraction > 0:
        train, test = _split(dtm.shape[0], heldout_fraction, random_state)
    else:
        train, test = np.arange(dtm.shape[0]), np.array([], dtype=int)
    rows, fitted = [], {}
    for kind in models:
        for k in ks:
            t0 = time.perf_counter()
            m = fit_topic_model(dtm[train] if len(test) else dtm, vocab, int(k), model=kind,
                                random_state=random_state, max_iter=max_iter if kind == "lda" else None,
                                engine=engine if kind == "lda" else "sklearn")
            fitted[(kind, int(k))] = m
            ids = top_term_ids(m.phi, top_n)
            if kind == "lda" and len(test):
                perp = _heldout_perplexity(m, dtm[test], random_state)
            else:
                perp = np.nan
            rows.append({
                "k": int(k), "model": kind,
                "npmi": float(np.mean(npmi_coherence(ids, dtm))),
                "diversity": topic_diversity(ids),
                "exclusivity": float(np.mean(topic_exclusivity(m.phi, ids))),
                "perplexity": perp,
                "seconds": time.perf_counter() - t0,
            })
    panel = pd.DataFrame(rows).sort_values(["model", "k"], kind="stable").reset_index(drop=True)
    return (panel, dict(sorted(fitted.items()))) if return_models else panel


# ----------------------------------------------------------------------------- stability


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    return an @ bn.T


def topic_stability(dtm, vocab, k: int, *, model: str = "lda",
                    seeds: Sequence[int] = (DEFAULT_SEED, 1, 2, 3, 4), max_iter: int | None = None,
                    reference: TopicModel | None = None, engine: str = "sklearn") -> pd.DataFrame:
    """Refit with several seeds and match each run's topics to the first run's.

    The first seed is the reference. For every other seed the cosine similarity between all pairs
    of topic-term vectors is computed and topics are paired one-to-one maximising the total cosine
    (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``).

    Note that NMF with the default ``init="nndsvda"`` uses no randomness, so all its seeds give the
    same topics: seed stability is a question for LDA.

    Parameters
    ----------
    dtm, vocab, k, model, max_iter, engine
        As for :func:`fit_topic_model` (every seed is fitted by that engine).
    seeds : sequence of int
        At least two; the first is the reference run.
    reference : TopicModel, optional
        An already fitted model for the first seed (same ``dtm``, ``k``, ``model``, ``max_iter``),
        to avoid fitting it twice. Its ``kind``, ``k``, ``random_state`` and ``engine`` must match.

    Returns
    -------
    DataFrame, one row per (seed, reference topic), columns ``reference_seed``, ``seed``,
    ``topic`` (reference topic), ``matched_topic`` (topic index in that seed's run), ``cosine``.
    Summarise with :func:`summarise_stability`; the overall mean is ``result.cosine.mean()``.
    """
    if len(seeds) < 2:
        raise ValueError("topic_stability needs at least two seeds")
    dtm = _check_dtm(dtm, vocab)
    if reference is not None:
        got = (reference.kind, reference.k, reference.random_state, reference.phi.shape[1], reference.engine)
        want = (model, k, seeds[0], dtm.shape[1], engine)
        if got != want:
            raise ValueError(f"reference model (kind, k, random_state, n_terms, engine) = {got}, expected {want}")
        ref = reference
    else:
        ref = fit_topic_model(dtm, vocab, k, model=model, random_state=seeds[0], max_iter=max_iter, engine=engine)
    rows = []
    for s in seeds[1:]:
        other = fit_topic_model(dtm, vocab, k, model=model, random_state=s, max_iter=max_iter, engine=engine)
        sim = _cosine(ref.phi, other.phi)
        r, c = linear_sum_assignment(-sim)
        for i, j in zip(r, c):
            rows.append((seeds[0], s, int(i), int(j), float(sim[i, j])))
    return pd.DataFrame(rows, columns=["reference_seed", "seed", "topic", "matched_topic", "cosine"])


def summarise_stability(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per-topic stability from :func:`topic_stability`.

    Returns
    -------
    DataFrame with columns ``topic``, ``mean_cosine``, ``min_cosine`` (over the refits matched to the
    reference), ``n_seeds`` (runs in all, the reference seed included) and ``n_refits_matched`` (other seeds
    whose topics were matched to the reference: ``n_seeds - 1``).
    """
    g = pairs.groupby("topic")
    n_seeds = g["seed"].nunique() + 1
    return pd.DataFrame({"mean_cosine": g["cosine"].mean(), "min_cosine": g["cosine"].min(),
                         "n_seeds": n_seeds, "n_refits_matched": g["cosine"].size()}).reset_index()


def plot_topic_stability(pairs: pd.DataFrame, labels: Sequence[str] | None = None, *, ax=None,
                         threshold: float = 0.7, color: str = "#3B3B3B"):
    """Topic stability at a glance: each refit's matched cosine per topic (dots) and their mean (bar).

    Parameters
    ----------
    pairs : DataFrame from :func:`topic_stability`
    labels : sequence of str, optional
        One per reference topic (default ``T00`` …).
    threshold : float
        A dashed line at this cosine (below it a topic is partly an artefact of the seed).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    summ = summarise_stability(pairs)
    topics_ = summ["topic"].tolist()
    labs = list(labels) if labels is not None else [f"T{t:02d}" for t in topics_]
    y = np.arange(len(topics_))
    ax.barh(y, summ["mean_cosine"], color="#DDDDDD", height=0.6, label="平均 mean over refits")
    markers = ("o", "s", "^", "D", "v", "P")
    for i, (seed, sub) in enumerate(pairs.groupby("seed", sort=True)):
        sub = sub.set_index("topic").loc[topics_]
        ax.plot(sub["cosine"], y, markers[i % len(markers)], color=color, ms=5, mfc="white" if i % 2 else color,
                label=f"种子 seed {seed}")
    ax.axvline(threshold, color="#555555", lw=0.8, ls="--")
    ax.set_yticks(y, labs)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("与参考模型匹配主题的余弦相似度 cosine with the matched reference topic")
    return ax


# ----------------------------------------------------------------------------- labels and prevalence


def relevance_table(model: TopicModel, dtm, *, lam: float = 0.6, n: int = 10) -> pd.DataFrame:
    """Rank each topic's terms by relevance (Sievert & Shirley 2014).

    ``relevance = lam * log(phi[k, w]) + (1 - lam) * log(phi[k, w] / p(w))``, where ``p(w)`` is the
    term's share of all tokens in ``dtm``. ``lam = 1`` ranks by probability, ``lam = 0`` by lift;
    Sievert & Shirley found ``lam ≈ 0.6`` best for interpretation.

    Returns
    -------
    DataFrame with columns ``topic``, ``rank`` (1-based), ``term``, ``relevance``, ``phi``, ``lift``
    (``phi / p(w)``), ``lambda``.
    """
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"lam must be in [0, 1], got {lam}")
    dtm = _check_dtm(dtm, model.vocab)
    freq = np.asarray(dtm.sum(axis=0)).ravel().astype(float)
    p_w = freq / freq.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_phi = np.log(model.phi)
        lift = np.divide(model.phi, p_w, out=np.zeros_like(model.phi), where=p_w > 0)
        rel = lam * log_phi + (1 - lam) * np.log(lift)
    rel = np.where(np.isfinite(rel), rel, -np.inf)
    ids = top_term_ids(np.where(np.isfinite(rel), rel, -1e300), n)
    rows = [(t, r + 1, model.vocab[j], rel[t, j], model.phi[t, j], lift[t, j], lam)
            for t in range(model.k) for r, j in enumerate(ids[t])]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "relevance", "phi", "lift", "lambda"])


def topic_labels(model: TopicModel, dtm, *, lam: float = 0.6, n: int = 3, sep: str = "·") -> pd.Series:
    """Short labels from each topic's ``n`` most relevant terms, e.g. ``"T03 数据·出境·评估"``.

    Returns
    -------
    Series indexed by topic (int), values str.
    """
    rel = relevance_table(model, dtm, lam=lam, n=n)
    lab = rel.groupby("topic")["term"].agg(sep.join)
    return pd.Series([f"T{t:02d} {lab[t]}" for t in lab.index], index=lab.index, name="label")


def document_topics(model: TopicModel, dtm=None, *, index: Sequence | pd.Index | None = None) -> pd.DataFrame:
    """The document-topic matrix as a DataFrame.

    Parameters
    ----------
    model : TopicModel
    dtm : sparse matrix, optional
        Documents to transform; default: the documents the model was fitted on.
    index : sequence, optional
        Row labels (e.g. clause ids); default 0..n-1.

    Returns
    -------
    DataFrame (n_docs, k), columns ``T00``, ``T01``, … with topic shares summing to 1 per row.
    """
    theta = model.theta if dtm is None else model.transform(_check_dtm(dtm, model.vocab))
    cols = [f"T{t:02d}" for t in range(model.k)]
    return pd.DataFrame(theta, columns=cols, index=None if index is None else pd.Index(index))


def prevalence_by_covariate(doc_topics: pd.DataFrame, covariate: pd.Series | Sequence, *,
                            n_boot: int = 1000, ci: float = 0.95,
                            random_state: int = DEFAULT_SEED,
                            clusters: pd.Series | Sequence | None = None) -> pd.DataFrame:
    """Mean topic share per covariate value with percentile bootstrap confidence intervals.

    Without ``clusters``, rows (clauses) are resampled with replacement within each covariate group.
    With ``clusters`` (e.g. the ``doc_id`` of each clause) whole clusters are resampled within each
    group and each replicate is the mean over the clauses of the drawn clusters (a cluster
    bootstrap): clauses of one document are not independent, and with few documents per group the
    clause bootstrap gives intervals that are far too narrow. ``n_boot`` replicates, one seeded
    generator, groups in sorted order; the interval is the percentile interval of the replicates.

    Parameters
    ----------
    doc_topics : DataFrame (n_docs, k)
        From :func:`document_topics`.
    covariate : Series or sequence, length n_docs
        E.g. year, rule line, issuing level of each clause's document. Missing values are dropped.
    clusters : Series or sequence, length n_docs, optional
        Cluster label of each row; a cluster must lie within one covariate group.

    Returns
    -------
    DataFrame with columns ``covariate`` (the group value), ``topic`` (column name), ``n_docs``
    (rows in the group), ``n_clusters`` (clusters in the group; = ``n_docs`` without ``clusters``),
    ``prevalence`` (mean share over the group's rows), ``ci_low``, ``ci_high``; sorted by covariate
    then topic.
    """
    if len(covariate) != len(doc_topics):
        raise ValueError(f"covariate has {len(covariate)} values but doc_topics has {len(doc_topics)} rows")
    cov = pd.Series(np.asarray(covariate, dtype=object), index=doc_topics.index)
    if clusters is not None:
        if len(clusters) != len(doc_topics):
            raise ValueError(f"clusters has {len(clusters)} values but doc_topics has {len(doc_topics)} rows")
        clu = pd.Series(np.asarray(clusters, dtype=object), index=doc_topics.index)
        spread = pd.DataFrame({"c": clu, "g": cov})[cov.notna().to_numpy()].groupby("c")["g"].nunique()
        if (spread > 1).any():
            raise ValueError(f"clusters span several covariate values: {sorted(map(str, spread[spread > 1].index))[:5]}")
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    keep = cov.notna()
    groups = sorted(cov[keep].unique(), key=lambda v: (str(type(v)), v))
    for g in groups:
        mask = (cov == g).to_numpy()
        m = doc_topics.loc[mask].to_numpy(dtype=float)
        if clusters is None:
            n_clu = len(m)
            idx = rng.integers(0, len(m), size=(n_boot, len(m)))
            boot = m[idx].mean(axis=1)  # (n_boot, k)
        else:
            codes, _ = pd.factorize(clu[mask], sort=True)
            n_clu = int(codes.max()) + 1
            sums = np.zeros((n_clu, m.shape[1]))
            np.add.at(sums, codes, m)
            sizes = np.bincount(codes, minlength=n_clu).astype(float)
            idx = rng.integers(0, n_clu, size=(n_boot, n_clu))
            boot = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)[:, None]
        lo, hi = np.quantile(boot, [alpha, 1 - alpha], axis=0)
        for j, col in enumerate(doc_topics.columns):
            rows.append((g, col, len(m), n_clu, m[:, j].mean(), lo[j], hi[j]))
    return pd.DataFrame(rows, columns=["covariate", "topic", "n_docs", "n_clusters", "prevalence", "ci_low",
                                       "ci_high"])


def separated_intervals(prev: pd.DataFrame) -> pd.DataFrame:
    """Pairs of covariate values whose intervals for a topic do not overlap.

    Parameters
    ----------
    prev : DataFrame from :func:`prevalence_by_covariate`.

    Returns
    -------
    DataFrame, one row per (topic, pair of covariate values) whose 95 % intervals do not overlap:
    ``topic``, ``low`` and ``high`` (the covariate values with the lower and the higher
    prevalence), ``prevalence_low``, ``prevalence_high``, ``gap`` (space between the intervals);
    sorted by topic, then low, then high. Empty when every pair overlaps.
    """
    rows = []
    for topic, g in prev.groupby("topic", sort=True):
        recs = list(g.itertuples(index=False))
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                lo, hi = (a, b) if a.prevalence <= b.prevalence else (b, a)
                if lo.ci_high < hi.ci_low:
                    rows.append((topic, lo.covariate, hi.covariate, lo.prevalence, hi.prevalence,
                                 hi.ci_low - lo.ci_high))
    out = pd.DataFrame(rows, columns=["topic", "low", "high", "prevalence_low", "prevalence_high", "gap"])
    return out.sort_values(["topic", "low", "high"], key=lambda c: c.astype(str), kind="stable").reset_index(drop=True)


def trend_test(doc_topics: pd.DataFrame, years: Sequence[float]) -> pd.DataFrame:
    """Monotone trend of each topic's share over time: Spearman's rank correlation with the year.

    One observation per row of ``doc_topics`` (e.g. per text); ``scipy.stats.spearmanr`` per topic,
    p-values adjusted for the number of topics with the Benjamini–Hochberg procedure
    (``scipy.stats.false_discovery_control``).

    Returns
    -------
    DataFrame with ``topic``, ``n``, ``rho``, ``p``, ``p_bh``, in topic order.
    """
    from scipy.stats import false_discovery_control, spearmanr

    y = np.asarray(years, dtype=float)
    if len(y) != len(doc_topics):
        raise ValueError(f"years has {len(y)} values but doc_topics has {len(doc_topics)} rows")
    rows = []
    for col in doc_topics.columns:
        res = spearmanr(doc_topics[col].to_numpy(dtype=float), y)
        rows.append((col, len(y), float(res.statistic), float(res.pvalue)))
    out = pd.DataFrame(rows, columns=["topic", "n", "rho", "p"])
    out["p_bh"] = false_discovery_control(out["p"].to_numpy()) if len(out) else []
    return out


# ----------------------------------------------------------------------------- intertopic map


def _classical_mds(d: np.ndarray, dims: int = 2) -> np.ndarray:
    n = d.shape[0]
    j = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * j @ (d ** 2) @ j
    vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals, kind="stable")[::-1][:dims]
    vals, vecs = np.clip(vals[order], 0, None), vecs[:, order]
    coords = vecs * np.sqrt(vals)
    # fix the arbitrary sign of each axis: the largest-magnitude coordinate is positive
    for a in range(coords.shape[1]):
        if coords[np.argmax(np.abs(coords[:, a])), a] < 0:
            coords[:, a] *= -1
    return coords


def intertopic_distances(model: TopicModel, *, prevalence: Sequence[float] | None = None,
                         labels: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jensen–Shannon distances between topics and their classical-MDS coordinates.

    Parameters
    ----------
    model : TopicModel
    prevalence : sequence of float, optional
        Topic size for the map; default: mean document-topic share of the fitted documents.
    labels : sequence of str, optional

    Returns
    -------
    coords : DataFrame with columns ``topic``, ``x``, ``y``, ``prevalence``, ``label``
    distances : DataFrame (k, k) of Jensen–Shannon distances (base 2, in [0, 1])
    """
    k = model.k
    d = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            d[i, j] = d[j, i] = jensenshannon(model.phi[i], model.phi[j], base=2)
    xy = _classical_mds(d, 2) if k > 2 else np.column_stack([[-d[0, 1] / 2, d[0, 1] / 2], [0, 0]])
    prev = np.asarray(prevalence if prevalence is not None else model.theta.mean(axis=0), dtype=float)
    labs = list(labels) if labels is not None else [f"T{t:02d}" for t in range(k)]
    coords = pd.DataFrame({"topic": np.arange(k), "x": xy[:, 0], "y": xy[:, 1], "prevalence": prev,
                           "label": labs})
    names = [f"T{t:02d}" for t in range(k)]
    return coords, pd.DataFrame(d, index=names, columns=names)


def plot_intertopic_map(coords: pd.DataFrame, *, ax=None, size_scale: float = 6000.0,
                        title: str | None = "主题间距离图（Jensen–Shannon 距离，经典 MDS）",
                        key: bool = False, key_fontsize: float = 9.0, size_key: Sequence[float] = (0.05, 0.1, 0.2),
                        color: str = "#8C8C8C"):
    """Draw the intertopic distance map: circle area ∝ prevalence, each circle labelled beside it.

    The axes have an equal aspect (one unit of distance is as long across as up), no ticks and no grid: MDS
    coordinates have no meaning of their own, only the distances between circles do. Labels sit next to their
    circles: touching the circle, above it or, where that is taken, to its right, left, below or on a diagonal
    (:func:`analysis.plotting.place_point_labels`), so that no leader line is needed; a label with no free place
    beside its circle goes a little further out with a short leader line that crosses no circle, no label and no
    other line (and, should even that fail, is moved by :func:`analysis.text.networks.repel_labels`); a size key
    shows the area of ``size_key`` prevalences.

    Parameters
    ----------
    coords : DataFrame from :func:`intertopic_distances`
    ax : matplotlib Axes, optional
    size_scale : float
        Total marker area (points²) shared among the circles in proportion to prevalence.
    key : bool
        If True, append each topic's prevalence to its label.
    size_key : sequence of float
        Prevalences drawn in the size key (empty: no key).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    from .networks import repel_labels

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    total = max(coords["prevalence"].sum(), 1e-12)
    size = coords["prevalence"].to_numpy() / total * size_scale
    ax.scatter(coords["x"], coords["y"], s=size, alpha=0.45, color=color, edgecolor="#333333", linewidth=0.6)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    if len(size_key):
        handles = [Line2D([], [], marker="o", ls="", color=color, alpha=0.45, mec="#333333",
                          markersize=np.sqrt(p * size_scale), label=f"{p * 100:.0f}%") for p in size_key]
        ax.legend(handles=handles, title="份额 share of clauses", loc="lower left", bbox_to_anchor=(1.0, 0.0),
                  frameon=False, labelspacing=4.2, borderpad=1.8, handletextpad=1.5,
                  fontsize=key_fontsize, title_fontsize=key_fontsize)
    fig = ax.figure
    fig.canvas.draw()
    fig.set_layout_engine("none")
    px = fig.dpi / 72.0
    to_data = ax.transData.inverted()
    markers, texts, anchors, marks = [], [], [], []
    for r, s_ in sorted(zip(coords.itertuples(index=False), size), key=lambda z: (-z[1], z[0].topic)):
        cx, cy = ax.transData.transform((r.x, r.y))
        rad = 0.5 * np.sqrt(s_) * px
        markers.append(Bbox.from_extents(cx - rad, cy - rad, cx + rad, cy + rad))
        marks.append((cx, cy, rad))
        label = str(r.label) if str(r.label).startswith(f"T{int(r.topic):02d}") else f"T{int(r.topic):02d} {r.label}"
        text = label + (f"  {r.prevalence * 100:.0f}%" if key else "")
        tx, ty = to_data.transform((cx, cy + rad + 3 * px))
        texts.append(ax.text(tx, ty, text, ha="center", va="bottom", fontsize=key_fontsize, path_effects=halo,
                             zorder=5))
        anchors.append((r.x, r.y, tx, ty))
    # beside its circle (above, right, left, below, diagonals: no leader line); a label with no free place beside
    # its circle goes a little further out with a leader line that crosses no circle, label or other line
    placement = place_point_labels(ax, texts, marks)
    stuck = [t for t, res in zip(texts, placement) if res is False]
    if stuck:                                   # no place at all: the old repulsion, with a line from the centre
        renderer = fig.canvas.get_renderer()
        repel_labels(ax, stuck, obstacles=markers + [t.get_window_extent(renderer)
                                                     for t, res in zip(texts, placement) if res is not False])
    for t, res, (x, y, tx, ty) in zip(texts, placement, anchors):
        if isinstance(res, tuple):
            (x0, y0), (x1, y1) = res
            ax.plot([x0, x1], [y0, y1], color="#555555", lw=0.7, zorder=3)   # over the circles: seen to its centre
        elif res is False:
            nx_, ny_ = t.get_position()
            if np.hypot(*(ax.transData.transform((nx_, ny_)) - ax.transData.transform((tx, ty)))) > 2:
                ax.plot([x, nx_], [y, ny_], color="#777777", lw=0.6, zorder=1)
    return ax


def _panel_title(label, width: int = 14) -> str:
    """A topic label as a small-multiple title: a long ``a·b·c`` label goes on two lines, breaking at its last ``·``."""
    label = str(label)
    if len(label) > width and "·" in label:
        head, tail = label.rsplit("·", 1)
        return f"{head}·\n{tail}"
    return label


def plot_topic_terms(relevance: pd.DataFrame, labels: pd.Series | Sequence[str] | None = None, *,
                     n: int = 8, ncols: int = 4, color: str = "#6F6F6F", axes=None, panel_size=(2.6, 2.3)):
    """Small multiples: each topic's ``n`` most relevant terms as horizontal bars of their probability.

    Parameters
    ----------
    relevance : DataFrame from :func:`relevance_table` (``topic``, ``rank``, ``term``, ``phi``)
    labels : Series or sequence of str, optional
        Panel title per topic (default ``T00`` …).
    n : int
        Terms per topic (at most the table's ``n``).
    ncols : int
    axes : array of matplotlib Axes, optional
        At least one per topic; default: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    topics_ = sorted(relevance["topic"].unique())
    if axes is None:
        nrows = -(-len(topics_) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                                 layout="constrained", squeeze=False)
    axes = np.asarray(axes).ravel()
    fig = axes[0].figure
    labs = list(labels) if labels is not None else [f"T{t:02d}" for t in topics_]
    xmax = relevance.loc[relevance["rank"] <= n, "phi"].max() * 100
    for ax, t, lab in zip(axes, topics_, labs):
        sub = relevance[(relevance["topic"] == t) & (relevance["rank"] <= n)].sort_values("rank", kind="stable")
        ax.barh(range(len(sub)), sub["phi"] * 100, color=color, height=0.7)
        ax.set_yticks(range(len(sub)), sub["term"], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, xmax * 1.05)
        ax.set_title(_panel_title(lab), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="y", visible=False)
    for ax in axes[len(topics_):]:
        ax.set_visible(False)
    return fig


def plot_prevalence(prev: pd.DataFrame, *, labels: Sequence[str] | None = None,
                    colors: dict | None = None, ax=None, offset: float = 0.18):
    """Dot-and-whisker chart of topic prevalence by a categorical covariate.

    Parameters
    ----------
    prev : DataFrame from :func:`prevalence_by_covariate`
    labels : sequence of str, optional
        Y tick label per topic, in the order of ``prev["topic"]`` values sorted.
    colors : dict, optional
        Colour per covariate value.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    topics_ = sorted(prev["topic"].unique())
    groups = list(dict.fromkeys(prev["covariate"]))
    shift = (np.arange(len(groups)) - (len(groups) - 1) / 2) * offset
    for g, dy in zip(groups, shift):
        sub = prev[prev["covariate"] == g].set_index("topic").loc[topics_]
        y = np.arange(len(topics_)) + dy
        c = (colors or {}).get(g)
        ax.errorbar(sub["prevalence"] * 100, y,
                    xerr=[(sub["prevalence"] - sub["ci_low"]) * 100, (sub["ci_high"] - sub["prevalence"]) * 100],
                    fmt="o", ms=5, capsize=2, lw=1.2, color=c, label=str(g))
    ax.set_yticks(range(len(topics_)), list(labels) if labels is not None else topics_)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    return ax


def plot_prevalence_trend(prev: pd.DataFrame, *, labels: Sequence[str] | None = None, ncols: int = 4,
                          color: str = "#3B3B3B", axes=None, panel_size=(2.6, 2.1),
                          pooled: Sequence[str] = (), partial: Sequence[str] = ()):
    """Small multiples of topic prevalence over an ordered covariate (e.g. year) with CI bands.

    Parameters
    ----------
    prev : DataFrame from :func:`prevalence_by_covariate`; ``covariate`` values are plotted in
        their sorted order, equally spaced, and labelled as given.
    labels : sequence of str, optional
        Panel title per topic.
    pooled : sequence of str
        Covariate values that pool several years (e.g. ``"2013–16"``): drawn as a separate point with its
        interval, a gap after it, and not joined to the yearly line, so that it is not read as one year.
    partial : sequence of str
        Values covering part of a period only (e.g. a year the collection stops in): hollow marker, dotted
        join, and ``*`` after the tick label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    topics_ = sorted(prev["topic"].unique())
    xs = list(dict.fromkeys(prev["covariate"]))
    if axes is None:
        nrows = -(-len(topics_) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                                 layout="constrained", squeeze=False, sharex=True, sharey=True)
    axes = np.asarray(axes).ravel()
    labs = list(labels) if labels is not None else topics_
    is_pooled = np.array([str(v) in set(map(str, pooled)) for v in xs])
    is_partial = np.array([str(v) in set(map(str, partial)) for v in xs])
    x = np.arange(len(xs), dtype=float) + np.cumsum(np.r_[0, is_pooled[:-1]]) * 0.6  # a gap after a pooled value
    for ax, t, lab in zip(axes, topics_, labs):
        sub = prev[prev["topic"] == t].set_index("covariate").loc[xs]
        mid, lo, hi = (sub[c].to_numpy() * 100 for c in ("prevalence", "ci_low", "ci_high"))
        for i in np.flatnonzero(is_pooled):
            ax.errorbar(x[i], mid[i], yerr=[[mid[i] - lo[i]], [hi[i] - mid[i]]], fmt="o", ms=3.5, color=color,
                        capsize=2, lw=1.0)
        yearly = np.flatnonzero(~is_pooled)
        full = [i for i in yearly if not is_partial[i]]
        ax.fill_between(x[yearly], lo[yearly], hi[yearly], color=color, alpha=0.15, lw=0)
        ax.plot(x[full], mid[full], color=color, marker="o", ms=3, lw=1.4)
        for i in np.flatnonzero(is_partial & ~is_pooled):
            prev_i = max((j for j in full if j < i), default=None)
            if prev_i is not None:
                ax.plot([x[prev_i], x[i]], [mid[prev_i], mid[i]], color=color, lw=1.2, ls=":")
            ax.plot(x[i], mid[i], "o", ms=3.5, mfc="white", mec=color)
        ax.set_title(_panel_title(lab), fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", visible=False)
    for ax in axes[len(topics_):]:
        ax.set_visible(False)
    names = [f"{v}*" if p else str(v) for v, p in zip(xs, is_partial)]
    step = max(1, -(-len(xs) // 5))
    keep = sorted(set(range(0, len(xs), step)) | set(np.flatnonzero(is_pooled | is_partial)))
    for ax in axes[:len(topics_)]:
        ax.set_xticks(x[keep], [names[i] for i in keep])
    axes[0].set_ylim(bottom=0)
    return axes[0].figure
