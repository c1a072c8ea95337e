"""``analysis.text.corpus`` moved to :mod:`analysis.corpus.corpora`, :mod:`analysis.corpus.folders` and
:mod:`analysis.corpus.table`. The old name is kept so that existing imports keep working: this module re-exports
the public names and holds no code. New code imports from :mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.corpora import (  # noqa: F401
    CORPUS_NAMES, EXCEL_CELL_LIMIT, LONG_CLAUSE, NATIONAL_TAR, POLICY_XLSX, SHEETS, STATE_COUNCIL_DATES, cited_texts,
    date_evidence, digest_corpus, digest_principles, load_clauses, load_corpus, national_corpus, policy_collection,
    policy_collection_raw, recover_title,
)
from ..corpus.folders import folder_doc_ids, folder_documents, load_folder  # noqa: F401
from ..corpus.table import CORPUS_COLUMNS  # noqa: F401

__all__ = [
    "CORPUS_COLUMNS",
    "CORPUS_NAMES",
    "POLICY_XLSX",
    "STATE_COUNCIL_DATES",
    "NATIONAL_TAR",
    "SHEETS",
    "EXCEL_CELL_LIMIT",
    "cited_texts",
    "digest_corpus",
    "digest_principles",
    "recover_title",
    "date_evidence",
    "policy_collection_raw",
    "policy_collection",
    "national_corpus",
    "folder_documents",
    "folder_doc_ids",
    "load_folder",
    "load_corpus",
    "LONG_CLAUSE",
    "load_clauses",
]
