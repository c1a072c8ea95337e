"""Every path the project uses, anchored to the repository root.

No notebook or module builds a path by hand: import the constant from here.
"""
from __future__ import annotations

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
