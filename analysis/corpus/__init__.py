"""Intake: policy texts from their files to tables of documents, paragraphs and clauses.

Everything here reads and segments; nothing is a model. The methods (:mod:`analysis.text`: tokens, keywords,
topics, networks, instruments, reuse), the report branch (:mod:`analysis.report`) and :mod:`analysis.distributed`
import from this package; nothing here imports from them (``tests/test_layout.py``).

==================  ==========================================================================
module              what it holds
==================  ==========================================================================
``table``           the corpus table: ``CORPUS_COLUMNS`` and how rows become one (the lowest module)
``clauses``         clause segmentation (章/节/条/款/项, 一、/（一）, sentences) with exact offsets
``readers``         a user's files → text: .txt/.md, .docx, .pdf, saved .html; unsupported files named;
                    the Kangxi/compatibility-ideograph mapping every reader applies
``metadata``        title, 文号, issuing body and dates read from a policy text
``report_text``     the report's PDF text layer → paragraphs, footnotes, captions (``parse_report``)
``folders``         a researcher's own folder of documents (``load_folder``)
``local``           the local-regulation corpus (7 provinces) and what is inferred about each text
``corpora``         the named corpora (cited, digest, collection, national; local via ``local``),
                    ``load_corpus`` and ``load_clauses``
``stats``           corpus summaries, law outlines, and the timing of technology rules in State Council titles
==================  ==========================================================================

Imports run one way, up this table: a module imports only modules listed above it (``stats`` none at all), so
``corpora`` dispatches to ``folders`` and ``local`` while both build on ``table``. The names below are the package's
public API
(``from analysis.corpus import load_corpus``); ``analysis.load_corpus`` and ``analysis.load_clauses`` are the same
functions.
"""
from __future__ import annotations

from .table import CORPUS_COLUMNS
from .readers import read_document
from .metadata import text_metadata
from .clauses import CLAUSE_COLUMNS, segment, structure
from .report_text import parse_report
from .folders import intake_report, load_folder
from .local import local_corpus, local_documents
from .corpora import (CORPUS_NAMES, cited_texts, digest_corpus, digest_principles, load_clauses, load_corpus,
                      national_corpus, policy_collection)

__all__ = [
    "CORPUS_COLUMNS",
    "read_document",
    "text_metadata",
    "CLAUSE_COLUMNS",
    "segment",
    "structure",
    "parse_report",
    "load_folder",
    "intake_report",
    "local_corpus",
    "local_documents",
    "CORPUS_NAMES",
    "cited_texts",
    "digest_corpus",
    "digest_principles",
    "policy_collection",
    "national_corpus",
    "load_corpus",
    "load_clauses",
]
