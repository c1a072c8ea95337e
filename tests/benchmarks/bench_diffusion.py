"""Benchmark of local × local text reuse for diffusion (writes tests/benchmarks/diffusion.md).

Run:  .venv/bin/python tests/benchmarks/bench_diffusion.py [--modes mem1 mem2 dask2 blocked2 scale4x1 scale4x2 ...]

What runs, each in a fresh process:
* ``mem1`` / ``mem2`` — in memory: the newest versions of the 1,911 local regulations (``diffusion.latest_local``),
  the target prepared (``diffusion.local_target``), ``diffusion.local_pairs`` with ``n_jobs`` 1 or 2 (fork), then
  ``diffusion.diffusion_pairs`` against the committed ``reuse_pairs``. Peak memory: the process's maximum resident
  set, and its children's (the forked workers; ``getrusage``).
* ``dask2`` — ``analysis.distributed.run_reuse`` on a LocalCluster of 2 worker processes with the same corpus as
  source (partitions) and target (a DataFrame, titles keyed ``<province>/<title>`` as ``local_titles`` keys them).
  Peak memory per worker as the partition tasks report it.

* ``blocked2`` — :func:`analysis.distributed.blocked_reuse.run_local_reuse` (blocks of documents, shingle
  statistics by bucket, block pairs; memory per worker set by the block size) on a LocalCluster of 2 worker processes
  (1 thread, ``memory_limit`` 4 GB each), same corpus; the pair table gathered and classified as above. Rows written
  since the chunks (``chunk_rows`` in the JSON) also keep each step's largest per-task peak and CPU.
* ``sampled<s>n<k>`` (``sampled<s>n<k>s``) — the whole corpus of newest local regulations ×``s``
  (``synthetic_local``; ×1 is the real corpus) on the blocked path, 2 workers as above, by
  :func:`analysis.distributed.blocked_reuse.sample_local_reuse`: the statistics steps in full (with the trailing ``s``:
  shingles and buckets in full, block statistics of the sampled blocks only), then ``k`` block-pair tasks drawn
  without replacement by ``numpy.random.default_rng(SAMPLE_SEED)`` and the merges of their rows. Per task: CPU
  (user + system of the worker during the task), peak resident set (sampled every 10 ms), pair rows held. Totals
  extrapolated: block pairs = all tasks × the sample's mean (± the standard error of a simple random sample), merges
  = CPU per row read × the estimated rows, statistics steps as measured.
* ``scale<m>x<s>`` — the blocked path on a synthetic corpus: every ``m``-th of the newest local regulations (in
  ``doc_id`` order) as the base, ``synthetic_local(base, s)`` (the base and ``s - 1`` edited copies as new provinces),
  2 workers as above; pairs counted, not gathered (the synthetic regulations have no national pairs to classify).
  Peak memory per worker: each worker process's maximum resident set at the end (``getrusage`` via ``client.run``);
  CPU: user + system seconds of the worker processes and of the client.

Every run prints the sha256 of its pair table (CSV bytes); equal hashes = equal tables. ``diffusion.md`` is rewritten
after every mode, so a run stopped before its last mode keeps the rows it finished.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _digest(pairs) -> str:
    from analysis.tables import csv_bytes

    return hashlib.sha256(csv_bytes(pairs)).hexdigest()[:16]


WORKER_MEMORY = "4GB"
BLOCK_CHARS = 1_000_000
SAMPLE_SEED = 20261207


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_scale(mode: str) -> dict:
    """``scale<m>x<s>``: the blocked Dask path on ``synthetic_local`` of every m-th newest local regulation, s times."""
    from analysis.distributed import cluster
    from analysis.distributed.blocked_reuse import run_local_reuse, synthetic_local
    from analysis.text import diffusion as D

    m, s = (int(x) for x in mode[5:].split("x"))
    t0 = time.perf_counter()
    base = D.latest_local()
    base = base.iloc[sorted(range(len(base)), key=lambda i: base["doc_id"].iat[i])[::m]].reset_index(drop=True)
    corpus = synthetic_local(base, s)
    titles = D.local_titles(corpus)
    t_make = time.perf_counter() - t0
    cpu0 = _cpu()
    with cluster(n_workers=2, memory_limit=WORKER_MEMORY, dashboard=False, stream=None) as client, \
            tempfile.TemporaryDirectory(prefix="bench_diffusion_") as work:
        res = run_local_reuse(corpus[["doc_id", "text"]], titles, client=client, block_chars=BLOCK_CHARS,
                              work=work, gather=False)
    tasks = res.tasks
    step_peak = tasks.groupby("step")["peak_rss"].max()
    return dict(mode=mode, base_every=m, times=s, docs=len(corpus), chars=int(corpus["text"].str.len().sum()),
                blocks=res.n_blocks, units=int(tasks.loc[tasks["step"] == "shingles", "n_units"].sum()),
                candidates=res.n_candidates, pairs=res.n_pairs, make_s=t_make, wall_s=res.seconds,
                steps={k: round(v, 1) for k, v in res.step_seconds.items()},
                worker_cpu_s=sum(w["cpu_s"] for w in res.workers.values()), client_cpu_s=_cpu() - cpu0,
                worker_peak_gb=[round(w["peak_rss"] / 1e9, 3) for w in res.workers.values()],
                step_peak_gb={k: round(float(v) / 1e9, 3) for k, v in step_peak.items()},
                task_max_s=float(tasks["seconds"].max()), chunk_rows=res.chunk_rows,
                task_peak_gb={k: round(float(v) / 1e9, 3)
                              for k, v in tasks.groupby("step")["task_peak_rss"].max().items()},
                held_rows_max=int(tasks["held_rows"].max()),
                client_peak_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9)


def _est(x, n_all: int) -> tuple[float, float]:
    """Total over ``n_all`` tasks from a simple random sample ``x`` of them (without replacement): n_all × mean, and
    its standard error n_all × sd / sqrt(n) × sqrt(1 - n / n_all)."""
    import numpy as np

    x = np.asarray(x, float)
    n = len(x)
    if n == 0:
        return float("nan"), float("nan")
    se = float(np.std(x, ddof=1) / np.sqrt(n) * np.sqrt(max(0.0, 1 - n / n_all))) if n > 1 else float("nan")
    return float(n_all * x.mean()), n_all * se


def run_sampled(mode: str) -> dict:
    """``sampled<s>n<k>``: the whole corpus of newest local regulations ×s (``synthetic_local``), every statistics step
    run in full on the blocked Dask path, then ``k`` block-pair tasks drawn by ``SAMPLE_SEED`` and their merges;
    totals extrapolated from the sample (``_est``)."""
    import numpy as np

    from analysis.distributed import cluster
    from analysis.distributed.blocked_reuse import CHUNK_ROWS, sample_local_reuse, synthetic_local
    from analysis.text import diffusion as D

    all_stats = not mode.endswith("s")
    s, k = (int(x) for x in mode[7:].rstrip("s").split("n"))
    t0 = time.perf_counter()
    cpu_make = _cpu()
    base = D.latest_local()
    corpus = synthetic_local(base, s) if s > 1 else base
    titles = D.local_titles(corpus)
    t_make, cpu_make = time.perf_counter() - t0, _cpu() - cpu_make
    cpu0 = _cpu()
    with cluster(n_workers=2, memory_limit=WORKER_MEMORY, dashboard=False, stream=None) as client, \
            tempfile.TemporaryDirectory(prefix="bench_diffusion_") as work:
        start = client.run(lambda: __import__("resource").getrusage(0).ru_utime + __import__("resource")
                           .getrusage(0).ru_stime)
        res = sample_local_reuse(corpus[["doc_id", "text"]], titles, client=client, n_pairs=k, seed=SAMPLE_SEED,
                                 block_chars=BLOCK_CHARS, chunk_rows=CHUNK_ROWS, work=work,
                                 all_stats=all_stats)
        disk = sum(f.stat().st_size for f in Path(work).rglob("*") if f.is_file())
    t = res.tasks
    steps = {}
    for name, g in t.groupby("step", sort=False):
        n_all = res.planned[name] if name != "merge" else None
        steps[name] = dict(n=len(g), n_all=n_all, cpu_s=float(g["cpu_s"].sum()), wall_s=float(g["seconds"].sum()),
                           cpu_mean=float(g["cpu_s"].mean()), cpu_max=float(g["cpu_s"].max()),
                           peak_gb_max=float(g["task_peak_rss"].max()) / 1e9,
                           peak_gb_median=float(g["task_peak_rss"].median()) / 1e9,
                           start_gb_max=float(g["start_rss"].max()) / 1e9,
                           held_rows_max=int(g["held_rows"].max()) if "held_rows" in g and g["held_rows"].notna().any()
                           else None)
    bp = t[t["step"] == "block pairs"]
    mg = t[t["step"] == "merge"]
    n_bp = res.planned["block pairs"]
    frac = len(bp) / n_bp
    cand, cand_se = _est(bp["candidates"], n_bp)
    rows, rows_se = _est(bp["confirmed"], n_bp)
    bp_cpu, bp_cpu_se = _est(bp["cpu_s"], n_bp)
    # merges: CPU per row read, times the rows of the whole run (each row is merged once)
    per_row = float(mg["cpu_s"].sum() / max(mg["rows_in"].sum(), 1))
    merge_cpu = per_row * rows
    bs = t[t["step"] == "block stats"]
    bs_cpu, bs_se = _est(bs["cpu_s"], res.n_blocks)        # = the measured sum when every block ran
    stats_cpu = steps["shingles"]["cpu_s"] + steps["buckets"]["cpu_s"] + bs_cpu
    total = stats_cpu + bp_cpu + merge_cpu
    total_se = float(np.sqrt(np.nansum(np.square([bp_cpu_se, per_row * rows_se, bs_se]))))
    code = subprocess.run(["git", "log", "-1", "--format=%h", "--", "analysis/distributed/blocked_reuse.py"],
                          capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return dict(mode=mode, code=code, times=s, sample=k, all_stats=all_stats, seed=SAMPLE_SEED, fraction=frac,
                docs=len(corpus),
                chars=int(corpus["text"].str.len().sum()), blocks=res.n_blocks, block_pair_tasks=n_bp,
                sampled=[list(x) for x in res.planned["sampled block pairs"]], chunk_rows=res.chunk_rows,
                max_unit_rows=res.max_unit_rows, units=int(t.loc[t["step"] == "shingles", "n_units"].sum()),
                make_s=t_make, make_cpu_s=cpu_make, wall_s=res.seconds,
                step_wall_s={a: round(b, 1) for a, b in res.step_seconds.items()}, steps=steps,
                sampled_candidates=res.n_candidates, sampled_pairs=res.n_pairs,
                est_candidates=cand, est_candidates_se=cand_se, est_rows=rows, est_rows_se=rows_se,
                est_block_pairs_cpu_s=bp_cpu, est_block_pairs_cpu_se=bp_cpu_se, merge_cpu_per_row=per_row,
                est_merge_cpu_s=merge_cpu, stats_cpu_s=stats_cpu, est_total_cpu_s=total, est_total_cpu_se=total_se,
                worker_start_cpu_s=sum(start.values()),
                worker_cpu_s=sum(w["cpu_s"] for w in res.workers.values()), client_cpu_s=_cpu() - cpu0,
                worker_peak_gb=[round(w["peak_rss"] / 1e9, 3) for w in res.workers.values()],
                task_peak_gb=float(t["task_peak_rss"].max()) / 1e9, disk_gb=disk / 1e9,
                pair_tasks=bp[["block", "other", "candidates", "confirmed", "chunks", "held_rows", "cpu_s",
                               "load_cpu_s", "candidate_cpu_s", "seconds", "start_rss",
                               "task_peak_rss"]].to_dict("records"),
                merge_tasks=mg[["block", "rows_in", "pairs", "held_rows", "cpu_s", "task_peak_rss"]].to_dict("records"),
                client_peak_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9)


def run(mode: str) -> dict:
    from analysis.text import diffusion as D

    if mode.startswith("scale"):
        return run_scale(mode)
    if mode.startswith("sampled"):
        return run_sampled(mode)
    t0 = time.perf_counter()
    latest = D.latest_local()
    t_read = time.perf_counter() - t0
    if mode.startswith("blocked"):
        from analysis.distributed import cluster
        from analysis.distributed.blocked_reuse import run_local_reuse

        workers = int(mode[7:])
        with cluster(n_workers=workers, memory_limit=WORKER_MEMORY, dashboard=False, stream=None) as client:
            res = run_local_reuse(latest[["doc_id", "text"]], D.local_titles(latest), client=client,
                                  block_chars=BLOCK_CHARS)
        pairs = res.pairs
        st = res.step_seconds
        out = dict(mode=mode, docs=len(latest), target_units=int(res.tasks.loc[res.tasks["step"] == "shingles",
                                                                              "n_units"].sum()),
                   pairs=len(pairs), read_s=t_read,
                   target_s=st["write blocks"] + st["shingles"] + st["buckets"] + st["block stats"],
                   pairs_s=st["block pairs"] + st["merge"] + st["gather"], blocks=res.n_blocks,
                   peak_worker_gb=max(w["peak_rss"] for w in res.workers.values()) / 1e9,
                   worker_cpu_s=sum(w["cpu_s"] for w in res.workers.values()), chunk_rows=res.chunk_rows,
                   task_peak_gb={k: round(float(v) / 1e9, 3)
                                 for k, v in res.tasks.groupby("step")["task_peak_rss"].max().items()},
                   task_cpu_s={k: round(float(v), 1) for k, v in res.tasks.groupby("step")["cpu_s"].sum().items()},
                   held_rows_max=int(res.tasks["held_rows"].max()), candidates=res.n_candidates,
                   merge_tasks=int((res.tasks["step"] == "merge").sum()))
    elif mode.startswith("mem"):
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
        with cluster(n_workers=workers, memory_limit=WORKER_MEMORY, dashboard=False, stream=None) as client:
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


def _fit(xs, ys) -> tuple[float, float]:
    """Least-squares slope of log y on log x and its standard error (nan below three points)."""
    import numpy as np

    x, y = np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float))
    if len(x) < 2:
        return float("nan"), float("nan")
    b, a = np.polyfit(x, y, 1)
    if len(x) < 3:
        return float(b), float("nan")
    res = y - (a + b * x)
    se = float(np.sqrt(res @ res / (len(x) - 2) / ((x - x.mean()) @ (x - x.mean()))))
    return float(b), se


def render(rows: list, up: str) -> str:
    lines = [f"Machine: {cpu_name()}, {os.cpu_count()} cores, shared with other jobs (up to six other sessions; the "
             f"load column says how busy it was). `uptime` at start: {up}\n"]
    full = [d for d in rows if not d["mode"].startswith(("scale", "sampled"))]
    if full:
        lines += ["### The real corpus (newest versions of the local regulations)\n",
                  "| run | documents | target units | detector pairs | read s | target s | pairs s | classify s | "
                  "total s | peak GB (process) | peak GB (children / per worker) | pairs sha256 | table sha256 | "
                  "load before → after |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
        for d in full:
            m = d["mode"]
            side = d.get("peak_worker_gb", d.get("children_peak_gb", 0.0))
            label = {"mem1": "in memory, 1 process", "mem2": "in memory, 2 processes (fork)"}.get(m) or (
                f"Dask blocked (`run_local_reuse`), {m[7:]} workers, {d['blocks']} blocks"
                + (f", {d['chunk_rows']:,}-row chunks, {d['merge_tasks']} merge ranges, worker CPU "
                   f"{d['worker_cpu_s']:.0f} s" if "chunk_rows" in d else "") if m.startswith("blocked")
                else f"Dask whole index (`run_reuse`), {m[4:]} workers")
            lines.append(f"| {label} | {d['docs']:,} | {d['target_units']:,} | {d['pairs']:,} | {d['read_s']:.1f} | "
                         f"{d['target_s']:.1f} | {d['pairs_s']:.1f} | {d['classify_s']:.1f} | {d['total_s']:.1f} | "
                         f"{d['peak_gb']:.2f} | {side:.2f} | `{d['digest']}` | `{d['table_digest']}` | "
                         f"{d['load']:.1f} → {d['load_after']:.1f} |")
        same = len({r["digest"] for r in full}) == 1 and len({r["table_digest"] for r in full}) == 1
        lines += ["", "Equal pair tables and diffusion tables in every run: " + ("**yes**" if same else "**NO**") + ".",
                  ""]
    scale = [d for d in rows if d["mode"].startswith("scale")]
    if scale:
        lines += ["### Subsamples of the real corpus (×1) and synthetic corpora (×2 and more) on the blocked Dask path "
                  "(2 workers, 1 thread each, 4 GB limit each)\n",
                  "| corpus | documents | characters | blocks | units | candidate pairs | detector pairs | wall s | "
                  "CPU s (workers + client) | peak GB per worker | peak GB by step (max over workers) | "
                  "peak GB per task by step (runs with chunks) | longest task s | load before → after |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---|"]
        for d in scale:
            steps = ", ".join(f"{k} {v:.2f}" for k, v in d["step_peak_gb"].items())
            chunked = " (chunks)" if "chunk_rows" in d else ""
            lines.append(f"| every {d['base_every']}th ×{d['times']}{chunked} | {d['docs']:,} | {d['chars']:,} | {d['blocks']} | "
                         f"{d['units']:,} | {d['candidates']:,} | {d['pairs']:,} | {d['wall_s']:.0f} | "
                         f"{d['worker_cpu_s']:.0f} + {d['client_cpu_s']:.0f} | "
                         f"{' / '.join(f'{x:.2f}' for x in d['worker_peak_gb'])} | {steps} | "
                         + (", ".join(f"{k} {v:.2f}" for k, v in d["task_peak_gb"].items())
                            + f" ({d['chunk_rows']:,}-row chunks)" if "task_peak_gb" in d else "— (before chunks)")
                         + f" | {d['task_max_s']:.0f} | "
                         f"{d['load']:.1f} → {d['load_after']:.1f} |")
        lines.append("")
        for m, ch in sorted({(d["base_every"], "chunk_rows" in d) for d in scale}):
            ds = sorted((d for d in scale if d["base_every"] == m and ("chunk_rows" in d) == ch),
                        key=lambda d: d["docs"])
            if len(ds) < 2:
                continue
            x = [d["docs"] for d in ds]
            fits = {name: _fit(x, [f(d) for d in ds]) for name, f in (
                ("candidate pairs", lambda d: d["candidates"]), ("detector pairs", lambda d: d["pairs"]),
                ("worker CPU s", lambda d: d["worker_cpu_s"]), ("wall s", lambda d: d["wall_s"]),
                ("peak GB per worker", lambda d: max(d["worker_peak_gb"])))}
            lines.append(f"Growth with the number of documents (every {m}th, ×{', ×'.join(str(d['times']) for d in ds)}), "
                         "exponent b of a log-log least-squares fit (± its standard error): " +
                         "; ".join(f"{k} b = {b:.2f}" + ("" if se != se else f" ± {se:.2f}") for k, (b, se) in fits.items())
                         + ".")
    sampled = sorted((d for d in rows if d["mode"].startswith("sampled")), key=lambda d: d["docs"])
    if sampled:
        lines += ["", render_sampled(sampled)]
    real = sorted([d for d in scale if d["times"] == 1 and "chunk_rows" not in d]
                  + [d for d in full if d["mode"].startswith("blocked") and "chunk_rows" not in d],
                  key=lambda d: d["docs"])
    if len(real) >= 2:
        fits = {name: _fit([d["docs"] for d in real], [f(d) for d in real]) for name, f in (
            ("detector pairs", lambda d: d["pairs"]), ("worker CPU s", lambda d: d["worker_cpu_s"]))}
        sizes = ", ".join(f"{d['docs']:,}" for d in real)
        lines.append(f"Growth on the real corpus (subsamples of {sizes} documents, "
                     "no copies), exponent b of a log-log least-squares fit (± its standard error): " +
                     "; ".join(f"{k} b = {b:.2f}" + ("" if se != se else f" ± {se:.2f}") for k, (b, se) in fits.items())
                     + ".")
    return "\n".join(lines)


def _pm(b: float, se: float) -> str:
    return f"{b:.2f}" + ("" if se != se else f" ± {se:.2f}")


def render_sampled(rows: list) -> str:
    """The sampled runs (``sampled<s>n<k>``): measured statistics steps, a seeded sample of block-pair tasks and their
    merges, totals extrapolated; memory per task by step; growth exponents and the estimate for 20,000 texts."""
    import numpy as np

    lines = ["### The whole local corpus ×1 (real), ×4 and ×10 (synthetic) on the blocked Dask path: statistics steps "
             "in full, a seeded sample of block-pair tasks (2 workers, 1 thread each, 4 GB limit each)\n",
             "| corpus | code | texts | characters | blocks | block-pair tasks: sampled / all (seed) | "
             "statistics steps CPU s (shingles + buckets + block stats) | CPU s per block-pair task: mean (max) | "
             "of which read / candidates / "
             "alignment and rows (mean) | candidates per task (mean) | merge CPU s per 100,000 rows | "
             "candidates, est. (± se) | detector rows, est. (± se) | worker CPU, est. core-hours (± se) | "
             "peak GB per task, max over tasks: shingles / buckets / block stats / block pairs / merge | "
             "worker at task start GB (max) | pair rows held (max): block pairs / merge | wall s | "
             "load before → after |",
             "|---|---|---:|---:|---:|---|---|---:|---|---:|---:|---:|---:|---:|---|---:|---|---:|---|"]
    def split(d):
        t = d.get("pair_tasks")
        if not t:
            return "—"
        rd = np.mean([x["load_cpu_s"] for x in t])
        cd = np.mean([x["candidate_cpu_s"] for x in t])
        return f"{rd:.1f} / {cd:.1f} / {np.mean([x['cpu_s'] for x in t]) - rd - cd:.1f}"

    for d in rows:
        st = d["steps"]
        order = ("shingles", "buckets", "block stats", "block pairs", "merge")
        stats = " + ".join(f"{st[x]['cpu_s']:.0f}" for x in order[:3])
        if not d["all_stats"]:
            stats += f" (block stats of {st['block stats']['n']} of {d['blocks']} blocks)"
        lines.append(
            f"| ×{d['times']}{d.get('label', '')} | {d.get('code', '')} | {d['docs']:,} | {d['chars']:,} | "
            f"{d['blocks']} | {d['sample']} / {d['block_pair_tasks']:,} "
            f"({d['fraction']:.1%}, seed {d['seed']}) | {stats} | {st['block pairs']['cpu_mean']:.1f} "
            f"({st['block pairs']['cpu_max']:.1f}) | {split(d)} | {d['sampled_candidates'] / d['sample']:,.0f} | "
            f"{1e5 * d['merge_cpu_per_row']:.1f} | "
            f"{d['est_candidates'] / 1e6:.1f} M (± {d['est_candidates_se'] / 1e6:.1f} M) | "
            f"{d['est_rows'] / 1e6:.1f} M (± {d['est_rows_se'] / 1e6:.1f} M) | "
            f"{d['est_total_cpu_s'] / 3600:.2f} (± {d['est_total_cpu_se'] / 3600:.2f}) | "
            + " / ".join(f"{st[x]['peak_gb_max']:.2f}" for x in order) + " | "
            f"{max(st[x]['start_gb_max'] for x in order):.2f} | {st['block pairs']['held_rows_max']:,} / "
            f"{st['merge']['held_rows_max']:,} | {d['wall_s']:.0f} | {d['load']:.1f} → {d['load_after']:.1f} |")
    lines.append("")
    for code in sorted({d.get("code", "") for d in rows}):
        lines += _sampled_growth([d for d in rows if d.get("code", "") == code], code)
    return "\n".join(lines)


def _sampled_growth(rows: list, code: str) -> list:
    import numpy as np

    lines = []
    if len(rows) >= 2:
        x = [d["docs"] for d in rows]
        fits = {name: _fit(x, [f(d) for d in rows]) for name, f in (
            ("candidates (est.)", lambda d: d["est_candidates"]), ("detector rows (est.)", lambda d: d["est_rows"]),
            ("worker CPU (est.)", lambda d: d["est_total_cpu_s"]),
            ("statistics steps CPU", lambda d: d["stats_cpu_s"]),
            ("CPU per block-pair task", lambda d: d["steps"]["block pairs"]["cpu_mean"]),
            ("peak GB per task (max over tasks)", lambda d: d["task_peak_gb"]),
            ("peak GB of a block-pair task", lambda d: d["steps"]["block pairs"]["peak_gb_max"]),
            ("peak GB of a merge task", lambda d: d["steps"]["merge"]["peak_gb_max"]))}
        lines.append(f"Code {code or '(not recorded)'}: growth with the number of texts (×"
                     + ", ×".join(str(d["times"]) for d in rows) + "), exponent b "
                     "of a log-log least-squares fit (± its standard error): " +
                     "; ".join(f"{k} b = {_pm(*v)}" for k, v in fits.items()) + ".")
        b, se = fits["worker CPU (est.)"]
        lx, ly = np.log(x), np.log([d["est_total_cpu_s"] for d in rows])
        # the fitted line passes through (mean log x, mean log y); slopes b - se, b, b + se through that point
        sd = se if se == se else 0.0
        lo, mid, hi = (float(np.exp(ly.mean() + bb * (np.log(20_000) - lx.mean()))) / 3600
                       for bb in (b - sd, b, b + sd))
        lines.append("")
        lines.append(f"At 20,000 texts, by this fit: worker CPU ≈ {mid:.1f} core-hours ({lo:.1f}–{hi:.1f} for b ± se); "
                     + "; ".join(f"on {n} workers ≈ {60 * mid / n:.0f} min ({60 * lo / n:.0f}–{60 * hi / n:.0f})"
                                 for n in (8, 16, 64)) + " (CPU / workers: the block pairs are independent tasks).")
        lines.append("")
    return lines


def write(rows: list, up: str, t0: float | None, out: Path | None = None) -> str:
    """Write the markdown (``diffusion.md`` by default; its ``## Notes`` section is kept) and the rows as JSON beside
    it (``<name>.json``, what ``--combine`` reads)."""
    body = render(rows, up)
    out = out or Path(__file__).with_name("diffusion.md")
    out.with_suffix(".json").write_text(json.dumps({"uptime": up, "rows": rows}, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    prev = out.read_text(encoding="utf-8").split("\n## Notes", 1) if out.is_file() else ["", ""]
    notes = "\n## Notes" + prev[1] if len(prev) > 1 else ""
    out.write_text("# Local × local text reuse (diffusion)\n\nWritten by `tests/benchmarks/bench_diffusion.py "
                   f"{' '.join(sys.argv[1:])}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
                   + ("" if t0 is None else f" ({time.perf_counter() - t0:.0f} s in all)")
                   + f".\n\n{body}\n{notes}", encoding="utf-8")
    return body


def main(modes, out: Path | None = None) -> str:
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    t0 = time.perf_counter()
    rows, body = [], ""
    for m in modes:
        load = os.getloadavg()[0]
        r = subprocess.run([sys.executable, __file__, "--one", m], capture_output=True, text=True, cwd=ROOT)
        if r.returncode:
            raise RuntimeError(r.stderr[-3000:])
        d = json.loads(r.stdout.strip().splitlines()[-1])
        d.update(load=load, load_after=os.getloadavg()[0])
        rows.append(d)
        print(json.dumps(d, ensure_ascii=False), flush=True)
        body = write(rows, up, t0, out)
    return body


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(run(sys.argv[2])))
        sys.exit(0)
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", nargs="+", default=["mem2", "dask2", "blocked2", "scale4x1", "scale4x2", "scale4x4",
                                                   "scale4x10"])
    ap.add_argument("--out", type=Path, help="markdown to write (default tests/benchmarks/diffusion.md)")
    ap.add_argument("--combine", nargs="+", type=Path,
                    help="instead of running: render the rows of these JSON files (written by earlier runs) together")
    args = ap.parse_args()
    if args.combine:
        got = [json.loads(f.read_text(encoding="utf-8")) for f in args.combine]
        print(write([r for g in got for r in g["rows"]], " / ".join(g["uptime"] for g in got), None, args.out))
    else:
        print(main(args.modes, args.out))
