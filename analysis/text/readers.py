"""``analysis.text.readers`` moved to :mod:`analysis.corpus.readers`. The old name is kept so that existing imports
keep working: this module re-exports the public names and holds no code. New code imports from
:mod:`analysis.corpus`.
"""
from __future__ import annotations

from ..corpus.readers import (  # noqa: F401
    CONVERSIONS, Document, SUPPORTED_SUFFIXES, UnreadableFileError, UnsupportedFileError, conversion_hint, decode_text,
    read_document, read_docx, read_html, read_pdf, read_text, warn_caller,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "CONVERSIONS",
    "UnsupportedFileError",
    "UnreadableFileError",
    "Document",
    "conversion_hint",
    "warn_caller",
    "decode_text",
    "read_text",
    "read_docx",
    "read_pdf",
    "read_html",
    "read_document",
]
