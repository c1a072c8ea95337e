"""``analysis.text.local`` moved to :mod:`analysis.corpus.local`. The old name is kept so that existing imports keep
working: this module re-exports the public names and holds no code. New code imports from :mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.local import (  # noqa: F401
    KINDS, LOCAL_DOCUMENT_COLUMNS, LOCAL_TAR, PROVINCES, completeness, digital_regulations, issuer_of, kind_of,
    local_corpus, local_doc_id, local_documents, promulgation_dates,
)

__all__ = [
    "LOCAL_TAR",
    "PROVINCES",
    "KINDS",
    "promulgation_dates",
    "issuer_of",
    "kind_of",
    "completeness",
    "local_doc_id",
    "local_corpus",
    "digital_regulations",
    "LOCAL_DOCUMENT_COLUMNS",
    "local_documents",
]
