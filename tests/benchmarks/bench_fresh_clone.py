"""Benchmark: `make reproduce` and a full rebuild from raw on a fresh clone (writes tests/benchmarks/fresh_clone.md).

Run:  .venv/bin/python tests/benchmarks/bench_fresh_clone.py

A fresh ``git clone`` of the committed HEAD into a temporary folder has no ``.cache`` (no token cache, no jieba
prefix-dictionary cache). With this environment's interpreter (``PYTHONPATH`` pointing at the clone, so the clone's
code runs, in the notebooks' kernels too) it measures:

1. ``python -m analysis reproduce --jobs 2`` — what ``make reproduce`` runs: the build manifest says every table
   is current, so only the notebooks run; then checks that ``git status`` is clean and what was printed;
2. ``python -m analysis build --all`` followed by ``reproduce --jobs 2`` with the token cache emptied first — the
   full rebuild from raw; ``git status`` must again be clean.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = ROOT / ".venv" / "bin" / "python"


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return dt, (p.stdout + p.stderr).rstrip()


def main() -> str:
    tmp = Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    clone = tmp / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "PYTHONPATH": str(clone), "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    env.pop("ANALYSIS_TOKEN_CACHE", None)
    out = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, shared with other jobs. "
           f"Commit {head}.\n"]
    up0 = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    t_rep, text_rep = run([str(PY), "-m", "analysis", "reproduce", "--jobs", "2"], clone, env)
    status1 = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    shutil.rmtree(clone / ".cache", ignore_errors=True)
    up1 = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    t_build, text_build = run([str(PY), "-m", "analysis", "build", "--all"], clone, env)
    t_rep2, _ = run([str(PY), "-m", "analysis", "reproduce", "--jobs", "2", "--no-build"], clone, env)
    status2 = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    out.append("| run | wall time | `git status` afterwards | load at start |\n|---|---:|---|---|")
    out.append(f"| `make reproduce` (`reproduce --jobs 2`) on a fresh clone, no cache | {t_rep:.1f} s | "
               f"{'clean' if not status1.strip() else status1.strip()} | {up0.split('load average:')[1].strip()} |")
    out.append(f"| full rebuild from raw: `build --all`, then `reproduce --jobs 2 --no-build`, caches emptied | "
               f"{t_build:.1f} s + {t_rep2:.1f} s = {t_build + t_rep2:.1f} s | "
               f"{'clean' if not status2.strip() else status2.strip()} | {up1.split('load average:')[1].strip()} |")
    out.append("\nWhat `make reproduce` printed on the fresh clone (one line per notebook, then the count):\n")
    out.append("```text\n" + text_rep + "\n```")
    out.append("\nWhat `build --all` printed:\n\n```text\n" + text_build + "\n```")
    shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(out)


if __name__ == "__main__":
    body = main()
    Path(__file__).with_name("fresh_clone.md").write_text(
        "# Fresh clone: `make reproduce` and a full rebuild\n\nWritten by `tests/benchmarks/bench_fresh_clone.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n{body}\n", encoding="utf-8")
    print(body)
