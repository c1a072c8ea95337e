"""Benchmark: the offline book with nbconvert (the tool chosen) against Jupyter Book 1 (the alternative measured).

Run: ``.venv/bin/python tests/benchmarks/bench_book.py`` (rewrites tests/benchmarks/book.md).
Measures, on this machine:
- nbconvert: ``analysis.book.build_book`` three times (build time), the size of the built book, and the install
  weight the tool adds to the project (none: nbconvert comes with JupyterLab, fontTools with matplotlib);
- Jupyter Book 1 (``jupyter-book<2``, Sphinx based): install time and size into a fresh virtual environment, and the
  build time of the same pages with notebook execution off. Set ``JUPYTER_BOOK_VENV`` to an existing environment with
  jupyter-book installed to skip the install (its install numbers are then not re-measured and the table says so).
Jupyter Book 2 / MyST and Quarto need Node.js or a separate binary on top of Python and were not measured.
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
sys.path.insert(0, str(ROOT))
from analysis.book import build_book  # noqa: E402
from analysis.reproduce import notebooks  # noqa: E402


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def nbconvert_runs(k: int = 3) -> tuple[list[float], int]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(k):
            t0 = time.perf_counter()
            out = build_book(Path(tmp) / "book")
            times.append(time.perf_counter() - t0)
        return times, du(out)


def jupyter_book(venv: Path | None) -> dict:
    res: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if venv is None:
            venv = tmp / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            base = du(venv)
            t0 = time.perf_counter()
            subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "jupyter-book<2"], check=True)
            res["install_s"] = time.perf_counter() - t0
            res["install_bytes"] = du(venv) - base
        proj = tmp / "proj"
        (proj / "notebooks").mkdir(parents=True)
        for nb in notebooks():
            shutil.copyfile(nb, proj / "notebooks" / nb.name)
        shutil.copytree(ROOT / "figures", proj / "figures")
        shutil.copyfile(ROOT / "README.md", proj / "README.md")
        shutil.copyfile(ROOT / "GLOSSARY.md", proj / "GLOSSARY.md")
        (proj / "_config.yml").write_text("title: book\nexecute:\n  execute_notebooks: 'off'\n", encoding="utf-8")
        chapters = "".join(f"  - file: notebooks/{nb.stem}\n" for nb in notebooks())
        (proj / "_toc.yml").write_text(f"format: jb-book\nroot: README\nchapters:\n{chapters}  - file: GLOSSARY\n",
                                       encoding="utf-8")
        t0 = time.perf_counter()
        done = subprocess.run([str(venv / "bin" / "jupyter-book"), "build", str(proj)], capture_output=True, text=True)
        res["build_s"] = time.perf_counter() - t0
        res["build_ok"] = done.returncode == 0
        res["version"] = subprocess.run([str(venv / "bin" / "pip"), "show", "jupyter-book"], capture_output=True,
                                        text=True).stdout.split("Version: ")[1].split()[0]
        if res["build_ok"]:
            res["book_bytes"] = du(proj / "_build" / "html")
    return res


def main() -> None:
    load = os.getloadavg()
    times, size = nbconvert_runs()
    env = os.environ.get("JUPYTER_BOOK_VENV")
    jb = jupyter_book(Path(env) if env else None)
    import nbconvert

    install_s = f"{jb['install_s']:.0f} s" if "install_s" in jb else "—"
    lines = [
        "# Book build benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average at start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (shared machine).",
        "",
        "| tool | extra install for the project | install time | build time (all pages, no execution) | book size |",
        "|---|---|---|---|---|",
        f"| nbconvert {nbconvert.__version__} + template `book/templates/offline` (chosen) | none (comes with "
        f"JupyterLab; fontTools with matplotlib) | 0 s | {min(times):.1f} s (runs: "
        f"{', '.join(f'{t:.1f}' for t in times)}) | {mb(size)} |",
        f"| Jupyter Book {jb.get('version', '?')} (Sphinx) | "
        f"{mb(jb['install_bytes']) if 'install_bytes' in jb else 'not re-measured (existing environment)'} | "
        f"{install_s} | "
        f"{jb['build_s']:.1f} s{'' if jb['build_ok'] else ' (failed)'} | "
        f"{mb(jb['book_bytes']) if 'book_bytes' in jb else '—'} |",
        "",
        "nbconvert is chosen: it adds nothing to the install, builds the whole book well inside the 60 s budget, and",
        "its output can embed the package's own font and an offline search. Jupyter Book would be a separate",
        "requirements file and environment; it also does not embed a CJK font, so Chinese would depend on the",
        "reader's system fonts. Jupyter Book 2 (MyST) and Quarto need Node.js or their own binary and were not tried.",
        "",
    ]
    out = Path(__file__).with_suffix(".md").with_name("book.md")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
