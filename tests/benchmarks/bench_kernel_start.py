"""Benchmark: kernel start, ``import analysis; analysis.setup()``, before and after the lazy imports (writes
tests/benchmarks/kernel_start.md).

Run:  .venv/bin/python tests/benchmarks/bench_kernel_start.py [--before REF] [--rounds N]

``--before`` (default: the last commit before the lazy imports of issue 24) is extracted with ``git archive`` (only
``analysis/``) into a temporary folder; the working tree is "after". Both run with this environment's interpreter
and packages, ``PYTHONPATH`` pointing at the tree, alternating before/after in every round so that both see the same
load on a shared machine. Per round and tree:

1. ``python -c "import analysis; analysis.setup()"`` — wall time and CPU time (user + system of the child);
2. a fresh Jupyter kernel (nbclient over IPC, as ``make reproduce`` starts them) running the one cell
   ``import analysis; analysis.setup()``, start to finish, and for the floor the same with the cell ``pass``.
   In a kernel ``setup()`` also switches to the inline backend, which imports ``matplotlib.pyplot`` (every
   notebook imports it in its first cell anyway);

then one ``python -X importtime`` run per tree: the cumulative import time of the heavy packages.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

#: The last commit before the kernel-start work (PEP 562 loaders, seaborn-free theme, lazy jieba/pandera).
BEFORE = "2e4557b"
CODE = "import analysis; analysis.setup()"
HEAVY = ("seaborn", "scipy.stats", "pandas", "matplotlib", "pandera", "jieba", "numpy")


def extract(ref: str, dest: Path) -> Path:
    data = subprocess.run(["git", "archive", "--format=tar", ref, "analysis"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    import io

    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def env_for(tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    env.pop("PYTHONSTARTUP", None)
    return env


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def plain_start(tree: Path) -> tuple[float, float]:
    c0, t0 = child_cpu(), time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CODE + "; print(analysis.__file__)"], cwd=tree, env=env_for(tree),
                         check=True, capture_output=True, text=True).stdout
    wall, cpu = time.perf_counter() - t0, child_cpu() - c0
    assert out.strip().startswith(str(tree)), out
    return wall, cpu


def kernel_start(tree: Path, cell: str) -> float:
    import nbformat
    from nbclient import NotebookClient

    env = env_for(tree)
    env.pop("MPLBACKEND")           # kernels draw inline, as under make reproduce
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell + "\nimport analysis as _a\nprint(_a.__file__)"
                                                                   if cell != "pass" else "pass")])
    from traitlets.config import Config

    # as analysis.reproduce starts kernels: IPC transport in a private folder
    sockets = tempfile.TemporaryDirectory(prefix="nbkernel-")
    config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets.name, "kernel")}})
    t0 = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=120, config=config,
                   resources={"metadata": {"path": str(tree)}}).execute(env=env)
    took = time.perf_counter() - t0
    sockets.cleanup()
    if cell != "pass":
        printed = "".join(o.get("text", "") for o in nb.cells[0].outputs)
        assert printed.strip().startswith(str(tree)), printed
    return took


def import_times(tree: Path) -> dict[str, float]:
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", CODE], cwd=tree, env=env_for(tree), check=True,
                         capture_output=True, text=True).stderr
    cum: dict[str, float] = {}
    for line in err.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| *(\S+)$", line)
        if m and m.group(2) in HEAVY + ("analysis",):     # a module is imported once, at whatever depth
            cum[m.group(2)] = int(m.group(1)) / 1e6
    return cum


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> str:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "analysis"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip())
    tmp = Path(tempfile.mkdtemp(prefix="kernel-start-"))
    trees = {"before": extract(args.before, tmp / "before"), "after": ROOT}
    load0 = load()
    res: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": [], "kernel": [], "floor": []} for k in trees}
    for name, tree in trees.items():          # warm the OS file cache and matplotlib's font cache once each
        plain_start(tree)
    for _ in range(args.rounds):
        for name, tree in trees.items():
            w, c = plain_start(tree)
            res[name]["wall"].append(w)
            res[name]["cpu"].append(c)
            res[name]["kernel"].append(kernel_start(tree, CODE))
            res[name]["floor"].append(kernel_start(tree, "pass"))
    imp = {name: import_times(tree) for name, tree in trees.items()}
    load1 = load()

    def med(xs):
        return f"{statistics.median(xs):.2f} s (min {min(xs):.2f})"

    out = [f"Machine: {cpu_name()}, {os.cpu_count()} cores, shared with other jobs; load average "
           f"{load0} at start, {load1} at the end. Python {sys.version.split()[0]}.",
           f"Before: commit {args.before} (`analysis/` only, via `git archive`); after: the working tree at "
           f"{head}{' with uncommitted changes' if dirty else ''}. {args.rounds} rounds, before and after alternating; "
           "median (minimum).\n",
           "| measure | before | after |", "|---|---:|---:|",
           f"| `python -c \"{CODE}\"`, wall | {med(res['before']['wall'])} | {med(res['after']['wall'])} |",
           f"| the same, CPU (user + system) | {med(res['before']['cpu'])} | {med(res['after']['cpu'])} |",
           f"| fresh Jupyter kernel running `{CODE}`, start to finish | {med(res['before']['kernel'])} | "
           f"{med(res['after']['kernel'])} |",
           f"| fresh Jupyter kernel running `pass` (the floor: kernel start alone) | {med(res['before']['floor'])} | "
           f"{med(res['after']['floor'])} |",
           f"\n`python -X importtime -c \"{CODE}\"`, cumulative seconds of each package's import, wherever it "
           "happened (one run each; — : not imported):\n",
           "| package | before | after |", "|---|---:|---:|"]
    for pkg in ("analysis",) + HEAVY:
        b, a = imp["before"].get(pkg), imp["after"].get(pkg)
        out.append(f"| {pkg} | {'—' if b is None else f'{b:.2f}'} | {'—' if a is None else f'{a:.2f}'} |")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(out)


if __name__ == "__main__":
    body = main()
    Path(__file__).with_name("kernel_start.md").write_text(
        "# Kernel start\n\nWritten by `tests/benchmarks/bench_kernel_start.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n{body}\n", encoding="utf-8")
    print(body)
