"""Benchmark of the topic models of notebook 05 (run by hand, not by pytest).

    cd /work/main && taskset -c 0,1 env OMP_NUM_THREADS=2 PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_topics.py

Corpus: the 13 cited texts split into clauses by ``analysis.load_clauses(analysis.cited_texts())`` (1×);
2× and 4× add clauses of the LawRefBook national-law corpus (seeded random draw), so larger sizes are
real, different text rather than copies. Tokens: ``analysis.text.tokens.tokenize_series`` with the general
(stopwords-iso) and policy-boilerplate (data/curated/stopwords_policy.csv) stopword lists, numbers
dropped. DTM: min_df=3, max_df=0.5. Results go to stdout as Markdown.

Sections
--------
A. LDA EM iterations: models with 10/15/20/30 iterations against the 50-iteration model of the same
   seed (matched cosine of topic-term vectors, top-10 overlap, NPMI), next to the seed-to-seed
   variation at 50 iterations (the noise floor the iteration cut must stay well inside).
B. The full panel (LDA + NMF, K = 4…20 step 2) at 50 iterations, 1×, for reference.
C. The notebook's configuration at 1×/2×/4×: NMF panel at every K, LDA panel at NB_LDA_KS, the final
   LDA fit at K = NB_K and two more seeds for stability (NB_ITER EM iterations throughout).
"""
from __future__ import annotations

import os
import platform
import time

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

import analysis
from analysis.corpus import corpora as corpus
from analysis.text import tokens
from analysis.text import topics as T

SEED = 20221130
STOP = ("general", "policy")
NB_ITER = 15            # LDA EM iterations used in notebooks/05-topics
NB_LDA_KS = (6, 8, 10, 12)
NB_NMF_KS = tuple(range(4, 21, 2))
NB_K = 8
NB_SEEDS = (SEED, 1, 2)


def md(df: pd.DataFrame) -> str:
    """Markdown table without the optional tabulate dependency."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def matched(a: T.TopicModel, b: T.TopicModel, n: int = 10) -> tuple[float, float, float]:
    """Mean and min matched cosine (Hungarian) and mean top-n overlap of b's topics against a's."""
    sim = T._cosine(a.phi, b.phi)
    r, c = linear_sum_assignment(-sim)
    ta, tb = T.top_term_ids(a.phi, n), T.top_term_ids(b.phi, n)
    overlap = np.mean([len(set(ta[i]) & set(tb[j])) / n for i, j in zip(r, c)])
    return float(sim[r, c].mean()), float(sim[r, c].min()), float(overlap)


def npmi(m: T.TopicModel, dtm) -> float:
    return float(np.mean(T.npmi_coherence(T.top_term_ids(m.phi, 10), dtm)))


def section_a(dtm, vocab) -> pd.DataFrame:
    rows = []
    for k in NB_LDA_KS:
        ref = T.fit_topic_model(dtm, vocab, k, model="lda", random_state=SEED, max_iter=50)
        other = T.fit_topic_model(dtm, vocab, k, model="lda", random_state=1, max_iter=50)
        cm, cmin, ov = matched(ref, other)
        rows.append((k, "50 (seed 1 vs seed 20221130)", round(cm, 3), round(cmin, 3), round(ov, 2),
                     round(npmi(other, dtm), 4), round(other.seconds, 2)))
        rows.append((k, "50 (reference)", 1.0, 1.0, 1.0, round(npmi(ref, dtm), 4), round(ref.seconds, 2)))
        for it in (10, 15, 20, 30):
            m = T.fit_topic_model(dtm, vocab, k, model="lda", random_state=SEED, max_iter=it)
            cm, cmin, ov = matched(ref, m)
            rows.append((k, str(it), round(cm, 3), round(cmin, 3), round(ov, 2), round(npmi(m, dtm), 4),
                         round(m.seconds, 2)))
    return pd.DataFrame(rows, columns=["k", "EM iterations", "cosine_mean", "cosine_min", "top10_overlap",
                                       "npmi", "fit_s"])


def notebook_config(dtm, vocab) -> dict:
    t0 = time.perf_counter()
    nmf = T.k_selection_panel(dtm, vocab, ks=NB_NMF_KS, models=("nmf",), random_state=SEED)
    t1 = time.perf_counter()
    lda = T.k_selection_panel(dtm, vocab, ks=NB_LDA_KS, models=("lda",), random_state=SEED, max_iter=NB_ITER)
    t2 = time.perf_counter()
    final = T.fit_topic_model(dtm, vocab, NB_K, model="lda", random_state=SEED, max_iter=NB_ITER)
    t3 = time.perf_counter()
    pairs = T.topic_stability(dtm, vocab, NB_K, model="lda", seeds=NB_SEEDS, max_iter=NB_ITER, reference=final)
    t4 = time.perf_counter()
    return dict(panel=pd.concat([nmf, lda], ignore_index=True), final=final, pairs=pairs,
                nmf_panel_s=t1 - t0, lda_panel_s=t2 - t1, final_s=t3 - t2, stability_s=t4 - t3, total_s=t4 - t0)


def main():
    analysis.setup()
    cited = corpus.load_clauses(corpus.cited_texts())
    nat = corpus.national_corpus()
    rng = np.random.default_rng(SEED)
    pick = nat.iloc[np.sort(rng.choice(len(nat), size=min(len(nat), 200), replace=False))]
    extra = corpus.load_clauses(pick)
    extra = extra[extra.n_chars >= 12].sample(frac=1.0, random_state=SEED)
    print(f"python {platform.python_version()}, cores visible: {len(os.sched_getaffinity(0))}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    print(f"cited clauses: {len(cited)}; extra national clauses available: {len(extra)}; stopwords: {STOP}\n")

    toks = list(tokens.tokenize_series(cited.text, stop=STOP))
    dtm, vocab = T.build_dtm(toks, min_df=3, max_df=0.5)
    print(f"1×: {dtm.shape[0]} clauses, {dtm.shape[1]} terms, {int(dtm.sum())} tokens\n")

    print("### A. LDA EM iterations vs 50 (same seed), 1×\n")
    print(md(section_a(dtm, vocab)))

    print("\n### B. Full panel, LDA 50 EM iterations + NMF, K = 4…20 step 2, 1×\n")
    t0 = time.perf_counter()
    full = T.k_selection_panel(dtm, vocab, ks=range(4, 21, 2))
    print(md(full.round(4)))
    print(f"\nfull panel: {time.perf_counter() - t0:.1f} s\n")

    print(f"### C. Notebook configuration (NMF K={NB_NMF_KS[0]}…{NB_NMF_KS[-1]}, LDA K={NB_LDA_KS} at "
          f"{NB_ITER} EM iterations, final LDA K={NB_K}, stability seeds {NB_SEEDS})\n")
    results = []
    for factor in (1, 2, 4):
        n = len(cited) * factor
        texts = pd.concat([cited.text, extra.text.iloc[: n - len(cited)]], ignore_index=True)
        t0 = time.perf_counter()
        toks = list(tokens.tokenize_series(texts, stop=STOP))
        seg_s = time.perf_counter() - t0
        dtm_f, vocab_f = T.build_dtm(toks, min_df=3, max_df=0.5)
        r = notebook_config(dtm_f, vocab_f)
        if factor == 1:
            print(md(r["panel"].round(4)))
            print("\nLDA K=8 labels (λ=0.6):", "; ".join(T.topic_labels(r["final"], dtm_f)))
            st = T.summarise_stability(r["pairs"])
            print(f"\nStability LDA K={NB_K}, seeds {NB_SEEDS}: mean matched cosine {r['pairs'].cosine.mean():.3f}, "
                  f"weakest topic mean {st.mean_cosine.min():.3f}\n")
            t0 = time.perf_counter()
            p5 = T.topic_stability(dtm_f, vocab_f, NB_K, seeds=(SEED, 1, 2, 3, 4), max_iter=NB_ITER,
                                   reference=r["final"])
            st5 = T.summarise_stability(p5)
            print(f"Stability with 5 seeds (SEED, 1, 2, 3, 4): mean {p5.cosine.mean():.3f}, weakest topic mean "
                  f"{st5.mean_cosine.min():.3f} ({time.perf_counter() - t0:.1f} s)\n")
        results.append((factor, dtm_f.shape[0], dtm_f.shape[1], int(dtm_f.sum()), seg_s, r["nmf_panel_s"],
                        r["lda_panel_s"], r["final_s"], r["stability_s"], r["total_s"]))
    res = pd.DataFrame(results, columns=["factor", "clauses", "terms", "tokens", "tokenize_s", "nmf_panel_s",
                                         "lda_panel_s", "final_lda_s", "stability_2_seeds_s", "models_total_s"])
    print("### Growth (notebook configuration)\n")
    print(md(res.round(2)))


if __name__ == "__main__":
    main()
