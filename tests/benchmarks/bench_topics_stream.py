"""Streamed topic models of the distributed pipeline against the in-memory batch fits (writes topics_stream.md).

Run:  .venv/bin/python tests/benchmarks/bench_topics_stream.py [--files 300] [--k 10]

Corpus: every 5th file of the national-law corpus (first ``--files`` of them, doc_id order), as a folder. The
in-memory models are :func:`analysis.text.topics.fit_topic_model` (batch LDA, 50 iterations; NMF on TF-IDF);
the streamed ones come from :func:`analysis.distributed.run_pipeline` on a 2-worker LocalCluster (online LDA,
``partial_fit`` over the partitions, 1 and 3 passes; MiniBatchNMF). Topics are paired one-to-one by maximal cosine
(Hungarian), as ``topic_stability`` pairs seeds; a Dirichlet(0.1) random topic matrix gives the chance level.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(n_files: int, k: int) -> str:
    import numpy as np

    import analysis
    from analysis.distributed import cluster, matched_cosine, run_pipeline
    from analysis.text import tokens, topics
    from analysis.text.corpus import NATIONAL_TAR

    tmp = Path(tempfile.mkdtemp(prefix="bench-topics-"))
    with tarfile.open(NATIONAL_TAR, "r:xz") as tf:
        files = sorted((m.name, tf.extractfile(m).read()) for m in tf if m.isfile() and m.name.endswith(".md"))
    for name, raw in files[::5][:n_files]:
        p = tmp / name.split("/", 1)[1]
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(raw)
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    clauses = analysis.load_clauses(tmp)
    dtm, vocab = topics.build_dtm(tokens.tokenize_series(clauses["text"]))
    rng = np.random.default_rng(0)
    rows = []
    batch = {}
    for model in ("lda", "nmf"):
        t0 = time.perf_counter()
        batch[model] = topics.fit_topic_model(dtm, vocab, k, model=model)
        batch[model].seconds = time.perf_counter() - t0
    chance = matched_cosine(batch["lda"].phi, rng.dirichlet(np.full(len(vocab), 0.1), size=k))["cosine"].mean()
    with cluster(n_workers=2, dashboard=False, stream=None) as client:
        for model, passes in (("lda", 1), ("lda", 3), ("nmf", 1), ("nmf", 5)):
            res = run_pipeline(tmp, client=client, partition_bytes=500_000, topics=k, topic_model=model,
                               passes=passes, progress=False)
            mc = matched_cosine(batch[model].phi, res.topics.phi)["cosine"]
            rows.append((model, passes, len(res.partitions), res.pass_seconds["topics"], batch[model].seconds,
                         mc.mean(), mc.min()))
    out = [f"`uptime`: {up}\n",
           f"Corpus: {min(n_files, len(files[::5])):,} national-law files, {len(clauses):,} clauses, matrix "
           f"{dtm.shape[0]:,} × {dtm.shape[1]:,}; K = {k}. Chance level (random topics): mean matched cosine "
           f"{chance:.2f}.\n",
           "| model | passes | partitions | streamed fit s | in-memory fit s | mean matched cosine | lowest |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for model, passes, n_parts, ts, tb, mean, low in rows:
        name = "online LDA vs batch LDA" if model == "lda" else "MiniBatchNMF vs NMF"
        out.append(f"| {name} | {passes} | {n_parts} | {ts:.1f} | {tb:.1f} | {mean:.2f} | {low:.2f} |")
    return "\n".join(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--k", type=int, default=10)
    a = ap.parse_args()
    body = main(a.files, a.k)
    Path(__file__).with_name("topics_stream.md").write_text(
        "# Streamed topic models against in-memory fits\n\nWritten by `tests/benchmarks/bench_topics_stream.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n{body}\n", encoding="utf-8")
    print(body)
