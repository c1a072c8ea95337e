"""Benchmark of the distributed text-reuse search (writes tests/benchmarks/distributed_reuse.md).

Run:  .venv/bin/python tests/benchmarks/bench_distributed_reuse.py [--scales 1 4] [--workers 1 2]
      [--one-worker-scales 1] [--no-memory]

What runs: ``analysis.distributed.run_reuse(source, "national")`` — the national target (1,512 texts) read and
indexed once on a worker, then every source partition (2 MB of text) matched against it — on LocalClusters of
1 and 2 worker processes (1 thread each); and, for comparison, the in-memory
``analysis.text.reuse.find_reuse`` of the same source in a process of its own (its peak memory is its own).

Sources:
* local ×1 — ``"local"``: ``data/raw/lawrefbook-local.tar.xz`` read lazily with the doc_ids of
  ``load_corpus("local")``; its pair table is checked against the committed ``data/processed/reuse_pairs.csv``;
* local ×k — the archive's texts written k times into one plain ``.tar`` by ``bench_distributed.replicate``
  (copy r ≥ 1 has ``〔r〕`` appended to every non-blank line; the digit survives normalisation, so the copies'
  shingles differ from the original's at every line end). The replicated tar also holds the 7 ``_index.md``
  stubs per copy (a few lines each).

Peak memory per worker is the worker process's maximum resident set size (``getrusage``), reported by the
partition tasks (so it includes the target index the worker holds).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_distributed import replicate   # tests/benchmarks (scripts run with this folder on sys.path)
from machine import cpu_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
LOCAL = ROOT / "data" / "raw" / "lawrefbook-local.tar.xz"


def in_memory(source: str) -> dict:
    """find_reuse of a source (``local`` or a tar path) against national, in this process."""
    import pandas as pd

    from analysis.distributed import list_partitions, read_partition
    from analysis.text import reuse
    from analysis.corpus.corpora import load_clauses, load_corpus, national_corpus

    t0 = time.perf_counter()
    if source == "local":
        src = load_corpus("local")
    else:
        src = pd.concat([read_partition(p) for p in list_partitions(source)], ignore_index=True)
    nat = national_corpus()
    lc, nc = load_clauses(src), load_clauses(nat)
    pairs = reuse.find_reuse(lc, dict(zip(src["doc_id"], src["text"])), nc, dict(zip(nat["doc_id"], nat["text"])),
                             dict(zip(nat["doc_id"], nat["title"])))
    return dict(seconds=time.perf_counter() - t0, pairs=len(pairs),
                peak_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9)


def distributed(source: str, workers: int, check: bool) -> dict:
    from analysis.distributed import cluster, run_reuse
    from analysis.text import reuse
    from analysis.tables import csv_bytes, table_path

    t0 = time.perf_counter()
    with cluster(n_workers=workers, dashboard=False, stream=None) as client:
        t_start = time.perf_counter() - t0
        res = run_reuse(source, "national", client=client, progress=False)
    p = res.partitions
    out = dict(workers=workers, partitions=len(p), docs=int(p["n_docs"].sum()), chars=int(p["n_chars"].sum()),
               units=int(p["n_units"].sum()), target_units=res.target_units, pairs=len(res.pairs),
               cluster_s=t_start, run_s=res.seconds, target_s=res.pass_seconds["target"],
               partitions_s=res.pass_seconds["partitions"], combine_s=res.pass_seconds["combine"],
               task_s=float(p["seconds"].sum()), max_part_chars=int(p["n_chars"].max()),
               peak_worker_gb=float(p.groupby("worker")["peak_rss"].max().max()) / 1e9,
               client_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9)
    if check:
        built = reuse.stored_pairs(res.pairs).drop(columns=["target_title", "coverage_source"])
        out["equals_committed"] = csv_bytes(built) == table_path("reuse_pairs").read_bytes()
    return out


def _sub(args: list[str]) -> dict:
    """Run this script's --one mode in a fresh process; its last stdout line is the JSON result."""
    run = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True, text=True, cwd=ROOT)
    if run.returncode:
        raise RuntimeError(run.stderr[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def main(scales, workers, one_worker_scales, memory: bool) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="bench-reuse-"))
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    lines = [f"Machine: {cpu_name()}, {os.cpu_count()} cores, shared with other jobs (the load column says how busy "
             f"it was). `uptime` at start: {up}\n"]
    rows = []
    for k in scales:
        if k == 1:
            source, label = "local", "local ×1 (`\"local\"`)"
        else:
            source, _ = replicate(LOCAL, k, tmp / f"local-{k}.tar")
            source, label = str(source), f"local ×{k} (replicated tar)"
        for w in workers:
            if w == 1 and len(workers) > 1 and k not in one_worker_scales:
                continue
            load = os.getloadavg()[0]
            r = _sub(["dist", source, str(w), "1" if k == 1 else "0"])
            r.update(label=label, k=k, load=load, load_after=os.getloadavg()[0])
            rows.append(r)
            print(f"{label}: {w} worker(s) {r['run_s']:.1f} s, peak/worker {r['peak_worker_gb']:.2f} GB, "
                  f"{r['pairs']:,} pairs, load {load:.1f}", flush=True)
        if memory:
            load = os.getloadavg()[0]
            m = _sub(["mem", source])
            m.update(label=label, k=k, load=load, load_after=os.getloadavg()[0])
            rows.append(dict(m, workers=0))
            print(f"{label}: in memory {m['seconds']:.1f} s, peak {m['peak_gb']:.2f} GB, load {load:.1f}", flush=True)
    lines.append("| source | run | partitions | documents | characters | source units | pairs | wall s | "
                 "target ready s | partitions s | task-s | peak memory per worker GB | load (1 min) before → after |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if r["workers"]:
            lines.append(f"| {r['label']} | Dask, {r['workers']} worker(s) | {r['partitions']} | {r['docs']:,} | "
                         f"{r['chars']:,} | {r['units']:,} | {r['pairs']:,} | {r['run_s']:.1f} | {r['target_s']:.1f} | "
                         f"{r['partitions_s']:.1f} | {r['task_s']:.1f} | {r['peak_worker_gb']:.2f} | "
                         f"{r['load']:.1f} → {r['load_after']:.1f} |")
        else:
            lines.append(f"| {r['label']} | in memory (`find_reuse`, one process) | | | | | {r['pairs']:,} | "
                         f"{r['seconds']:.1f} | | | | {r['peak_gb']:.2f} (the process) | "
                         f"{r['load']:.1f} → {r['load_after']:.1f} |")
    d = [r for r in rows if r["workers"]]
    checked = [r for r in d if "equals_committed" in r]
    lines.append("")
    lines.append(f"National target: {d[0]['target_units']:,} units (≥ 5 normalised characters), prepared once per run "
                 "on a worker; *target ready s* is from the first partition listed until the target index exists "
                 "(reading and segmenting the national archive, units, shingles), *partitions s* the rest until every "
                 "partition's pairs are back; *wall s* excludes the cluster start "
                 f"({min(r['cluster_s'] for r in d):.1f}–{max(r['cluster_s'] for r in d):.1f} s). *task-s* is the sum "
                 "of the partition tasks' own times. The in-memory row includes reading the corpora and clause "
                 f"segmentation, as the distributed runs do. The client process peaked at "
                 f"{max(r['client_gb'] for r in d):.2f} GB.")
    if checked:
        lines.append("The local ×1 pair table, without the three columns the build does not store, is "
                     + ("byte-identical to" if all(r["equals_committed"] for r in checked) else "**different from**")
                     + " the committed `data/processed/reuse_pairs.csv` in every run.")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        mode, source = sys.argv[2], sys.argv[3]
        res = distributed(source, int(sys.argv[4]), sys.argv[5] == "1") if mode == "dist" else in_memory(source)
        print(json.dumps(res))
        sys.exit(0)
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--one-worker-scales", type=int, nargs="+", default=[1])
    ap.add_argument("--no-memory", action="store_true", help="skip the in-memory comparison runs")
    args = ap.parse_args()
    t0 = time.perf_counter()
    body = main(args.scales, args.workers, tuple(args.one_worker_scales), not args.no_memory)
    out = Path(__file__).with_name("distributed_reuse.md")
    out.write_text("# Distributed text reuse (Dask LocalCluster)\n\nWritten by `tests/benchmarks/bench_distributed_reuse.py "
                   f"{' '.join(sys.argv[1:])}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
                   f"({time.perf_counter() - t0:.0f} s in all).\n\n{body}\n", encoding="utf-8")
    print(body)
