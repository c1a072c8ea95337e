"""Execute the notebooks in order, each in a fresh kernel, and store them back only if they succeed.

``python -m analysis reproduce`` (``make reproduce``) runs this. A notebook is written back with
volatile metadata stripped, atomically, and only when its execution succeeded, so a clean checkout
stays clean and a failed run leaves the previous notebook in place.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_write_bytes
from .paths import CACHE_DIR, NOTEBOOKS_DIR

KERNEL_NAME = "python3"
CELL_TIMEOUT = 600


@dataclass
class Outcome:
    """How one notebook's execution went."""

    path: Path
    ok: bool
    seconds: float
    changed: bool = False
    cell: int | None = None
    source: str = ""
    error: str = ""

    def line(self) -> str:
        name = self.path.name
        if self.ok:
            return f"  ok    {name:<40} {self.seconds:6.1f} s{'  (updated)' if self.changed else ''}"
        return (f"  FAIL  {name:<40} {self.seconds:6.1f} s\n"
                f"        cell {self.cell}: {self.source!r}\n        {self.error}")


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The project's notebooks in order; ``only`` keeps those whose name starts with or contains a token."""
    paths = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    if only:
        paths = [p for p in paths if any(p.name.startswith(t) or t in p.stem for t in only)]
    return paths


#: Seconds each notebook took when ``tests/benchmarks/bench_reproduce.py`` last ran (it rewrites this file),
#: and the last run on this machine (not committed). Used for one thing only: with ``jobs > 1`` the
#: notebooks start longest first (LPT scheduling), so the longest one does not start last. Outputs never
#: depend on it; a missing or stale hint only gives a worse order.
DURATIONS_JSON = Path(__file__).with_name("reproduce_seconds.json")
LOCAL_DURATIONS_JSON = CACHE_DIR / "reproduce-seconds.json"


def _read_seconds(path: Path) -> dict[str, float]:
    """Seconds per notebook file name from one JSON file; empty when it is missing or unreadable."""
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def durations() -> dict[str, float]:
    """Expected seconds per notebook file name: the committed hints, updated by this machine's last run."""
    return {**_read_seconds(DURATIONS_JSON), **_read_seconds(LOCAL_DURATIONS_JSON)}


def longest_first(paths: list[Path], seconds: dict[str, float]) -> list[Path]:
    """Start order for parallel jobs: notebooks with no recorded time first (they may be long), then by
    recorded seconds, longest first; ties by name."""
    return sorted(paths, key=lambda p: (p.name in seconds, -seconds.get(p.name, 0.0), p.name))


def _record_durations(outcomes: list["Outcome"]) -> None:
    seconds = _read_seconds(LOCAL_DURATIONS_JSON)
    seconds.update({o.path.name: round(o.seconds, 1) for o in outcomes if o.ok})
    try:
        LOCAL_DURATIONS_JSON.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(LOCAL_DURATIONS_JSON, (json.dumps(dict(sorted(seconds.items())), indent=1) + "\n").encode())
    except OSError:   # a read-only checkout: no record, the committed hints stay in use
        pass


#: The ``language_info`` keys an IPython kernel reports; kept whole, so that JupyterLab, which writes the kernel's
#: ``language_info`` into a notebook it opens, saves an unedited notebook byte-identical (``git status`` clean).
LANGUAGE_INFO_KEYS = ("codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter",
                      "pygments_lexer", "version")


def clean_metadata(nb) -> None:
    """Strip what changes from run to run (timings, widget state), fix the kernelspec, keep the kernel's
    ``language_info`` as JupyterLab would write it (its ``version`` is the Python version of the kernel)."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME}
    lang = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {k: lang[k] for k in LANGUAGE_INFO_KEYS if k in lang}
    for cell in nb.cells:
        for key in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)


def execute(path: Path) -> Outcome:
    """Run one notebook top to bottom in a fresh kernel; on success write it back atomically."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = time.perf_counter()
    original = path.read_text(encoding="utf-8")
    nb = nbformat.reads(original, as_version=4)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("MPLBACKEND", None)  # notebooks draw with the inline backend (analysis.setup() ensures it)
    # IPC transport (Unix sockets in a private temporary folder, absolute path: the kernel runs in the
    # notebook's folder) instead of TCP: nothing listens on a port, and the kernel no longer warns
    # "Kernel is running over TCP without encryption". The client owns and shuts down the kernel.
    from traitlets.config import Config

    sockets = tempfile.TemporaryDirectory(prefix="nbkernel-")
    config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets.name, "kernel")}}) \
        if os.name == "posix" else Config()
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT, record_timing=False, config=config,
                            resources={"metadata": {"path": str(path.parent)}}, allow_errors=False)
    try:
        client.execute(env=env)
    except CellExecutionError as err:
        index, source = None, ""
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                index, source = i, cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
                break
        ename = getattr(err, "ename", "Error")
        evalue = getattr(err, "evalue", str(err).strip().splitlines()[-1] if str(err).strip() else "")
        return Outcome(path, False, time.perf_counter() - start, cell=index, source=source,
                       error=f"{ename}: {evalue}")
    except Exception as err:  # kernel died, timeout, ...
        return Outcome(path, False, time.perf_counter() - start, error=f"{type(err).__name__}: {err}")
    finally:
        sockets.cleanup()
    # a print() may reach the kernel's stdout in two flushes on a busy machine ("text", then "\n"): merge
    # consecutive stream outputs as nbval does when it compares, so the stored bytes do not depend on load
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(nb, {})
    clean_metadata(nb)
    text = nbformat.writes(nb) + "\n"
    changed = text != original
    if changed:
        atomic_write_bytes(path, text.encode("utf-8"))
    return Outcome(path, True, time.perf_counter() - start, changed=changed)


def reproduce(only: list[str] | None = None, jobs: int = 1, build: bool = True, stream=sys.stdout) -> int:
    """Rebuild the stale derived tables, then execute the notebooks; return a process exit code (0 = all ok).

    Prints one line per notebook (with ``jobs > 1`` in the order they finish; they start longest first,
    :func:`longest_first`), a line per table that had to be rebuilt (none on a clean clone: the
    build manifest says every table is current) and a final count."""
    t0 = time.perf_counter()
    if build:
        from .build import build_all
        from .tables import write_data_dictionary

        for line in build_all(force=False):
            if not line.endswith("up to date"):
                print(f"  built {line}", file=stream, flush=True)
        write_data_dictionary()
    paths = notebooks(only)
    if not paths:
        print(f"no notebook matches {only!r}", file=stream)
        return 1
    outcomes = []
    if jobs <= 1:
        for p in paths:
            outcome = execute(p)
            print(outcome.line(), file=stream, flush=True)
            outcomes.append(outcome)
    else:
        # longest first, each line printed when its notebook finishes
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(execute, p) for p in longest_first(paths, durations())]
            for fut in as_completed(futures):
                outcome = fut.result()
                print(outcome.line(), file=stream, flush=True)
                outcomes.append(outcome)
        outcomes.sort(key=lambda o: o.path.name)
    _record_durations(outcomes)
    failed = [o for o in outcomes if not o.ok]
    total = time.perf_counter() - t0
    print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed in {total:.1f} s", file=stream)
    return 1 if failed else 0
