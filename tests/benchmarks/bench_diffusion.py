"""Benchmark of local × local text reuse for diffusion (writes tests/benchmarks/diffusion.md).

Run:  .venv/bin/python tests/benchmarks/bench_diffusion.py [--modes mem1 mem2 dask2]

What runs, each in a fresh process:
* ``mem1`` / ``mem2`` — in memory: the newest versions of the 1,911 local regulations (``diffusion.latest_local``),
  the target prepared (``diffusion.local_target``), ``diffusion.local_pairs`` with ``n_jobs`` 1 or 2 (fork), then
  ``diffusion.diffusion_pairs`` against the committed ``reuse_pairs``. Peak memory: the process's maximum resident
  set, and its children's (the forked workers; ``getrusage``).
* ``dask2`` — ``analysis.distributed.run_reuse`` on a LocalCluster of 2 worker processes with the same corpus as
  source (partitions) and target (a DataFrame, titles keyed ``<province>/<title>`` as ``local_titles`` keys them).
  Peak memory per worker as the partition tasks report it.

Every run prints the sha256 of its pair table (CSV bytes); equal hashes = equal tables.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from machine import cpu_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _digest(pairs) -> str:
    from analysis.tables import csv_bytes

    return hashlib.sha256(csv_bytes(pairs)).hexdigest()[:16]


def run(mode: str) -> dict:
    from analysis.text import diffusion as D

    t0 = time.perf_counter()
    latest = D.latest_local()
    t_read = time.perf_counter() - t0
    if mode.startswith("mem"):
        n_jobs = int(mode[3:])
        t1 = time.perf_counter()
        target = D.local_target(latest)
        t_target = time.perf_counter() - t1
        pairs = D.local_pairs(latest, target=target, n_jobs=n_jobs)
        t_pairs = time.perf_counter() - t1 - t_target
        out = dict(mode=mode, docs=len(latest), target_units=len(target.units), pairs=len(pairs), read_s=t_read,
                   target_s=t_target, pairs_s=t_pairs)
    else:
        from analysis.distributed import cluster, run_reuse

        workers = int(mode[4:])
        tgt = latest.assign(title=latest["province"] + "/" + latest["title"])[["doc_id", "title", "text"]]
        with cluster(n_workers=workers, dashboard=False, stream=None) as client:
            t1 = time.perf_counter()
            res = run_reuse(latest[["doc_id", "text"]], tgt, client=client, progress=False)
        pairs = res.pairs
        p = res.partitions
        out = dict(mode=mode, docs=len(latest), target_units=res.target_units, pairs=len(pairs), read_s=t_read,
                   target_s=res.pass_seconds["target"], pairs_s=res.pass_seconds["partitions"] +
                   res.pass_seconds["combine"], partitions=len(p),
                   peak_worker_gb=float(p.groupby("worker")["peak_rss"].max().max()) / 1e9)
        t_target = 0.0
    t2 = time.perf_counter()
    from analysis.corpus.local import local_documents
    from analysis.tables import load_table

    nat = load_table("reuse_pairs", typed=False)
    table, _ = D.diffusion_pairs(pairs, local_documents(), nat, D._national_titles(set(nat["target_doc"])))
    out.update(classify_s=time.perf_counter() - t2, total_s=time.perf_counter() - t0, digest=_digest(pairs),
               table_digest=_digest(table), diffusion_pairs=int((table["category"] == "diffusion").sum()),
               peak_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9,
               children_peak_gb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e9)
    return out


def main(modes) -> str:
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    lines = [f"Machine: {cpu_name()}, {os.cpu_count()} cores, shared with other jobs. `uptime` at start: {up}\n",
             "| run | documents | target units | detector pairs | read s | target s | pairs s | classify s | total s | "
             "peak GB (process) | peak GB (children / per worker) | pairs sha256 | table sha256 | load before → after |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    rows = []
    for m in modes:
        load = os.getloadavg()[0]
        r = subprocess.run([sys.executable, __file__, "--one", m], capture_output=True, text=True, cwd=ROOT)
        if r.returncode:
            raise RuntimeError(r.stderr[-3000:])
        d = json.loads(r.stdout.strip().splitlines()[-1])
        d.update(load=load, load_after=os.getloadavg()[0])
        rows.append(d)
        print(d, flush=True)
        side = d.get("peak_worker_gb", d["children_peak_gb"])
        label = {"mem1": "in memory, 1 process", "mem2": "in memory, 2 processes (fork)"}.get(m, f"Dask, {m[4:]} workers")
        lines.append(f"| {label} | {d['docs']:,} | {d['target_units']:,} | {d['pairs']:,} | {d['read_s']:.1f} | "
                     f"{d['target_s']:.1f} | {d['pairs_s']:.1f} | {d['classify_s']:.1f} | {d['total_s']:.1f} | "
                     f"{d['peak_gb']:.2f} | {side:.2f} | `{d['digest']}` | `{d['table_digest']}` | "
                     f"{d['load']:.1f} → {d['load_after']:.1f} |")
    same = len({r["digest"] for r in rows}) == 1 and len({r["table_digest"] for r in rows}) == 1
    lines.append("")
    lines.append("Equal pair tables and diffusion tables in every run: " + ("**yes**" if same else "**NO**") + ".")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(run(sys.argv[2])))
        sys.exit(0)
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", nargs="+", default=["mem1", "mem2", "dask2"])
    args = ap.parse_args()
    t0 = time.perf_counter()
    body = main(args.modes)
    out = Path(__file__).with_name("diffusion.md")
    prev = out.read_text(encoding="utf-8").split("\n## Notes", 1) if out.is_file() else ["", ""]
    notes = "\n## Notes" + prev[1] if len(prev) > 1 else ""
    out.write_text("# Local × local text reuse (diffusion)\n\nWritten by `tests/benchmarks/bench_diffusion.py "
                   f"{' '.join(sys.argv[1:])}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
                   f"({time.perf_counter() - t0:.0f} s in all).\n\n{body}\n{notes}", encoding="utf-8")
    print(body)
