"""Topic engines compared on the project's document-term matrices (writes tests/benchmarks/topic_engines.md).

Engines (all LDA, all through :func:`analysis.text.topics.fit_topic_model`, one fit per fresh process):

- ``sklearn``: ``engine="sklearn"`` as the package configures it — batch variational EM, 50 iterations,
  ``n_jobs=1``, BLAS limited to one thread, priors ``1/K``;
- ``sklearn15``: the same with 15 EM iterations (what notebook 05 runs; cited texts only);
- ``tomotopy``: ``engine="tomotopy"`` — collapsed Gibbs sampling, 1,000 sweeps, one worker, tomotopy's default
  priors held fixed (alpha 0.1, eta 0.01);
- ``tomotopy-opt``: the same with tomotopy's default re-estimation of alpha every 10 sweeps (which the engine turns
  off because its float precision follows the CPU's instruction set; cited texts only);
- ``gensim``: only if gensim is importable (it is not installed in the project's environment).

Corpora (tokens: ``tokenize_series(stop=("general", "policy"))``; matrix ``build_dtm(min_df=3, max_df=0.5)``, as
notebook 05; clauses left with no term are dropped):

- ``cited``: the 13 cited texts' clauses (notebook 05's corpus);
- ``national-sample``: a seeded (20221130) sample of 20,000 clauses of the national corpus, its own vocabulary;
- ``national``: every clause of the national corpus.

Each fit uses the seeded 80 % training clauses (the same split for every engine and seed,
:func:`analysis.text.topics._split` with seed 20221130, as ``k_selection_panel``). NPMI (the project's, top 10, clauses
as windows) and diversity (top 10) are computed on all clauses; held-out perplexity is *document completion* on the
other 20 %: each held-out clause's tokens are split at random (seeded) into halves, the topic shares are inferred from
the first half by each engine's own inference (sklearn ``transform``; tomotopy ``infer``, 100 sweeps), and the second
half is scored under ``theta · phi`` — the same formula for every engine, so comparable (lower is better). Terms
absent from the training clauses are dropped from the matrix before fitting so that every engine has the same
vocabulary. Stability: for every pair of seeds of one engine, topics matched one-to-one by cosine (Hungarian), mean
over topics; its mean over pairs is that engine's noise floor.

CPU seconds (user+sys of the fitting process, from ``getrusage``), peak RSS of that process (``ru_maxrss``, which
includes the loaded matrix: ``rss_before`` is the peak before the fit started) and wall seconds of the fit are stored
per fit in ``.cache/bench_topic_engines/`` (git-ignored), so that the run can be resumed and reported separately.

Run:
  nice -n 15 .venv/bin/python tests/benchmarks/bench_topic_engines.py prep
  nice -n 15 .venv/bin/python tests/benchmarks/bench_topic_engines.py run --plan PLAN   (PLAN: cited, cited-tomotopy,
      sample-tomotopy, sample-sklearn, full-tomotopy, full-sklearn, stream, ...; see PLANS; each resumable)
  .venv/bin/python tests/benchmarks/bench_topic_engines.py report
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / ".cache" / "bench_topic_engines"
MD = Path(__file__).with_name("topic_engines.md")
SEED = 20221130
SEEDS = (SEED, 1, 2)
KS = (10, 20)
STOP = ("general", "policy")
SAMPLE = 20_000
ITER = {"online-lda": 1, "sample-tomotopy": 1000, "sample-sklearn": 50, "sklearn": 50, "sklearn15": 15, "tomotopy": 1000, "tomotopy-opt": 1000, "gensim": 10}

PLANS = {
    "cited": [("cited", e, k, s) for e in ("tomotopy", "sklearn", "sklearn15") for k in KS for s in SEEDS],
    "sample-tomotopy": [("national-sample", "tomotopy", k, s) for k in KS for s in SEEDS],
    "sample-sklearn": [("national-sample", "sklearn", k, s) for k in KS for s in SEEDS],
    "full-tomotopy": [("national", "tomotopy", 20, SEED), ("national", "tomotopy", 10, SEED)],
    "sample-sklearn-k20r": [("national-sample", "sklearn", 20, s) for s in (2, 1)],
    "full-sklearn": [("national", "sklearn", 20, SEED), ("national", "sklearn", 10, SEED)],
    "cited-tomotopy": [("cited", e, k, s) for e in ("tomotopy", "tomotopy-opt") for k in KS for s in SEEDS],
    "stream": [("national", e, k, s) for e in ("online-lda", "sample-tomotopy") for k in KS for s in SEEDS],
    "stream-sklearn": [("national", "sample-sklearn", k, SEED) for k in KS],
    "cited-gensim": [("cited", "gensim", k, s) for k in KS for s in SEEDS],
}


def _save_corpus(name, dtm, vocab, n_clauses_in):
    from scipy import sparse

    from analysis.text import topics as T

    keep = np.flatnonzero(np.asarray(dtm.sum(axis=1)).ravel() > 0)
    dtm = dtm[keep]
    train, test = T._split(dtm.shape[0], 0.2, SEED)
    cols = np.flatnonzero(np.asarray(dtm[train].sum(axis=0)).ravel() > 0)
    dropped_terms = dtm.shape[1] - len(cols)
    dtm, vocab = dtm[:, cols].tocsr(), np.asarray(vocab)[cols]
    sparse.save_npz(OUT / f"{name}.npz", dtm)
    np.save(OUT / f"{name}.vocab.npy", vocab)
    meta = dict(clauses_in=int(n_clauses_in), clauses=int(dtm.shape[0]), terms=int(dtm.shape[1]),
                tokens=int(dtm.sum()), train=len(train), test=len(test), terms_dropped_not_in_train=int(dropped_terms))
    (OUT / f"{name}.json").write_text(json.dumps(meta))
    print(name, meta, flush=True)


def prep():
    import analysis
    from analysis import corpus
    from analysis.text import topics as T
    from analysis.text.tokens import tokenize_series

    OUT.mkdir(parents=True, exist_ok=True)
    analysis.setup()
    cited = corpus.load_clauses(corpus.cited_texts())
    dtm, vocab = T.build_dtm(tokenize_series(cited.text, stop=STOP), min_df=3, max_df=0.5)
    _save_corpus("cited", dtm, vocab, len(cited))
    nat = corpus.load_clauses(corpus.national_corpus())
    t0 = time.perf_counter()
    toks = tokenize_series(nat.text, stop=STOP)
    print(f"national tokens: {time.perf_counter() - t0:.1f} s", flush=True)
    dtm, vocab = T.build_dtm(toks, min_df=3, max_df=0.5)
    _save_corpus("national", dtm, vocab, len(nat))
    rng = np.random.default_rng(SEED)
    pick = np.sort(rng.choice(len(nat), size=SAMPLE, replace=False))
    dtm, vocab = T.build_dtm(toks.iloc[pick], min_df=3, max_df=0.5)
    _save_corpus("national-sample", dtm, vocab, SAMPLE)


def load(name):
    from scipy import sparse

    from analysis.text import topics as T

    dtm = sparse.load_npz(OUT / f"{name}.npz").tocsr()
    vocab = np.load(OUT / f"{name}.vocab.npy")
    train, test = T._split(dtm.shape[0], 0.2, SEED)
    return dtm, vocab, train, test


def _gensim_fit(dtm, vocab, k, seed, passes):
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    corpus = Sparse2Corpus(dtm, documents_columns=False)
    t0 = time.perf_counter()
    m = LdaModel(corpus, num_topics=k, id2word=dict(enumerate(vocab)), passes=passes, random_state=seed,
                 chunksize=2000)
    phi = m.get_topics()
    return m, phi / phi.sum(axis=1, keepdims=True), time.perf_counter() - t0


def _tomotopy_opt_fit(dtm, vocab, k, seed, iters):
    """tomotopy with its default alpha re-estimation (every 10 sweeps), otherwise as the package's engine."""
    import tomotopy as tp

    from analysis.text import topics as T

    mdl = tp.LDAModel(k=k, alpha=T.TOMOTOPY_ALPHA, eta=T.TOMOTOPY_ETA, seed=seed)
    for words in T._row_words(dtm, vocab):
        if words:
            mdl.add_doc(words)
    mdl.train(iters, workers=1, parallel=tp.ParallelScheme.NONE)
    col = {w: j for j, w in enumerate(np.asarray(vocab).tolist())}
    used = [col[w] for w in mdl.used_vocabs]
    phi = np.full((k, len(vocab)), float(np.float32(T.TOMOTOPY_ETA)))
    for t in range(k):
        phi[t, used] = mdl.get_topic_word_dist(t, normalize=False)
    phi /= phi.sum(axis=1, keepdims=True)
    return T.TopicModel("lda", k, phi, np.zeros((0, k)), np.asarray(vocab), estimator=mdl, random_state=seed,
                        engine="tomotopy")


#: partitions of the in-memory stand-in for the Dask path (clause order, equal sizes): the national corpus in the
#: pipeline's 0.5 MB partitions gives about this many
STREAM_PARTS = 45


def _streamed(dtm, vocab, k, seed, kind):
    """The Dask path's topic models, in memory on the same matrix: ``online-lda`` (pipeline defaults: online LDA,
    1 pass, partitions 4 at a time in a seeded order, rows shuffled; tests/test_pipeline.py shows the Dask stream
    equals this) and ``sample-tomotopy`` / ``sample-sklearn`` (the ``"lda-sample"`` model: a batch fit of the
    pipeline's uniform 20,000-clause sample; tests/test_topics_stream.py shows the Dask path equals this)."""
    from threadpoolctl import threadpool_limits

    from analysis.distributed import pipeline as pl
    from analysis.text import topics as T

    n = dtm.shape[0]
    bounds = np.linspace(0, n, STREAM_PARTS + 1).astype(int)
    sizes = np.diff(bounds).tolist()
    if kind == "online-lda":
        est = pl.topic_estimator("lda", k, n, seed=seed)
        X = dtm.astype(np.float64)
        t0 = time.perf_counter()
        with threadpool_limits(limits=1):
            for _, b in pl._minibatches(pl.stream_order(sizes, passes=1, seed=seed, mix=4),
                                        lambda i: X[bounds[i]:bounds[i + 1]], est.batch_size):
                est.partial_fit(b)
        return T.TopicModel("lda", k, T._row_normalise(est.components_), np.zeros((0, k)), np.asarray(vocab),
                            estimator=est, random_state=seed, seconds=time.perf_counter() - t0)
    rows = pl.sample_rows(sizes, seed=seed, rows=pl.SAMPLE_ROWS)
    engine = kind.split("-", 1)[1]
    return T.fit_topic_model(dtm[rows], vocab, k, random_state=seed, engine=engine, max_iter=ITER[engine])


def fit_one(corpus, engine, k, seed):
    """Run in a fresh process: fit, diagnostics, write a JSON and the phi matrix."""
    from analysis.text import topics as T

    dtm, vocab, train, test = load(corpus)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    if engine == "gensim":
        est, phi, _ = _gensim_fit(dtm[train], vocab, k, seed, ITER["gensim"])
    elif engine in ("online-lda", "sample-tomotopy", "sample-sklearn"):
        m = _streamed(dtm[train], vocab, k, seed, engine)
        phi = m.phi
    elif engine == "tomotopy-opt":
        m = _tomotopy_opt_fit(dtm[train], vocab, k, seed, ITER[engine])
        phi = m.phi
    else:
        m = T.fit_topic_model(dtm[train], vocab, k, model="lda", random_state=seed, max_iter=ITER[engine],
                              engine="tomotopy" if engine == "tomotopy" else "sklearn")
        phi = m.phi
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    rss = r1.ru_maxrss
    ids = T.top_term_ids(phi, 10)
    npmi = T.npmi_coherence(ids, dtm)
    observed, scored = T._completion_halves(dtm[test], SEED)   # the halves completion_perplexity uses
    keep = np.flatnonzero((np.asarray(observed.sum(axis=1)).ravel() > 0) & (np.asarray(scored.sum(axis=1)).ravel() > 0))
    t1 = time.perf_counter()
    if engine == "gensim":
        from gensim.matutils import Sparse2Corpus

        th = np.zeros((len(keep), k))
        for i, bow in enumerate(Sparse2Corpus(observed[keep], documents_columns=False)):
            for t, v in est.get_document_topics(bow, minimum_probability=0.0):
                th[i, t] = v
    else:
        th = m.transform(observed[keep])
    infer_s = time.perf_counter() - t1
    perp = T._completion_score(th, phi, scored[keep])
    res = dict(corpus=corpus, engine=engine, k=k, seed=seed, iterations=ITER[engine], wall_s=wall, cpu_s=cpu,
               rss_mb=rss / 1024, rss_before_mb=rss_before / 1024, npmi=float(npmi.mean()),
               npmi_topics=[float(x) for x in npmi], diversity=T.topic_diversity(ids),
               completion_perplexity=perp, completion_clauses=int(len(keep)), infer_s=infer_s,
               load=os.getloadavg()[0])
    if engine in ("sklearn", "sample-sklearn"):  # sklearn's own held-out bound on the whole held-out clauses (not comparable)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            res["sklearn_perplexity"] = float(m.estimator.perplexity(dtm[test]))
    stem = OUT / f"{corpus}__{engine}__k{k}__s{seed}"
    np.save(f"{stem}.phi.npy", phi)
    Path(f"{stem}.json").write_text(json.dumps(res))
    print(json.dumps({x: res[x] for x in ("corpus", "engine", "k", "seed", "wall_s", "cpu_s", "rss_mb", "npmi",
                                           "diversity", "completion_perplexity")}), flush=True)


def run(plan):
    for corpus, engine, k, seed in PLANS[plan]:
        stem = OUT / f"{corpus}__{engine}__k{k}__s{seed}"
        if Path(f"{stem}.json").exists() or Path(f"{stem}.running").exists():
            continue
        Path(f"{stem}.running").write_text(str(os.getpid()))
        try:
            subprocess.run([sys.executable, __file__, "fit", corpus, engine, str(k), str(seed)], check=True)
        finally:
            Path(f"{stem}.running").unlink()


def _stability(phis):
    from scipy.optimize import linear_sum_assignment

    from analysis.text.topics import _cosine

    out = []
    for a, b in itertools.combinations(phis, 2):
        sim = _cosine(a, b)
        r, c = linear_sum_assignment(-sim)
        out.append(sim[r, c])
    return out


def _perp(s):
    fin = s[np.isfinite(s)]
    if len(fin) == len(s):
        return f"{s.mean():,.0f}"
    return (f"{fin.mean():,.0f} ({len(fin)} of {len(s)} seeds)" if len(fin) else "n/a") + " ¹"


def report():
    import pandas as pd

    from tests.benchmarks.machine import cpu_name

    rows = [json.loads(p.read_text()) for p in sorted(OUT.glob("*__*.json"))]
    df = pd.DataFrame(rows)
    corpora = {c: json.loads((OUT / f"{c}.json").read_text()) for c in ("cited", "national-sample", "national")
               if (OUT / f"{c}.json").exists()}
    lines = ["# Topic engines at the notebooks' and the national corpus's scale", "",
             f"Written by `tests/benchmarks/bench_topic_engines.py report` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
             f" from fits run {time.strftime('%Y-%m-%d', time.gmtime())}; CPU {cpu_name()}, 2 cores shared with the "
             "lead and up to 6 other sessions, every fit under `nice -n 15` in its own process (wall seconds are "
             "noisy; CPU seconds are the fairer cost). Load average (1 min) at the end of each fit: "
             f"{df.load.min():.1f}–{df.load.max():.1f}.", "",
             "Corpora (clauses with at least one term; 80 % train / 20 % held out, the same split for every fit):", ""]
    for c, m in corpora.items():
        lines.append(f"- `{c}`: {m['clauses']:,} clauses (of {m['clauses_in']:,}), {m['terms']:,} terms, "
                     f"{m['tokens']:,} tokens; train {m['train']:,}, held out {m['test']:,}.")
    lines += ["", "Cells are means over seeds (min–max in brackets); seeds 20221130, 1, 2 unless `n` says otherwise. "
              "`stability` = matched topic cosine between two seeds of the same engine, mean over topics and seed "
              "pairs (min over pairs in brackets) — the noise floor of that engine. `perplexity` = document-completion "
              "perplexity on the held-out clauses (comparable across engines, lower is better).", ""]
    lines += ["| corpus | K | engine | n | NPMI | diversity | stability | perplexity | fit wall s | CPU s | peak RSS MB |",
              "|---|---:|---|---:|---|---|---|---:|---:|---:|---:|"]
    label = {"sklearn": "scikit-learn batch VB, 50 it.", "sklearn15": "scikit-learn batch VB, 15 it. (notebook 05)",
             "tomotopy": "tomotopy Gibbs, 1,000 sweeps, fixed priors (the engine)",
             "online-lda": "Dask path now: online LDA, 1 pass (pipeline defaults)",
             "sample-tomotopy": "Dask path `lda-sample`: tomotopy on a 20,000-clause sample",
             "sample-sklearn": "Dask path `lda-sample`, engine sklearn: batch VB on a 20,000-clause sample",
             "tomotopy-opt": "tomotopy Gibbs, 1,000 sweeps, alpha re-estimated (tomotopy's default)", "gensim": "gensim LdaModel, 10 passes"}

    def rng(s, f="{:.3f}"):
        return f.format(s.mean()) + (f" ({f.format(s.min())}–{f.format(s.max())})" if len(s) > 1 else "")

    order = {"cited": 0, "national-sample": 1, "national": 2}
    for (c, k, e), g in sorted(df.groupby(["corpus", "k", "engine"]), key=lambda x: (order[x[0][0]], x[0][1], x[0][2])):
        stab = "—"
        if len(g) > 1:
            phis = [np.load(OUT / f"{c}__{e}__k{k}__s{s}.phi.npy") for s in g.seed]
            pairs = _stability(phis)
            means = np.array([p.mean() for p in pairs])
            stab = f"{means.mean():.2f} ({means.min():.2f})"
        lines.append(f"| {c} | {k} | {label[e]} | {len(g)} | {rng(g.npmi)} | {rng(g.diversity, '{:.2f}')} | {stab} | "
                     f"{_perp(g.completion_perplexity)} | {g.wall_s.mean():.1f} | {g.cpu_s.mean():.1f} | "
                     f"{g.rss_mb.max():.0f} |")
    if not np.isfinite(df.completion_perplexity).all():
        lines += ["", "¹ Fits run before the engine gave terms outside the fitted clauses the prior's weight (they had "
                  "weight 0, so held-out clauses using them had probability 0): perplexity infinite, left out; "
                  "their topics and NPMI are unaffected (such terms were never among a topic's top terms)."]
    # cross-engine agreement: matched cosine between engines (first seed of each)
    lines += ["", "Agreement between engines (matched topic cosine, seed 20221130 of each; compare with the "
              "stability column):", "", "| corpus | K | engines | matched cosine (mean over topics) | lowest topic |",
              "|---|---:|---|---:|---:|"]
    for (c, k), g in sorted(df[df.seed == SEED].groupby(["corpus", "k"]), key=lambda x: (order[x[0][0]], x[0][1])):
        es = sorted(g.engine)
        for a, b in itertools.combinations(es, 2):
            pa = np.load(OUT / f"{c}__{a}__k{k}__s{SEED}.phi.npy")
            pb = np.load(OUT / f"{c}__{b}__k{k}__s{SEED}.phi.npy")
            m = _stability([pa, pb])[0]
            lines.append(f"| {c} | {k} | {a} vs {b} | {m.mean():.2f} | {m.min():.2f} |")
    if "sklearn_perplexity" in df:
        s = df.dropna(subset=["sklearn_perplexity"])
        lines += ["", "scikit-learn's own held-out perplexity (its variational bound on whole held-out clauses; "
                  "tomotopy's `infer` log-likelihood is a joint likelihood of a Gibbs state, not the same quantity, "
                  "so neither engine's own figure is compared with the other's): "
                  + "; ".join(f"{c} K={k}: {g.sklearn_perplexity.mean():,.0f}"
                              for (c, k), g in s.groupby(["corpus", "k"]))]
    MD.write_text("\n".join(lines) + "\n" + NOTES)
    print("\n".join(lines))


NOTES = """
### Findings

- **tomotopy holds its lead at every scale measured**, above scikit-learn's seed range everywhere except the cited
  texts at K = 10, where scikit-learn's best seed (0.2006) meets tomotopy's worst (0.2009). Cited texts (the notebooks' corpus):
  NPMI 0.203 / 0.209 (K = 10 / 20) against 0.180 / 0.136 for scikit-learn at 50 iterations and 0.171 / 0.121 at
  notebook 05's 15; tomotopy's three seeds lie within 0.198–0.216, scikit-learn's spread over 0.083–0.201. National
  sample: 0.175 / 0.162 against 0.138 / 0.078. Diversity is higher on the cited texts (0.84 / 0.72 against 0.78 / 0.68), a little lower
  on the national sample (0.85 / 0.82 against 0.87 / 0.86). Held-out document-completion perplexity is lower everywhere (e.g. 1,051 against
  1,369, sample, K = 20). CPU per fit is a third to a quarter (1.0–1.2 s against 3.9–4.1 s on the cited texts; 17–19 s
  against 56–57 s on the sample), peak memory a little lower.
- **Stability.** Two seeds of tomotopy agree at matched cosine 0.71–0.80, two of scikit-learn at 0.52–0.64: the
  Gibbs fit's noise floor is higher, so a topic found once is more likely to be found again.
- **The engines find partly different topics** (matched cosine between them 0.55–0.69, below either noise floor),
  so switching notebook 05 is a change of results, not a speed-up: its K choice and labels would have to be
  re-read.
- **Whole national corpus**, tomotopy, one seed: NPMI 0.196 / 0.190 (K = 10 / 20), perplexity 1,283 / 1,069,
  165 / 186 CPU s, peak 0.38 GB.
- **The Dask path.** Online LDA as the pipeline streams it: NPMI 0.088 / 0.075, seed-to-seed cosine 0.37 / 0.32,
  perplexity 2,436 / 2,548 — topics far less coherent than any batch fit. The `lda-sample` model (tomotopy on the
  pipeline's 20,000-clause sample, 25 CPU s): NPMI 0.177 / 0.181, seed ranges 0.168–0.193 / 0.162–0.193; the
  whole-corpus batch fit's 0.190 lies inside the K = 20 range, its 0.196 just above the K = 10 range (one seed of
  the whole-corpus fit, whose own spread is not measured) — the batch NPMI within seed noise at K = 20, within 0.003 of
  it at K = 10; matched cosine with that fit 0.81 / 0.73, above the sample fits' own seed-to-seed 0.71 / 0.65
  (online LDA: 0.50 / 0.43).
- **Fixed priors cost some coherence**: tomotopy's re-estimated alpha gives 0.224 / 0.230 on the cited texts against
  0.203 / 0.209; the engine keeps them fixed for identical results on every CPU (below).

### What was run, and what was not

- Every fit ran in a fresh process under `nice -n 15` (up to five of them at a time) on a machine whose load average
  was 6–28 (other sessions' notebooks, tests and builds): wall seconds are 3–25× the CPU seconds and say nothing
  about the engines; compare the CPU column.
- `national` (all 144,549 clauses) was fitted once per engine where it finished: scikit-learn's batch fit of the whole
  national corpus (about 1,000 CPU s by the sample's rate) could not be run before the deadline at that share and
  was stopped; its place is taken by the 3-seed panel on the seeded 20,000-clause sample (`national-sample`, its own
  vocabulary). Rows with `n` below 3 are seeds that had not finished.
- The `national` rows marked *Dask path* are the distributed pipeline's topic models computed in memory on the
  same matrix (the tests show the Dask path equals these in-memory fits: online LDA in tests/test_pipeline.py,
  `lda-sample` in tests/test_topics_stream.py): partitions = 45 equal slices of the training clauses in corpus order.
- Iteration budgets are each engine's own defaults, not equivalent work: 50 EM iterations of variational Bayes
  against 1,000 Gibbs sweeps.
- Priors differ: scikit-learn 1/K for topics and terms; tomotopy 0.1 and 0.01. The engine holds them fixed; the
  `tomotopy-opt` rows show what tomotopy's own re-estimation of alpha would add — it is off because it computes in
  the float precision of the instruction set tomotopy dispatches to, which changed the clause-topic shares between
  AVX-512, AVX2 and SSE2 builds on this CPU (with fixed priors all three give identical bytes; tested).
- gensim is not installed in the project's environment and was not run here (the issue's single-seed figure:
  NPMI 0.037 at K = 20 on a 20,000-clause sample).
"""


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prep")
    r = sub.add_parser("run")
    r.add_argument("--plan", choices=sorted(PLANS), required=True)
    f = sub.add_parser("fit")
    f.add_argument("corpus")
    f.add_argument("engine")
    f.add_argument("k", type=int)
    f.add_argument("seed", type=int)
    sub.add_parser("report")
    a = ap.parse_args()
    if a.cmd == "prep":
        prep()
    elif a.cmd == "run":
        run(a.plan)
    elif a.cmd == "fit":
        fit_one(a.corpus, a.engine, a.k, a.seed)
    else:
        report()


if __name__ == "__main__":
    main()
