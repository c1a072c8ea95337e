"""Benchmark of the topic-model K-selection panel (run by hand, not by pytest).

    cd /work/main && taskset -c 0,1 env OMP_NUM_THREADS=2 PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_topics.py

Corpus: the 13 cited texts split into clauses by analysis.corpus.load_clauses("cited") (1×);
2× and 4× add clauses of the LawRefBook national-law corpus (seeded random draw), so larger
sizes are real, different text rather than copies. Tokens: analysis.segment.tokenize_series
(stopwords-iso general list, numbers dropped). DTM: min_df=3, max_df=0.5. Results go to stdout as Markdown.
"""
from __future__ import annotations

import os
import platform
import time

import numpy as np
import pandas as pd

from analysis import corpus, segment
from analysis import topics as T

SEED = 20221130


def md(df: pd.DataFrame) -> str:
    """Markdown table without the optional tabulate dependency."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def clause_tokens(n_factor: int, cited: pd.DataFrame, extra: pd.DataFrame):
    n = len(cited) * n_factor
    texts = pd.concat([cited.text, extra.text.iloc[: n - len(cited)]], ignore_index=True)
    t0 = time.perf_counter()
    toks = segment.tokenize_series(texts, stop="general", cache=True)
    return list(toks), time.perf_counter() - t0


def main():
    cited = corpus.load_clauses("cited")
    nat = corpus.national_corpus()
    rng = np.random.default_rng(SEED)
    pick = nat.iloc[np.sort(rng.choice(len(nat), size=min(len(nat), 200), replace=False))]
    extra = corpus.load_clauses(pick)
    extra = extra[extra.n_chars >= 12].sample(frac=1.0, random_state=SEED)
    print(f"python {platform.python_version()}, cores visible: {len(os.sched_getaffinity(0))}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    print(f"cited clauses: {len(cited)}; extra national clauses available: {len(extra)}\n")
    results = []
    for factor in (1, 2, 4):
        toks, seg_s = clause_tokens(factor, cited, extra)
        dtm, vocab = T.build_dtm(toks, min_df=3, max_df=0.5)
        t0 = time.perf_counter()
        panel = T.k_selection_panel(dtm, vocab, ks=range(4, 21, 2))
        panel_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        m = T.fit_topic_model(dtm, vocab, 10, model="lda")
        final_s = time.perf_counter() - t0
        results.append((factor, dtm.shape[0], dtm.shape[1], int(dtm.sum()), seg_s, panel_s, final_s,
                        panel.loc[panel.model == "lda", "seconds"].sum(),
                        panel.loc[panel.model == "nmf", "seconds"].sum()))
        if factor == 1:
            print("### K-selection panel, 1× (cited clauses)\n")
            print(md(panel.round(4)))
            print("\nLDA k=10 labels (λ=0.6):", "; ".join(T.topic_labels(m, dtm)))
            t0 = time.perf_counter()
            st = T.topic_stability(dtm, vocab, 10, seeds=(SEED, 1, 2, 3, 4))
            print(f"\nStability LDA k=10, 5 seeds: mean best-match cosine {st.cosine.mean():.3f}, "
                  f"per-topic min {T.summarise_stability(st).mean_cosine.min():.3f} "
                  f"({time.perf_counter() - t0:.1f} s)\n")
    res = pd.DataFrame(results, columns=["factor", "clauses", "terms", "tokens", "tokenize_s", "panel_s",
                                         "final_lda_k10_s", "panel_lda_s", "panel_nmf_s"])
    print("### Growth\n")
    print(md(res.round(2)))


if __name__ == "__main__":
    main()
