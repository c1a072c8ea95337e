"""``analysis.text.clauses`` moved to :mod:`analysis.corpus.clauses`. The old name is kept so that existing imports
keep working: this module re-exports the public names and holds no code. New code imports from
:mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.clauses import (  # noqa: F401
    CLAUSE_COLUMNS, LAW_LEVELS, POLICY_LEVELS, STRUCTURE_COLUMNS, body_start, cn_to_int, segment, segment_document,
    structure, unwrap,
)

__all__ = [
    "LAW_LEVELS",
    "POLICY_LEVELS",
    "CLAUSE_COLUMNS",
    "STRUCTURE_COLUMNS",
    "cn_to_int",
    "body_start",
    "unwrap",
    "segment_document",
    "segment",
    "structure",
]
