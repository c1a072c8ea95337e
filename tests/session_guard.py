"""pytest plugin loaded by every test run (``-p session_guard`` in pyproject.toml), however pytest is started.

It holds the test session to three rules:

1. **Kernels and tests see the same settings**: a headless Matplotlib backend and a hash seed (``0`` unless
   the caller chose one: ``make test-portable`` runs the notebooks under other seeds to show that no output
   depends on set iteration order).
2. **A test run never writes a tracked file.** ``ANALYSIS_OUTPUT_DIR`` is set to a temporary folder before any
   test or kernel starts, so notebooks executed by nbval write their figures and GraphML files there
   (:func:`analysis.paths.output_path`). ``git status --porcelain`` is taken at the start and at the end of
   the session; any difference fails the run, naming the files.
3. **What the notebooks write is what is committed.** Every file written under the temporary folder is compared
   byte for byte with the committed file of the same path (``figures/*.png``, ``figures/*.svg``,
   ``data/processed/*.graphml``); a difference, or a file the repository does not have, fails the run.

A failure of rule 2 or 3 sets the exit status to 1 and is reported at the end of the terminal summary.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")

_OWN_OUTPUT = "ANALYSIS_OUTPUT_DIR" not in os.environ
if _OWN_OUTPUT:
    os.environ["ANALYSIS_OUTPUT_DIR"] = tempfile.mkdtemp(prefix="analysis-test-output-")
OUTPUT_DIR = Path(os.environ["ANALYSIS_OUTPUT_DIR"])

_state: dict[str, object] = {}


def _git_status() -> list[str] | None:
    """``git status --porcelain`` lines of the repository, or None where git or the work tree is missing."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.splitlines() if out.returncode == 0 else None


def written_outputs(output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Files written under the output folder, relative to it, in sorted order."""
    if not output_dir.is_dir():
        return []
    return sorted(p.relative_to(output_dir) for p in output_dir.rglob("*") if p.is_file())


def compare_outputs(output_dir: Path = OUTPUT_DIR, root: Path = ROOT) -> list[str]:
    """One line per written file that differs from, or is missing in, the repository."""
    problems = []
    for rel in written_outputs(output_dir):
        committed = root / rel
        if not committed.is_file():
            problems.append(f"{rel.as_posix()}: written by the run, but not in the repository")
        elif committed.read_bytes() != (output_dir / rel).read_bytes():
            problems.append(f"{rel.as_posix()}: differs from the committed file "
                            "(re-run `make reproduce` and commit, or find what made it machine-dependent)")
    return problems


def pytest_sessionstart(session):
    _state["status"] = _git_status()


def pytest_sessionfinish(session, exitstatus):
    problems = []
    before, after = _state.get("status"), _git_status()
    if before is not None and after is not None and before != after:
        changed = sorted(set(after) ^ set(before))
        problems.append("the test run changed the work tree (tests must never write tracked files):")
        problems += [f"  {line}" for line in changed]
    mismatched = compare_outputs()
    if mismatched:
        problems.append(f"outputs written by the notebooks (under {OUTPUT_DIR}) differ from the repository:")
        problems += [f"  {line}" for line in mismatched]
    _state["problems"] = problems
    _state["n_outputs"] = len(written_outputs())
    if problems and session.exitstatus == 0:
        session.exitstatus = 1
    if _OWN_OUTPUT and not problems:
        shutil.rmtree(OUTPUT_DIR, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    problems = _state.get("problems") or []
    n = _state.get("n_outputs", 0)
    if problems:
        terminalreporter.section("session guard: FAILED", sep="=", red=True, bold=True)
        for line in problems:
            terminalreporter.write_line(line)
        if _OWN_OUTPUT:
            terminalreporter.write_line(f"(the outputs are kept in {OUTPUT_DIR} for inspection)")
    elif _state.get("status") is not None:
        terminalreporter.write_line(f"session guard: work tree unchanged; {n} notebook output file(s) "
                                    "identical to the repository" if n else
                                    "session guard: work tree unchanged")
