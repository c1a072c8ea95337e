"""Rebuild every table under data/processed from data/raw and data/curated, deterministically.

Each step is a function returning ``{table_name: DataFrame}``; the frames are validated against their
schemas *before* anything is written, and written atomically, so a failed build leaves the previous
files in place.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from .tables import DataError, schemas, table_path, validate, write_csv


def _steps() -> list[tuple[str, Callable[[], dict[str, pd.DataFrame]]]]:
    from .report.documents import build_documents
    from .report.egov import build_egov_survey
    from .text.keywords import build_national_term_counts
    from .report.text import report_tables
    from .text.reuse import build_reuse_tables

    steps: list[tuple[str, Callable[[], dict[str, pd.DataFrame]]]] = [
        ("report", report_tables),
        ("egov", lambda: {"egov_survey": build_egov_survey()}),
        ("documents", lambda: {"documents_processed": build_documents()}),
        ("keywords", build_national_term_counts),
        ("reuse", build_reuse_tables),
    ]
    return steps


def build_all() -> list[str]:
    """Run every build step; return one summary line per written table. Raises DataError on bad output."""
    lines = []
    for step_name, step in _steps():
        frames = step()
        problems = []
        for name, frame in frames.items():
            problems += validate(frame, schemas()[name], f"{step_name} → {name}")
        if problems:
            raise DataError(problems)
        for name, frame in sorted(frames.items()):
            path = write_csv(frame, table_path(name))
            lines.append(f"{name:<28} {len(frame):>6} rows → {path.relative_to(path.parents[2])}")
    return lines
