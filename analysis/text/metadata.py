"""``analysis.text.metadata`` moved to :mod:`analysis.corpus.metadata`. The old name is kept so that existing imports
keep working: this module re-exports the public names and holds no code. New code imports from
:mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.metadata import METADATA_FIELDS, parse_date, text_metadata  # noqa: F401

__all__ = [
    "METADATA_FIELDS",
    "parse_date",
    "text_metadata",
]
