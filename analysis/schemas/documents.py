"""Schemas of the documents table: every policy, law, regulation, standard, local rule, judicial
interpretation and report the CAICT report cites or lists (hand-entered in data/curated/documents.csv),
and the processed table (data/processed/documents.csv) with missing numbers and dates filled from the
State Council policy-library metadata."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from . import iso_date_check

KINDS = ["law", "administrative regulation", "State Council document", "ministry document", "party document",
         "national standard", "local rule", "judicial interpretation", "research report", "plan", "other"]
LEVELS = ["central", "local"]
RULE_LINES = ["共性规则", "技术规则"]
CATEGORIES = {
    "共性规则": ["立项建设", "运营管理", "数据治理", "安全管理", "数字鸿沟"],
    "技术规则": ["互联网", "大数据", "人工智能", "区块链"],
}
ALL_CATEGORIES = CATEGORIES["共性规则"] + CATEGORIES["技术规则"]
TABLE1_DOMAINS = ["总体", "政务服务", "医疗健康", "民政服务", "知识产权保护", "不动产登记", "旅游"]
PRECISIONS = ["year", "month", "day"]

#: Accepted shapes of a document number (文号, decree number or standard number).
DOC_NUMBER_PATTERNS = {
    "文号": r"[\u4e00-\u9fff]+〔(?:19|20)\d{2}〕\d+号",              # 国发〔2022〕14号, 法释〔2021〕15号
    "令": r"[\u4e00-\u9fff]*令第\d+号",                               # 国令第745号, 主席令第53号
    "标准": r"GB(?:/T|/Z)? \d+(?:\.\d+)?-(?:19|20)\d{2}",             # GB/T 31167-2014
    "公告": r"公告(?:19|20)\d{2}年第\d+号",                            # 公告2019年第2号
}
DOC_NUMBER_RE = r"^(?:%s)$" % "|".join(DOC_NUMBER_PATTERNS.values())
SECTION_RE = r"^(前言|[一二三四](/（[一二三四五六]）(/[1-9])?)?)(;(前言|[一二三四](/（[一二三四五六]）(/[1-9])?)?))*$"
_PREC_LEN = {"year": 4, "month": 7, "day": 10}


def _precision_matches(df: pd.DataFrame, date_col: str) -> pd.Series:
    date, prec = df[date_col], df[f"{date_col}_precision"]
    want = prec.map(lambda p: _PREC_LEN.get(p) if isinstance(p, str) else None)
    ok = (date.isna() & prec.isna()) | (date.notna() & (date.str.len() == want))
    return ok.fillna(False).astype(bool)


def _source_present(df: pd.DataFrame, value_col: str, source_col: str) -> pd.Series:
    return (df[value_col].isna() | df[source_col].notna()).astype(bool)


def _category_matches_line(df: pd.DataFrame) -> pd.Series:
    def ok(line, cat):
        if pd.isna(line):
            return pd.isna(cat)
        return (not pd.isna(cat)) and cat in CATEGORIES[line]
    return pd.Series([ok(a, b) for a, b in zip(df["rule_line"], df["category"])], index=df.index)


def _table1_consistent(df: pd.DataFrame) -> pd.Series:
    row, dom = df["table1_row"], df["table1_domain"]
    both_or_none = row.isna() == dom.isna()
    general = (row != 1) | (dom == "总体")
    rest = (row == 1) | (dom != "总体")
    return (both_or_none & general.fillna(True) & rest.fillna(True)).astype(bool)


def _columns(processed: bool) -> dict[str, pa.Column]:
    src = (" In the processed table also filled from the State Council metadata or derived "
           "(see the *_source column).") if processed else ""
    cols = {
        "doc_id": pa.Column("string", pa.Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)*$"), unique=True,
                            description="Stable ASCII kebab-case slug of the document (fixed ids for the 13 texts held in full)."),
        "title": pa.Column("string", description="Full official title in Chinese; where the official title could not be verified, the report's wording (see notes)."),
        "short_name": pa.Column("string", description="The title exactly as the report writes it (often a short or slightly different form)."),
        "doc_number": pa.Column("string", pa.Check.str_matches(DOC_NUMBER_RE), nullable=True,
                                description="Document number (文号, e.g. 国发〔2022〕14号; decree number, e.g. 国令第745号; standard number, e.g. GB/T 31167-2014); empty if none or unknown." + src),
        "doc_number_source": pa.Column("string", nullable=True, description="Where doc_number comes from (report page, lawrefbook file, curated official fact, or spreadsheet row)."),
        "issuer_zh": pa.Column("string", nullable=True, description="Issuing body or bodies in Chinese, ';'-separated; empty (with a note) when no shipped source gives it — a document-number prefix is not used as a source."),
        "issuer_en": pa.Column("string", nullable=True, description="Issuing body or bodies in English, ';'-separated, in the order of issuer_zh."),
        "issuer_source": pa.Column("string", nullable=True, description="Where issuer_zh comes from: the title naming the issuer, a report page and sentence (or footnote), a State Council library row, or the full text's own promulgation/signature line; per issuer when they differ. Empty exactly when issuer_zh is empty."),
        "kind": pa.Column("string", pa.Check.isin(KINDS), description="Kind of document (law, administrative regulation, State Council document, ministry document, party document, national standard, local rule, judicial interpretation, research report, plan, other)."),
        "level": pa.Column("string", pa.Check.isin(LEVELS), nullable=True, description="Government level of the issuer (central or local); empty for non-government or international issuers."),
        "date_written": pa.Column("string", iso_date_check(), nullable=True,
                                  description="成文日期: date the document was signed, adopted or issued (印发/出台/通过), ISO YYYY, YYYY-MM or YYYY-MM-DD." + src),
        "date_written_precision": pa.Column("string", pa.Check.isin(PRECISIONS), nullable=True, description="Precision of date_written: year, month or day."),
        "date_written_source": pa.Column("string", nullable=True, description="Where date_written comes from (report page and verbatim phrase, lawrefbook file name or promulgation line, curated official fact, spreadsheet row)."),
        "date_published": pa.Column("string", iso_date_check(), nullable=True,
                                    description="发布日期: date the document was published (发布; Table 1's 发布时间), ISO YYYY, YYYY-MM or YYYY-MM-DD." + src),
        "date_published_precision": pa.Column("string", pa.Check.isin(PRECISIONS), nullable=True, description="Precision of date_published: year, month or day."),
        "date_published_source": pa.Column("string", nullable=True, description="Where date_published comes from (as for date_written_source)."),
        "rule_line": pa.Column("string", pa.Check.isin(RULE_LINES), nullable=True, description="The report's rule line the document is filed under in chapter 三: 共性规则 (三/（二）) or 技术规则 (三/（三）); empty if not discussed in chapter 三."),
        "category": pa.Column("string", pa.Check.isin(ALL_CATEGORIES), nullable=True, description="Chapter-三 subsection where the document is first discussed (立项建设…数字鸿沟 under 共性规则; 互联网/大数据/人工智能/区块链 under 技术规则); all citing sections are in cited_sections."),
        "table1_row": pa.Column("Int64", pa.Check.in_range(1, 20), nullable=True, unique=True, description="Row number (序号, 1–20) in the report's Table 1 中央出台的主要互联网融合应用制度规范; empty if not in Table 1."),
        "table1_domain": pa.Column("string", pa.Check.isin(TABLE1_DOMAINS), nullable=True, description="Table 1's 领域 column (row 1, general, stored as 总体); empty if not in Table 1."),
        "cited_sections": pa.Column("string", pa.Check.str_matches(SECTION_RE), description="Report sections citing the document, ';'-separated paths in reading order (e.g. 三/（二）/1); 前言 for the preface."),
        "first_page": pa.Column("Int64", pa.Check.in_range(1, 38), description="First printed (arabic-numbered) page mentioning the document (footnotes count on their page); mentions in the 前言 are listed in cited_sections only."),
        "full_text_in_project": pa.Column("boolean", description="True for the 13 documents whose full text the project holds (data/raw/lawrefbook-laws or xvshiting-policies)."),
        "notes": pa.Column("string", nullable=True, description="Free-text remarks: how the report names or dates the document, identification doubts."),
    }
    if processed:
        cols.update({
            "sc_url": pa.Column("string", nullable=True, description="URL of the matched entry of the State Council policy library (policy-transparency-china metadata); empty if no exact title match."),
            "sc_dates_row": pa.Column("Int64", pa.Check.ge(2), nullable=True, description="Spreadsheet row (header = row 1) of the match in state-council-dates.xlsx."),
            "sc_numbers_row": pa.Column("Int64", pa.Check.ge(2), nullable=True, description="Spreadsheet row (header = row 1) of the match in state-council-document-numbers.xlsx."),
            "sc_title": pa.Column("string", nullable=True, description="Title of the matched metadata entry, verbatim."),
            "sc_match": pa.Column("string", pa.Check.isin(["title", "title-unwrapped", "short_name", "short_name-unwrapped"]), nullable=True,
                                  description="How the match was made: exact normalised equality of our title or short_name with the metadata title, or with the metadata title stripped of its 关于印发/转发…的通知 wrapper (-unwrapped)."),
            "sc_date_written": pa.Column("string", iso_date_check(), nullable=True, description="成文日期 (iss) of the matched entry, YYYY-MM-DD, as the metadata gives it."),
            "sc_date_published": pa.Column("string", iso_date_check(), nullable=True, description="发布日期 (pub) of the matched entry, YYYY-MM-DD, as the metadata gives it."),
            "sc_doc_number": pa.Column("string", nullable=True, description="document_number_parsed of the matched entry, verbatim; empty if the metadata has none."),
            "conflicts": pa.Column("string", nullable=True, description="Disagreements between the curated value and the metadata or between fields ('; '-separated); the curated value is kept."),
        })
    return cols


_CHECKS = [
    pa.Check(lambda df: _precision_matches(df, "date_written"), name="date_written_precision_matches", error="date_written and its precision disagree"),
    pa.Check(lambda df: _precision_matches(df, "date_published"), name="date_published_precision_matches", error="date_published and its precision disagree"),
    pa.Check(lambda df: _source_present(df, "date_written", "date_written_source"), name="date_written_has_source", error="date_written without a source"),
    pa.Check(lambda df: _source_present(df, "date_published", "date_published_source"), name="date_published_has_source", error="date_published without a source"),
    pa.Check(lambda df: _source_present(df, "doc_number", "doc_number_source"), name="doc_number_has_source", error="doc_number without a source"),
    pa.Check(lambda df: _source_present(df, "issuer_zh", "issuer_source") & _source_present(df, "issuer_source", "issuer_zh"), name="issuer_has_source", error="issuer_zh without issuer_source, or a source without an issuer"),
    pa.Check(_category_matches_line, name="category_in_rule_line", error="category is not one of its rule line's categories"),
    pa.Check(_table1_consistent, name="table1_row_domain_consistent", error="table1_row and table1_domain disagree (row 1 is 总体, others are domains)"),
]

SCHEMAS = {
    "documents": pa.DataFrameSchema(
        _columns(processed=False),
        checks=_CHECKS,
        name="documents",
        description=("One row per document the report cites or lists (policies, laws, regulations, standards, local rules, "
                     "judicial interpretations, reports; all 《…》 titles, Table 1's 20 rows, and documents named without 《》), "
                     "entered by hand. Dates and numbers only where a source gives them: the report (page + phrase), the "
                     "lawrefbook file names/promulgation lines, or an official fact. Report dates with 印发/出台/制定/通过 are "
                     "stored as date_written, with 发布 (and Table 1's 发布时间) as date_published."),
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/documents.csv", "primary_key": ["doc_id"]},
    ),
    "documents_processed": pa.DataFrameSchema(
        _columns(processed=True),
        checks=_CHECKS,
        name="documents_processed",
        description=("The documents table with missing doc_number / date_written / date_published filled from the State Council "
                     "policy-library metadata (exact normalised title match; a curated value at coarser precision is refined "
                     "when the metadata agrees with it), then date_written years from the year in the document number; "
                     "every filled value names its source row; disagreements are listed in conflicts. Built by "
                     "analysis.report.documents.build_documents."),
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/documents.csv", "primary_key": ["doc_id"],
                  "foreign_keys": {"doc_id": "documents.doc_id"}},
    ),
}
