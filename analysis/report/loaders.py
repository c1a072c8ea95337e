"""Loaders for the project's tables: one call each, validated against the schema, typed.

Every loader reads the CSV under ``data/``, validates it (raising :class:`analysis.tables.DataError`
with every problem, naming file, line and column) and returns a DataFrame with nullable integer,
float, boolean and string columns and categoricals for columns with a closed set of values.
``data/README.md`` documents every column.
"""
from __future__ import annotations

import pandas as pd

from ..tables import load_table


def load_report() -> pd.DataFrame:
    """The report's cleaned paragraphs in reading order (table ``report_paragraphs``).

    Columns include ``para_id``, ``order``, ``page``, ``section_path``, ``heading``, ``is_heading``, ``text``.
    """
    return load_table("report_paragraphs")


def load_footnotes() -> pd.DataFrame:
    """The report's 15 footnotes with page and the paragraph that cites each (table ``report_footnotes``)."""
    return load_table("report_footnotes")


def load_captions() -> pd.DataFrame:
    """Figure and table captions with their credited sources (table ``report_captions``)."""
    return load_table("report_captions")


def load_indicators() -> pd.DataFrame:
    """Every quantitative statement in the report, one row each, with page and verbatim sentence."""
    return load_table("indicators")


def load_documents() -> pd.DataFrame:
    """Every document the report cites, with number, issuer, dates and the rule line it is filed under.

    This is the processed table (``data/processed/documents.csv``): the hand-curated rows completed
    from the State Council metadata, with the source of every value.

    Adds ``published`` (datetime64: the first day of ``date_published``'s year or month when the
    precision is coarser; read it together with ``date_published_precision``).
    """
    docs = load_table("documents_processed")
    if "date_published" in docs:
        docs["published"] = period_start(docs["date_published"])
    return docs


def period_start(dates: pd.Series) -> pd.Series:
    """ISO dates of mixed precision (``2022``, ``2022-06``, ``2022-06-23``) → datetime64 of the period's first day."""
    text = dates.astype("string")
    padded = text.where(text.str.len() != 4, text + "-01-01")
    padded = padded.where(padded.str.len() != 7, padded + "-01")
    return pd.to_datetime(padded, format="%Y-%m-%d", errors="raise")


def load_egov_survey() -> pd.DataFrame:
    """UN E-Government Survey 2003–2024: one row per country and survey year (EGDI, rank, components)."""
    return load_table("egov_survey")


def load_milestones() -> pd.DataFrame:
    """The milestones of the report's Figure 1 (stages of digital-technology use in government)."""
    return load_table("milestones")


def load_provincial_levels() -> pd.DataFrame:
    """Provincial online-service capability levels (the report's Figure 2 series) as public sources give them."""
    return load_table("provincial_service_levels")
