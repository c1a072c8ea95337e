"""Every path the project uses, anchored to the repository root.

No notebook or module builds a path by hand: import the constant from here.

Reading and writing are apart: inputs are always read from the repository, and what the notebooks
write (figures, GraphML) goes to :func:`output_path`, which is the repository itself unless the
environment variable ``ANALYSIS_OUTPUT_DIR`` names another folder. The test suite sets it to a
temporary folder, so that running the tests never rewrites a tracked file; it then compares what
was written there with the committed files byte for byte.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"            # third-party snapshots, byte-for-byte as received; never rewritten
CURATED_DIR = DATA_DIR / "curated"    # tables entered by hand from the report, one provenance per row
PROCESSED_DIR = DATA_DIR / "processed"  # tables built by code from raw/ and curated/
FIGURES_DIR = ROOT / "figures"
NOTEBOOKS_DIR = ROOT / "notebooks"
CACHE_DIR = ROOT / ".cache"           # token cache and other rebuildable state (git-ignored)

REPORT_TXT = RAW_DIR / "report" / "caict-2022-digital-governance-report.txt"

OUTPUT_ENV = "ANALYSIS_OUTPUT_DIR"


def output_root() -> Path:
    """The folder outputs are written under: ``$ANALYSIS_OUTPUT_DIR`` if set (read at each call), else the repository."""
    env = os.environ.get(OUTPUT_ENV, "").strip()
    return Path(env).resolve() if env else ROOT


def output_path(path: Path | str) -> Path:
    """Where to write the repository file ``path`` (e.g. ``PROCESSED_DIR / "x.graphml"`` or ``FIGURES_DIR``).

    The same place in the repository when ``ANALYSIS_OUTPUT_DIR`` is unset; otherwise the same relative
    place under that folder. ``path`` may be absolute (inside the repository) or relative to its root.
    """
    path = Path(path)
    rel = path.resolve().relative_to(ROOT) if path.is_absolute() else path
    return output_root() / rel


def display_path(path: Path | str) -> str:
    """``path`` relative to the output root, with ``/`` separators: what notebooks print, the same wherever they write."""
    path = Path(path).resolve()
    for base in (output_root(), ROOT):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()
