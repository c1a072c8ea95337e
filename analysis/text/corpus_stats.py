"""``analysis.text.corpus_stats`` moved to :mod:`analysis.corpus.stats`. The old name is kept so that existing
imports keep working: this module re-exports the public names and holds no code. New code imports from
:mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.stats import (  # noqa: F401
    CLAUSE_END_MARKS, TECH_KEYWORDS, cited_document_year, corpus_summary, document_year, law_outline, normalize_title,
    technology_mentions, technology_mentions_by_year, technology_timing, unterminated_clauses,
)

__all__ = [
    "TECH_KEYWORDS",
    "normalize_title",
    "document_year",
    "cited_document_year",
    "technology_mentions",
    "technology_mentions_by_year",
    "technology_timing",
    "corpus_summary",
    "law_outline",
    "CLAUSE_END_MARKS",
    "unterminated_clauses",
]
