"""The tomotopy engine of fit_topic_model: deterministic with a fixed seed and one worker (byte-identical topics in
fresh processes, also under another hash seed and another instruction set), seed-sensitive, correct term mapping,
planted topics recovered, and errors for what it does not do."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.text import topics as T

tp = pytest.importorskip("tomotopy", reason="tomotopy is not installed (pip install .[topics])")

ROOT = Path(__file__).resolve().parents[1]


def planted(n_per_block=40, seed=0):
    """Three disjoint vocabularies of 8 terms; 6 tokens per clause from one block."""
    rng = np.random.default_rng(seed)
    blocks = [[f"{p}{i}" for i in range(8)] for p in ("数据", "人工", "政务")]
    return [list(rng.choice(b, size=6)) for b in blocks for _ in range(n_per_block)], blocks


FIT = """
import hashlib, json, sys
import numpy as np
from analysis.text import topics as T
sys.path.insert(0, {tests!r})
from test_topic_engines import planted
docs, _ = planted(n_per_block=60, seed=3)
docs = [d + [w + "x" for w in d[:2]] for d in docs]          # some shared structure across blocks
dtm, vocab = T.build_dtm(docs, min_df=1)
m = T.fit_topic_model(dtm, vocab, 4, engine="tomotopy", random_state={seed}, max_iter=150)
tops = T.top_terms(m, n=5)
print(json.dumps({{"phi": hashlib.sha256(m.phi.tobytes()).hexdigest(),
                  "theta": hashlib.sha256(m.theta.tobytes()).hexdigest(),
                  "top": tops["term"].tolist()}}))
"""


def fit_in_fresh_process(seed, **env):
    code = FIT.format(tests=str(ROOT / "tests"), seed=seed)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tomotopy_fit_byte_identical_in_fresh_processes_and_seed_sensitive():
    a = fit_in_fresh_process(11)
    b = fit_in_fresh_process(11, PYTHONHASHSEED="12345")        # another process, another hash seed
    assert a == b                                              # topic-term and clause-topic bytes, top terms
    c = fit_in_fresh_process(12)
    assert c["phi"] != a["phi"] and c["theta"] != a["theta"]   # another seed, other sampling path


def test_tomotopy_fit_identical_under_another_instruction_set():
    """tomotopy picks an AVX-512/AVX2/SSE2 build at import (TOMOTOPY_ISA forces one): the fit is the same."""
    isas = [tp.isa] + [i for i in ("avx2", "sse2") if i != tp.isa]
    got = [fit_in_fresh_process(11, TOMOTOPY_ISA=i) for i in isas]
    assert all(g == got[0] for g in got[1:])


def test_tomotopy_same_process_rerun_equal_and_recovers_planted_topics():
    docs, blocks = planted()
    dtm, vocab = T.build_dtm(docs, min_df=1)
    m1 = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=7, max_iter=200)
    m2 = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=7, max_iter=200)
    assert m1.engine == "tomotopy" and m1.kind == "lda"
    assert np.array_equal(m1.phi, m2.phi) and np.array_equal(m1.theta, m2.theta)
    assert m1.phi.shape == (3, len(vocab)) and np.allclose(m1.phi.sum(axis=1), 1)
    assert np.allclose(m1.theta.sum(axis=1), 1)
    # each topic's top 8 terms are one block: the columns of phi are mapped back to the project's vocabulary
    tops = T.top_terms(m1, n=8)
    found = sorted(sorted(g["term"]) for _, g in tops.groupby("topic"))
    assert found == sorted(sorted(b) for b in blocks)
    # clauses of one block share one dominant topic, each block another
    dominant = m1.theta.argmax(axis=1).reshape(3, -1)
    assert all(len(set(row)) == 1 for row in dominant) and len(set(dominant[:, 0])) == 3


def test_tomotopy_transform_deterministic_and_per_clause():
    docs, _ = planted()
    dtm, vocab = T.build_dtm(docs, min_df=1)
    m = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=7, max_iter=200)
    full = m.transform(dtm)
    assert np.array_equal(full, m.transform(dtm))                 # rerun
    assert np.array_equal(full[30:90], m.transform(dtm[30:90]))   # a clause's shares do not depend on the others
    assert (full.argmax(axis=1) == m.theta.argmax(axis=1)).all()
    # a clause with no known term gets the prior's mean, not an error
    empty = T.build_dtm([["未知"]], vocabulary=vocab)[0]
    alpha = np.asarray(m.estimator.alpha, dtype=float)
    assert np.allclose(m.transform(empty)[0], alpha / alpha.sum())


def test_tomotopy_changed_input_changes_topics():
    docs, _ = planted()
    dtm, vocab = T.build_dtm(docs, min_df=1)
    m = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=7, max_iter=100)
    dtm2 = dtm.tolil()
    dtm2[0, 0] += 5
    m2 = T.fit_topic_model(dtm2.tocsr(), vocab, 3, engine="tomotopy", random_state=7, max_iter=100)
    assert not np.array_equal(m.phi, m2.phi)


def test_engine_errors():
    docs, _ = planted(n_per_block=5)
    dtm, vocab = T.build_dtm(docs, min_df=1)
    with pytest.raises(ValueError, match="engine must be one of"):
        T.fit_topic_model(dtm, vocab, 3, engine="gensim")
    with pytest.raises(ValueError, match="LDA only"):
        T.fit_topic_model(dtm, vocab, 3, model="nmf", engine="tomotopy")
    with pytest.raises(ValueError, match="no tokens"):
        T.fit_topic_model(dtm * 0, vocab, 3, engine="tomotopy")


def test_tomotopy_fit_does_not_depend_on_the_matrix_storage_order():
    """The sampler visits tokens in column order whatever order the sparse matrix stores them in (the Dask path's
    partition matrices are stored in another order than the in-memory matrix)."""
    from scipy import sparse

    docs, _ = planted()
    dtm, vocab = T.build_dtm(docs, min_df=1)
    coo = dtm.tocoo()
    rev = np.arange(coo.nnz)[::-1]
    shuffled = sparse.csr_matrix((coo.data[rev], (coo.row[rev], coo.col[rev])), shape=dtm.shape)
    shuffled.has_sorted_indices = False
    a = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=5, max_iter=50)
    b = T.fit_topic_model(shuffled, vocab, 3, engine="tomotopy", random_state=5, max_iter=50)
    assert np.array_equal(a.phi, b.phi) and np.array_equal(a.theta, b.theta)


def test_tomotopy_phi_covers_the_whole_vocabulary_with_the_prior():
    """A term in no fitted clause gets eta / (n_k + V eta) in every topic (not 0), as scikit-learn's LDA gives every
    column a share; a seen term's weight is (n_kw + eta) / (n_k + V eta)."""
    docs, _ = planted(n_per_block=10)
    dtm, vocab = T.build_dtm(docs + [["未见词"]], min_df=1)
    dtm = dtm[:-1]                                   # the last term occurs in no fitted clause
    j = list(vocab).index("未见词")
    m = T.fit_topic_model(dtm, vocab, 3, engine="tomotopy", random_state=5, max_iter=50)
    n_k = np.asarray(m.estimator.get_count_by_topics(), dtype=float)
    eta = float(np.float32(T.TOMOTOPY_ETA))
    np.testing.assert_allclose(m.phi[:, j], eta / (n_k + len(vocab) * eta), rtol=1e-6)
    assert (m.phi > 0).all() and np.allclose(m.phi.sum(axis=1), 1)


def _mixed_corpus():
    """Planted blocks with some terms shared across blocks, so that seeds and engines find different topics."""
    docs, _ = planted(n_per_block=30, seed=3)
    return T.build_dtm([d + [w + "x" for w in d[:2]] for d in docs], min_df=1)


def test_k_selection_panel_engine_is_used_and_deterministic():
    """engine="tomotopy" fits the panel's LDA models with tomotopy: each equals a direct fit_topic_model(engine=...)
    fit, differs from scikit-learn's, and a rerun gives the same panel; NMF rows are scikit-learn's either way."""
    dtm, vocab = _mixed_corpus()
    kw = dict(ks=[3, 4], models=("lda", "nmf"), top_n=5, max_iter=60, return_models=True)
    p_tp, m_tp = T.k_selection_panel(dtm, vocab, heldout_fraction=0, engine="tomotopy", **kw)
    p_sk, m_sk = T.k_selection_panel(dtm, vocab, heldout_fraction=0, engine="sklearn", **kw)
    for k in (3, 4):
        direct = T.fit_topic_model(dtm, vocab, k, engine="tomotopy", max_iter=60)
        assert m_tp[("lda", k)].engine == "tomotopy"
        np.testing.assert_array_equal(m_tp[("lda", k)].phi, direct.phi)
        np.testing.assert_array_equal(m_tp[("lda", k)].theta, direct.theta)
        assert not np.allclose(m_tp[("lda", k)].phi, m_sk[("lda", k)].phi, atol=1e-3)
        assert m_tp[("nmf", k)].engine == "sklearn"
        np.testing.assert_array_equal(m_tp[("nmf", k)].phi, m_sk[("nmf", k)].phi)
    assert not p_tp.loc[p_tp.model == "lda", "exclusivity"].equals(p_sk.loc[p_sk.model == "lda", "exclusivity"])
    again = T.k_selection_panel(dtm, vocab, heldout_fraction=0, engine="tomotopy", **kw)[0]
    assert p_tp.drop(columns="seconds").equals(again.drop(columns="seconds"))
    with pytest.raises(ValueError, match="engine must be one of"):
        T.k_selection_panel(dtm, vocab, ks=[3], models=("nmf",), engine="gensim")


def test_heldout_perplexity_per_engine():
    """tomotopy: document-completion perplexity of the held-out clauses under the model fitted on the rest (what
    the panel reports); scikit-learn: its own bound. Deterministic; a worse model (fewer sweeps) scores worse."""
    dtm, vocab = _mixed_corpus()
    tp_perp = T.heldout_perplexity(dtm, vocab, 3, engine="tomotopy", max_iter=100)
    assert tp_perp == T.heldout_perplexity(dtm, vocab, 3, engine="tomotopy", max_iter=100)
    train, test = T._split(dtm.shape[0], 0.2, T.DEFAULT_SEED)
    m = T.fit_topic_model(dtm[train], vocab, 3, engine="tomotopy", max_iter=100)
    assert tp_perp == T.completion_perplexity(m, dtm[test])
    panel = T.k_selection_panel(dtm, vocab, ks=[3], models=("lda",), engine="tomotopy", max_iter=100)
    assert panel["perplexity"].iloc[0] == tp_perp
    # the planted blocks: a fitted model predicts the second half of a clause far better than a uniform model would
    assert tp_perp < 0.5 * len(vocab)
    assert T.heldout_perplexity(dtm, vocab, 3, engine="tomotopy", max_iter=1) > tp_perp
    sk_perp = T.heldout_perplexity(dtm, vocab, 3, engine="sklearn", max_iter=20)
    assert sk_perp != tp_perp and np.isfinite(sk_perp)


def test_completion_perplexity_by_hand():
    """Two held-out clauses, a fixed 'model': the halves are a seeded split of each clause's tokens, shares come from
    the model's transform of the first half, the second half is scored under theta · phi."""
    from types import SimpleNamespace

    vocab = np.array(["a", "b", "c"])
    dtm = T.build_dtm([["a", "a", "b", "c"], ["c", "c"]], vocabulary=vocab, min_length=1)[0]
    phi = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    theta = np.array([[0.5, 0.5], [0.25, 0.75]])
    model = SimpleNamespace(vocab=vocab, phi=phi, transform=lambda observed: theta)
    observed, scored = T._completion_halves(dtm, 0)
    # every clause's tokens are split alternately: half (rounded up) observed, the rest scored, none lost
    np.testing.assert_array_equal((observed + scored).toarray(), dtm.toarray())
    np.testing.assert_array_equal(np.asarray(observed.sum(axis=1)).ravel(), [2, 1])
    sc = scored.toarray()
    p = theta @ phi
    want = np.exp(-(sc * np.log(p)).sum() / sc.sum())
    assert T.completion_perplexity(model, dtm, random_state=0) == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="two or more tokens"):
        T.completion_perplexity(model, T.build_dtm([["a"]], vocabulary=vocab, min_length=1)[0])


def test_topic_stability_engine_is_used():
    """Every seed is fitted by the engine asked for: the pairs equal a hand-made matching of direct tomotopy fits,
    differ from scikit-learn's, and a reference model from the other engine is refused."""
    from scipy.optimize import linear_sum_assignment

    dtm, vocab = _mixed_corpus()
    pairs = T.topic_stability(dtm, vocab, 4, seeds=(0, 1), max_iter=60, engine="tomotopy")
    a = T.fit_topic_model(dtm, vocab, 4, random_state=0, max_iter=60, engine="tomotopy")
    b = T.fit_topic_model(dtm, vocab, 4, random_state=1, max_iter=60, engine="tomotopy")
    sim = T._cosine(a.phi, b.phi)
    r, c = linear_sum_assignment(-sim)
    np.testing.assert_array_equal(pairs["matched_topic"], c)
    np.testing.assert_array_equal(pairs["cosine"], sim[r, c])
    assert pairs.equals(T.topic_stability(dtm, vocab, 4, seeds=(0, 1), max_iter=60, engine="tomotopy", reference=a))
    sk = T.topic_stability(dtm, vocab, 4, seeds=(0, 1), max_iter=60, engine="sklearn")
    assert not np.allclose(sk["cosine"], pairs["cosine"], atol=1e-3)
    with pytest.raises(ValueError, match="reference model"):
        T.topic_stability(dtm, vocab, 4, seeds=(0, 1), max_iter=60, engine="sklearn", reference=a)


def test_require_engine_names_the_engine_or_says_what_to_install(monkeypatch):
    assert T.require_engine("tomotopy") == f"tomotopy {tp.__version__}"
    assert T.require_engine("sklearn").startswith("scikit-learn ")
    with pytest.raises(ValueError, match="engine must be one of"):
        T.require_engine("gensim")
    monkeypatch.setitem(sys.modules, "tomotopy", None)          # as on a machine without it: import fails
    with pytest.raises(ImportError, match=r"pip install \.\[topics\]"):
        T.require_engine("tomotopy")


FIT_CITED = """
import hashlib, json
import numpy as np
import analysis
from analysis.text import topics as T
from analysis.text.tokens import tokenize_series
clauses = analysis.load_clauses(analysis.cited_texts())
dtm, vocab = T.build_dtm(tokenize_series(clauses["text"], stop=("general", "policy")), min_df=3, max_df=0.5)
m = T.fit_topic_model(dtm, vocab, 12, engine="tomotopy", random_state=20221130, max_iter=100)
h = lambda a: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
raw = np.array([d.get_topic_dist() for d in m.estimator.docs])
print(json.dumps({"phi": h(m.phi), "theta": h(m.theta), "transform": h(m.transform(dtm[:300])),
                  "tomotopy_float32_shares": h(raw)}))
"""


@pytest.mark.slow
def test_notebook05_clause_topic_shares_identical_under_every_instruction_set():
    """Notebook 05's clauses, K = 12: tomotopy's own clause-topic shares (float32, computed by the build it dispatches
    to) differ in their last bits between AVX-512, AVX2 and SSE2 — the topic assignments do not, and the engine's
    shares, computed from the assignments in float64, are the same bytes under all three (fit and inference)."""
    isas = [tp.isa] + [i for i in ("avx2", "sse2") if i != tp.isa]
    got = []
    for isa in isas:
        out = subprocess.run([sys.executable, "-c", FIT_CITED], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "TOMOTOPY_ISA": isa})
        got.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert len({g["tomotopy_float32_shares"] for g in got}) > 1     # the switch changes what tomotopy computes
    for key in ("phi", "theta", "transform"):
        assert len({g[key] for g in got}) == 1, key
