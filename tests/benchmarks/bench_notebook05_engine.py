"""Notebook 05's topic-model work with each LDA engine, on the same machine in one run (writes
tests/benchmarks/notebook05_engine.md).

Corpus and matrix exactly as notebook 05 (the 13 cited texts' clauses, ``tokenize_series(stop=("general",
"policy"))``, ``build_dtm(min_df=3, max_df=0.5)``). Two configurations of the notebook's fits:

- ``before``: scikit-learn's batch LDA at 15 EM iterations (what the notebook ran until it switched): NMF panel at
  every even K 4–20, LDA panel at K = 6, 8, 10, 12 on the seeded 80 % and on all clauses, the final K = 8 model and
  two more seeds for stability;
- ``after``: tomotopy (``engine="tomotopy"``, 1,000 Gibbs sweeps): the same NMF panel, LDA panel at every even K
  4–20 on the seeded 80 % and on all clauses, the final K = 12 model and two more seeds.

Each part is timed in CPU seconds of this process (``time.process_time``; every fit is single-threaded) and in wall
seconds; the machine is shared, so CPU seconds are the fair comparison. The per-fit mean is over the LDA fits of
the part. Run: ``nice -n 10 .venv/bin/python tests/benchmarks/bench_notebook05_engine.py``.
"""
from __future__ import annotations

import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import analysis
from analysis.text import topics as T
from analysis.text.tokens import tokenize_series

OUT = Path(__file__).with_name("notebook05_engine.md")
SEED = analysis.SEED
CONFIGS = {
    "before": dict(engine="sklearn", max_iter=15, split_ks=(6, 8, 10, 12), all_ks=(6, 8, 10, 12), k=8),
    "after": dict(engine="tomotopy", max_iter=None, split_ks=tuple(range(4, 21, 2)), all_ks=tuple(range(4, 21, 2)),
                  k=12),
}


def timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def run(name, cfg, dtm, vocab):
    kw = dict(random_state=SEED, engine=cfg["engine"], max_iter=cfg["max_iter"])
    rows = []
    _, c, w = timed(lambda: T.k_selection_panel(dtm, vocab, ks=range(4, 21, 2), models=("nmf",), random_state=SEED))
    rows.append(("NMF panel, K = 4–20 (scikit-learn)", 9, 0, c, w))
    _, c, w = timed(lambda: T.k_selection_panel(dtm, vocab, ks=cfg["split_ks"], models=("lda",), **kw))
    rows.append((f"LDA panel, seeded 80 %, K = {cfg['split_ks'][0]}–{cfg['split_ks'][-1]}", len(cfg["split_ks"]),
                 len(cfg["split_ks"]), c, w))
    _, c, w = timed(lambda: T.k_selection_panel(dtm, vocab, ks=cfg["all_ks"], models=("lda",), heldout_fraction=0, **kw))
    rows.append((f"LDA panel, all clauses, K = {cfg['all_ks'][0]}–{cfg['all_ks'][-1]}", len(cfg["all_ks"]),
                 len(cfg["all_ks"]), c, w))
    model, c, w = timed(lambda: T.fit_topic_model(dtm, vocab, cfg["k"], model="lda", **kw))
    rows.append((f"final model, K = {cfg['k']}", 1, 1, c, w))
    _, c, w = timed(lambda: T.topic_stability(dtm, vocab, cfg["k"], seeds=(SEED, 1, 2), reference=model,
                                              engine=cfg["engine"], max_iter=cfg["max_iter"]))
    rows.append(("stability, two more seeds", 2, 2, c, w))
    return rows


def main():
    analysis.setup()
    clauses = analysis.load_clauses(analysis.cited_texts())
    dtm, vocab = T.build_dtm(tokenize_series(clauses["text"], stop=("general", "policy")), min_df=3, max_df=0.5)
    results = {name: run(name, cfg, dtm, vocab) for name, cfg in CONFIGS.items()}
    load = os.getloadavg()[0]
    lines = ["# Notebook 05's topic models: scikit-learn (before) against tomotopy (after)", "",
             f"Written by `tests/benchmarks/bench_notebook05_engine.py` on "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores shared with other sessions (load average at the end {load:.1f}). "
             f"{dtm.shape[0]:,} clauses, {dtm.shape[1]:,} terms. CPU seconds of this process (every fit in one "
             f"thread); wall seconds depend on the machine's load.", ""]
    for name, rows in results.items():
        cfg = CONFIGS[name]
        engine = ("scikit-learn batch LDA, 15 EM iterations" if cfg["engine"] == "sklearn"
                  else "tomotopy, 1,000 Gibbs sweeps")
        lines += [f"## {name}: {engine}", "", "| part | fits | LDA fits | CPU s | wall s |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {p} | {n} | {n_lda} | {c:.1f} | {w:.1f} |" for p, n, n_lda, c, w in rows]
        lda = [(c, n_lda) for _, _, n_lda, c, _ in rows[1:]]
        cpu_lda, n_lda = sum(c for c, _ in lda), sum(n for _, n in lda)
        total_c, total_w = sum(r[3] for r in rows), sum(r[4] for r in rows)
        lines += [f"| **all** | {sum(r[1] for r in rows)} | {n_lda} | **{total_c:.1f}** | {total_w:.1f} |", "",
                  f"LDA: {cpu_lda:.1f} CPU s for {n_lda} fits, {cpu_lda / n_lda:.2f} s per fit (with its diagnostics).",
                  ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
