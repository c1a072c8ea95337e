"""Schemas of the curated tables behind the policy-text corpora (analysis.corpus.corpora)."""
from __future__ import annotations

import pandera.pandas as pa

_DOC_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_COLL_ID = r"^(central|shandong)-\d{3}$"
_RULE_LINES = ["共性规则", "技术规则"]
_CATEGORIES = ["立项建设", "运营管理", "数据治理", "安全管理", "数字鸿沟", "互联网", "大数据", "人工智能", "区块链"]
_SECTION_PATH = r"^三(/（[一二三四五六七八九十]+）(/\d{1,2})?)?$"

SCHEMAS = {
    "cited_texts": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", pa.Check.str_matches(_DOC_ID), unique=True,
                                description="Fixed document id of a cited text held in full (documents.doc_id)."),
            "title": pa.Column("string", description="Chinese title of the document as issued."),
            "kind": pa.Column("string", description="Type of instrument: law, administrative regulation, "
                                                    "judicial interpretation, local regulation, State Council "
                                                    "document, …"),
            "source_file": pa.Column("string", pa.Check.str_startswith("data/raw/"),
                                     description="File holding the text, relative to the repository root."),
            "sheet": pa.Column("string", nullable=True,
                               description="Worksheet name for spreadsheet sources; empty for Markdown files."),
            "row": pa.Column("Int64", pa.Check.ge(2), nullable=True,
                             description="1-based Excel row of the text in that sheet; empty for Markdown files."),
            "policy_no": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                                   description="Value of the sheet's No. column in that row (checked on load)."),
            "notes": pa.Column("string", nullable=True,
                               description="What the source text includes or lacks (e.g. a missing covering "
                                           "notice), from reading it."),
        },
        checks=[pa.Check(lambda df: df["sheet"].isna() == df["row"].isna(), element_wise=False,
                         name="sheet_and_row_together")],
        name="cited_texts",
        description="Where the project's full texts of the documents the report cites come from: one row per "
                    "document, mapping its fixed doc_id to a LawRefBook Markdown file or a row of the "
                    "xvshiting policy spreadsheet.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/cited_texts.csv", "primary_key": ["doc_id"],
                  "foreign_keys": {"doc_id": "documents.doc_id"}},
    ),
    "policy_collection_review": pa.DataFrameSchema(
        {
            "coll_id": pa.Column("string", pa.Check.str_matches(_COLL_ID), unique=True,
                                 description="Row id in the policy spreadsheet: sheet (central/shandong) and No., "
                                             "e.g. central-056."),
            "sheet": pa.Column("string", pa.Check.isin(["Central Policies Table", "ShanDong Policies Table"]),
                               description="Worksheet of data/raw/xvshiting-policies/policies-data.xlsx."),
            "row": pa.Column("Int64", pa.Check.ge(2), description="1-based Excel row."),
            "policy_no": pa.Column("Int64", pa.Check.ge(1), description="Value of the No. column."),
            "decision": pa.Column("string", pa.Check.isin(["keep", "drop-duplicate", "drop-news",
                                                           "drop-defective"]),
                                  description="Whether the row enters the cleaned collection, and if not why."),
            "duplicate_of": pa.Column("string", pa.Check.str_matches(_COLL_ID), nullable=True,
                                      description="coll_id of the row kept in its place (duplicates) or the "
                                                  "row it copies; empty otherwise."),
            "reason": pa.Column("string", nullable=True,
                                description="Why, from reading the text (required for every drop); notes on kept "
                                            "rows that are not normative policy texts or are defective."),
            "date_flag": pa.Column("string", pa.Check.isin(["unreliable"]), nullable=True,
                                   description="'unreliable' when reading shows the Release Time is wrong; empty "
                                               "otherwise (automatic checks are added on load)."),
            "date_reason": pa.Column("string", nullable=True,
                                     description="Evidence for date_flag, quoting the text."),
        },
        checks=[
            pa.Check(lambda df: (df["decision"] == "keep") | df["reason"].notna(), element_wise=False,
                     name="drops_have_reasons"),
            pa.Check(lambda df: (df["decision"] != "drop-duplicate") | df["duplicate_of"].notna(),
                     element_wise=False, name="duplicates_name_the_kept_row"),
            pa.Check(lambda df: df["date_flag"].isna() == df["date_reason"].isna(), element_wise=False,
                     name="date_flag_has_reason"),
        ],
        name="policy_collection_review",
        description="Reading review of all 221 rows of the xvshiting policy spreadsheet (166 central, 55 "
                    "Shandong): which rows are duplicates, news items or defective and are dropped from the "
                    "extended collection, and which Release Time values are wrong.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/policy_collection_review.csv", "primary_key": ["coll_id"]},
    ),
    "digest_labels": pa.DataFrameSchema(
        {
            "label_id": pa.Column("string", pa.Check.str_matches(r"^dl-\d{3}$"), unique=True,
                                  description="Label id, dl-001 …"),
            "section_path": pa.Column("string", pa.Check.str_matches(_SECTION_PATH),
                                      description="Place in the report's chapter 三 (report_paragraphs.section_path); "
                                                  "a section row labels every paragraph below it."),
            "label_kind": pa.Column("string", pa.Check.isin(["section", "principle"]),
                                    description="'section': rule line/category of a subsection; 'principle': one "
                                                "item of a named set of principles the report states."),
            "rule_line": pa.Column("string", pa.Check.isin(_RULE_LINES), nullable=True,
                                   description="Rule line under which the report files the section."),
            "category": pa.Column("string", pa.Check.isin(_CATEGORIES), nullable=True,
                                  description="Category of that rule line (the subsection topic); empty for the "
                                              "rule-line sections themselves. The report's heading says 运行管理 "
                                              "for the category named 运营管理 here."),
            "principle_set": pa.Column("string", pa.Check.isin(
                ["internet-application-principles", "data-sharing-principles", "ai-governance-principles",
                 "blockchain-pilot-requirements"]), nullable=True,
                description="Named set the item belongs to (principle rows only)."),
            "item_no": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                                 description="Position of the item in the set as the report orders it."),
            "item": pa.Column("string", nullable=True, description="The item as the report words it."),
            "anchor": pa.Column("string", nullable=True,
                                description="Verbatim text locating the item in the paragraph (found exactly once "
                                            "on load, in the paragraph holding quote if ambiguous)."),
            "page": pa.Column("Int64", pa.Check.in_range(18, 36),
                              description="Printed report page of the heading (section rows) or of the "
                                          "paragraph holding the anchor (principle rows)."),
            "quote": pa.Column("string", description="Verbatim report text: the heading (section rows) or the "
                                                     "sentence announcing the set (principle rows)."),
        },
        checks=[
            pa.Check(lambda df: (df["label_kind"] == "section") | (
                df["principle_set"].notna() & df["item_no"].notna() & df["anchor"].notna()),
                element_wise=False, name="principles_complete"),
        ],
        name="digest_labels",
        description="How the report files its own digest of the rules (chapter 三): rule line and category per "
                    "subsection, and the named principles it states (six for Internet applications, four for "
                    "data sharing, eight for AI governance, four for blockchain pilots).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/digest_labels.csv", "primary_key": ["label_id"]},
    ),
}
