"""``analysis.report.text`` moved to :mod:`analysis.corpus.report_text`. The old name is kept so that existing
imports keep working: this module re-exports the public names and holds no code. New code imports from
:mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.report_text import (  # noqa: F401
    FRONT_MATTER_LAST_LINE, FULL_WIDTH, INDENT, N_FOOTNOTES, RUNNING_HEADER, ReportParts, TERMINAL, find_quote,
    page_of_line, parse_report, report_tables, write_report_tables,
)

__all__ = [
    "RUNNING_HEADER",
    "FRONT_MATTER_LAST_LINE",
    "N_FOOTNOTES",
    "FULL_WIDTH",
    "INDENT",
    "TERMINAL",
    "ReportParts",
    "parse_report",
    "page_of_line",
    "find_quote",
    "write_report_tables",
    "report_tables",
]
