"""Benchmark: full reproduction of the notebooks against the floor of starting one kernel per notebook.

Run: ``.venv/bin/python tests/benchmarks/bench_reproduce.py`` (rewrites tests/benchmarks/reproduce.md).
Measures, on this machine:
- floor: for each notebook, start a fresh kernel and run ``import analysis; analysis.setup()`` (the cost any
  notebook pays before its own work), sequentially;
- reproduce with --jobs 1 and --jobs 2, warm token cache (the notebooks are rewritten only if their outputs change);
  --jobs 2 twice: notebooks started in file order, and longest first (the default; the seconds of the --jobs 1
  run are written to analysis/reproduce_seconds.json, the committed scheduling hints);
- reproduce with --jobs 1 after clearing the token cache (cold), as CI sees it on a fresh clone.
"""
from __future__ import annotations

import io
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from analysis.paths import CACHE_DIR  # noqa: E402
import json  # noqa: E402

from analysis import reproduce as R  # noqa: E402
from analysis.reproduce import notebooks, reproduce  # noqa: E402


def floor(n: int) -> float:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import analysis\nanalysis.setup()")])
    t0 = time.perf_counter()
    for _ in range(n):
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return time.perf_counter() - t0


def timed(**kw) -> tuple[float, str]:
    out = io.StringIO()
    t0 = time.perf_counter()
    code = reproduce(build=False, stream=out, **kw)
    took = time.perf_counter() - t0
    if code:
        raise SystemExit(out.getvalue())
    return took, out.getvalue()


def main() -> None:
    paths = notebooks()
    n = len(paths)
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    f = floor(n)
    R.LOCAL_DURATIONS_JSON.unlink(missing_ok=True)
    warm1, log1 = timed(jobs=1)
    seconds = json.loads(R.LOCAL_DURATIONS_JSON.read_text(encoding="utf-8"))
    R.DURATIONS_JSON.write_text(json.dumps(dict(sorted(seconds.items())), indent=1) + "\n", encoding="utf-8")
    hints = R.durations
    R.durations = lambda: {}                      # no hints: every notebook "unknown", started in file order
    warm2_files, log2_files = timed(jobs=2)
    R.durations = hints
    warm2, log2 = timed(jobs=2)
    shutil.rmtree(CACHE_DIR / "tokens", ignore_errors=True)
    cold1, logc = timed(jobs=1)
    lines = [
        "# Reproduction benchmark",
        "",
        "Script: `tests/benchmarks/bench_reproduce.py` (rewrites this file). `reproduce(build=False)`: every notebook",
        "executed top to bottom in a fresh kernel and written back only if its outputs changed.",
        "",
        f"Machine: {cpu or platform.processor()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; `uptime` at start: {load}",
        "",
        "| run | wall time |",
        "|---|---|",
        f"| floor: {n} fresh kernels running `import analysis; analysis.setup()` | {f:.1f} s |",
        f"| all {n} notebooks, --jobs 1, warm token cache | {warm1:.1f} s |",
        f"| all {n} notebooks, --jobs 2, warm token cache, started in file order | {warm2_files:.1f} s |",
        f"| all {n} notebooks, --jobs 2, warm token cache, started longest first (`make reproduce`) | {warm2:.1f} s |",
        f"| all {n} notebooks, --jobs 1, token cache cleared (as on a fresh clone) | {cold1:.1f} s |",
        "",
        "Per notebook (--jobs 1, warm):",
        "",
        "```text",
        log1.strip("\n").rstrip(),
        "```",
        "",
        "--jobs 2, longest first (lines in the order the notebooks finished):",
        "",
        "```text",
        log2.strip("\n").rstrip(),
        "```",
        "",
        "Per notebook (--jobs 1, cold token cache):",
        "",
        "```text",
        logc.strip("\n").rstrip(),
        "```",
        "",
    ]
    (Path(__file__).parent / "reproduce.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
