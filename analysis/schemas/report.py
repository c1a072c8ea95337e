"""Schemas of the tables built from the report text by ``analysis.corpus.report_text`` (data/processed/report_*.csv)."""
from __future__ import annotations

import pandera.pandas as pa

_SECTION_PATH = r"^(前言|[一二三四五六七八九十]+(/（[一二三四五六七八九十]+）(/\d{1,2})?)?)$"

SCHEMAS = {
    "report_paragraphs": pa.DataFrameSchema(
        {
            "para_id": pa.Column("string", pa.Check.str_matches(r"^p\d{4}$"), unique=True,
                                 description="Paragraph id in reading order, p0001, p0002, …"),
            "order": pa.Column("Int64", pa.Check.ge(1), unique=True,
                               description="1-based position of the paragraph in reading order."),
            "page": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                              description="Printed page number on which the paragraph starts; "
                                          "empty in the front matter (前言), whose pages are "
                                          "numbered in roman numerals."),
            "page_end": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                                  description="Printed page number on which the paragraph ends; "
                                              "empty in the front matter."),
            "section_path": pa.Column("string", pa.Check.str_matches(_SECTION_PATH),
                                      description="Place in the report's outline: chapter / "
                                                  "section / subsection numbers as printed, e.g. "
                                                  "前言, 一, 一/（一）, 三/（二）/1."),
            "heading": pa.Column("string",
                                 description="Text of the innermost heading enclosing the "
                                             "paragraph, as printed (with its number)."),
            "is_heading": pa.Column("boolean",
                                    description="True if the paragraph is itself a heading line."),
            "text": pa.Column("string", pa.Check.str_length(min_value=1),
                              description="Paragraph text with line breaks, page headers, "
                                          "footnote lines and footnote reference digits removed; "
                                          "characters otherwise as in the raw text."),
            "n_chars": pa.Column("Int64", pa.Check.ge(1),
                                 description="Length of text in Unicode characters."),
            "line_start": pa.Column("Int64", pa.Check.ge(1),
                                    description="First raw line (1-based) of the paragraph in "
                                                "data/raw/report/caict-2022-digital-governance-report.txt."),
            "line_end": pa.Column("Int64", pa.Check.ge(1),
                                  description="Last raw line (1-based) of the paragraph."),
        },
        checks=[
            pa.Check(lambda df: df["line_end"] >= df["line_start"], element_wise=False,
                     name="line_end_after_line_start"),
            pa.Check(lambda df: df["n_chars"] == df["text"].str.len(), element_wise=False,
                     name="n_chars_is_text_length"),
        ],
        name="report_paragraphs",
        description="One row per paragraph of the CAICT 2022 report (headings included, flagged), "
                    "cleaned from the PDF-extracted text by analysis.corpus.report_text.parse_report.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/report_paragraphs.csv", "primary_key": ["para_id"]},
    ),
    "report_footnotes": pa.DataFrameSchema(
        {
            "number": pa.Column("Int64", pa.Check.in_range(1, 15), unique=True,
                                description="Footnote number as printed (1–15)."),
            "page": pa.Column("Int64", pa.Check.ge(1),
                              description="Printed page at whose bottom the footnote stands."),
            "text": pa.Column("string", pa.Check.str_length(min_value=1),
                              description="Footnote text without its number, continuation lines "
                                          "joined."),
            "para_id": pa.Column("string", pa.Check.str_matches(r"^p\d{4}$"),
                                 description="Paragraph whose text carries the reference to this "
                                             "footnote (the reference digits are removed there)."),
            "line_start": pa.Column("Int64", pa.Check.ge(1),
                                    description="First raw line (1-based) of the footnote."),
            "line_end": pa.Column("Int64", pa.Check.ge(1),
                                  description="Last raw line (1-based) of the footnote."),
        },
        name="report_footnotes",
        description="The report's 15 footnotes (sources of figures and statements).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/report_footnotes.csv", "primary_key": ["number"],
                  "foreign_keys": {"para_id": "report_paragraphs.para_id"}},
    ),
    "report_captions": pa.DataFrameSchema(
        {
            "kind": pa.Column("string", pa.Check.isin(["图", "表"]),
                              description="图 (figure) or 表 (table)."),
            "number": pa.Column("Int64", pa.Check.ge(1),
                                description="Figure or table number as printed."),
            "title": pa.Column("string", pa.Check.str_length(min_value=1),
                               description="Caption title as printed, without 图 N / 表 N."),
            "source": pa.Column("string", pa.Check.str_length(min_value=1),
                                description="Text of the caption's 来源： (source) line after the "
                                            "colon."),
            "page": pa.Column("Int64", pa.Check.ge(1),
                              description="Printed page of the caption line."),
            "para_id_before": pa.Column("string", pa.Check.str_matches(r"^p\d{4}$"),
                                        nullable=True,
                                        description="Last paragraph before the caption in reading "
                                                    "order."),
            "line_caption": pa.Column("Int64", pa.Check.ge(1),
                                      description="Raw line (1-based) of the 图 N / 表 N caption."),
            "line_source": pa.Column("Int64", pa.Check.ge(1),
                                     description="Raw line (1-based) of the 来源： line."),
        },
        name="report_captions",
        description="Figure and table captions of the report with their stated sources.",
        strict=True, ordered=True, coerce=True,
        unique=["kind", "number"],
        metadata={"path": "data/processed/report_captions.csv", "primary_key": ["kind", "number"],
                  "foreign_keys": {"para_id_before": "report_paragraphs.para_id"}},
    ),
}
