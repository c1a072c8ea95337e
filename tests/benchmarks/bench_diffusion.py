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
  (1 thread, ``memory_limit`` 4 GB each), same corpus; the pair table gathered and classified as above.
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
                task_max_s=float(tasks["seconds"].max()),
                client_peak_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9)


def run(mode: str) -> dict:
    from analysis.text import diffusion as D

    if mode.startswith("scale"):
        return run_scale(mode)
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
                   worker_cpu_s=sum(w["cpu_s"] for w in res.workers.values()))
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
    full = [d for d in rows if not d["mode"].startswith("scale")]
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
                f"Dask blocked (`run_local_reuse`), {m[7:]} workers, {d['blocks']} blocks" if m.startswith("blocked")
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
                  "CPU s (workers + client) | peak GB per worker | peak GB by step (max over workers) | longest task s | "
                  "load before → after |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|"]
        for d in scale:
            steps = ", ".join(f"{k} {v:.2f}" for k, v in d["step_peak_gb"].items())
            lines.append(f"| every {d['base_every']}th ×{d['times']} | {d['docs']:,} | {d['chars']:,} | {d['blocks']} | "
                         f"{d['units']:,} | {d['candidates']:,} | {d['pairs']:,} | {d['wall_s']:.0f} | "
                         f"{d['worker_cpu_s']:.0f} + {d['client_cpu_s']:.0f} | "
                         f"{' / '.join(f'{x:.2f}' for x in d['worker_peak_gb'])} | {steps} | {d['task_max_s']:.0f} | "
                         f"{d['load']:.1f} → {d['load_after']:.1f} |")
        lines.append("")
        for m in sorted({d["base_every"] for d in scale}):
            ds = sorted((d for d in scale if d["base_every"] == m), key=lambda d: d["docs"])
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
    real = sorted([d for d in scale if d["times"] == 1] + [d for d in full if d["mode"].startswith("blocked")],
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
