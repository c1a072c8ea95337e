"""Schemas of the policy-instrument tables (dictionary, in-sample and held-out evaluation sets, coder 2's codes)."""
import pandera.pandas as pa

_SUBTYPES = ["人才培养", "资金投入", "技术支持", "基础设施建设", "公共服务", "信息支持",
             "目标规划", "法规管制", "标准规范", "金融税收", "组织建设与考核评估", "策略性措施",
             "政府采购", "示范试点", "服务外包", "国际合作与贸易管制", "应用推广"]
_TYPES = ["供给型", "环境型", "需求型"]
# guide_codes: empty, or subtypes joined by "|"
_CODES_RE = r"^$|^(" + "|".join(_SUBTYPES) + r")(\|(" + "|".join(_SUBTYPES) + r"))*$"

SCHEMAS = {
    "instrument_dictionary": pa.DataFrameSchema(
        {
            "subtype": pa.Column("string", pa.Check.isin(_SUBTYPES), nullable=False,
                                 description="Policy-instrument subtype of the coding guide (Rothwell & Zegveld, Chinese policy-text literature)."),
            "type": pa.Column("string", pa.Check.isin(_TYPES), nullable=False,
                              description="Instrument type: 供给型 supply side, 环境型 environment side, 需求型 demand side."),
            "keyword": pa.Column("string", pa.Check.str_length(min_value=1), nullable=False,
                                 description="Chinese keyword; a clause where it matches (leftmost-longest over all keywords, so a keyword nested in a longer matched one does not count there) is coded with the subtype."),
            "note": pa.Column("string", nullable=True,
                              description="Why the keyword is ambiguous or broad, if it is; empty otherwise."),
        },
        name="instrument_dictionary",
        description="Keyword dictionary implementing data/curated/instrument_coding_guide.md; one row per subtype × keyword, written from the guide's definitions.",
        strict=True, ordered=True, coerce=True,
        unique=["subtype", "keyword"],
        metadata={"path": "data/curated/instrument_dictionary.csv", "primary_key": ["subtype", "keyword"]},
    ),
    "instrument_sample": pa.DataFrameSchema(
        {
            "sample_id": pa.Column("string", pa.Check.str_matches(r"^ins-\d{3}$"), unique=True, nullable=False,
                                   description="Stable id of the sampled clause, ins-001 … in corpus order."),
            "doc_id": pa.Column("string", nullable=False,
                                description="Document the clause comes from (documents.doc_id)."),
            "source": pa.Column("string", nullable=False,
                                description="Raw file (and sheet/row No. for the xlsx) the clause text was taken from."),
            "clause_text": pa.Column("string", pa.Check.str_length(min_value=12), nullable=False,
                                     description="The clause (sentence or ；-item) verbatim from the source."),
            "guide_codes": pa.Column("string", pa.Check.str_matches(_CODES_RE), nullable=True,
                                     description="Instrument subtypes assigned by an AI assistant working on this project, reading the clause against the coding guide (not a human coder), joined by '|'; empty = no instrument."),
        },
        name="instrument_sample",
        description="In-sample evaluation set: 170 clauses drawn at random (numpy default_rng(20221130)) from the cited laws and policies and coded by an AI assistant before the dictionary was run; the same assistant then wrote the dictionary after reading these clauses, so precision/recall on this set is graded by the dictionary's author (optimistic).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/instrument_sample.csv", "primary_key": ["sample_id"],
                  "foreign_keys": {"doc_id": "documents.doc_id"}},
    ),
    "instrument_heldout": pa.DataFrameSchema(
        {
            "clause_key": pa.Column("string", pa.Check.str_matches(r"^ho-\d{3}$"), unique=True, nullable=False,
                                    description="Stable id of the held-out unit, ho-001 … in (doc_id, clause_id) order."),
            "doc_id": pa.Column("string", nullable=False,
                                description="Document of the extended collection (policy_collection doc_id, e.g. central-025, shandong-018)."),
            "clause_id": pa.Column("string", pa.Check.str_matches(r"^u\d{4}$"), nullable=False,
                                   description="Position of the sentence unit in its document (analysis.text.instruments.heldout_units)."),
            "source": pa.Column("string", nullable=False,
                                description="Raw file, sheet, row and No. the document text was taken from."),
            "text": pa.Column("string", pa.Check.str_length(min_value=12), nullable=False,
                              description="The sentence unit verbatim (spaces removed), as made by sentence_units()."),
            "guide_codes": pa.Column("string", pa.Check.str_matches(_CODES_RE), nullable=True,
                                     description="Coder 1's subtypes: an AI assistant following the written guide strictly, coded before the dictionary was run on these units and frozen; '|'-joined; empty = no instrument."),
        },
        name="instrument_heldout",
        description="Held-out evaluation set: 160 sentence units drawn with numpy default_rng(20261129) from the extended collection minus the cited texts (texts not read when the dictionary was written); coded by coder 1 (an AI assistant, the same kind of coder that wrote the dictionary) strictly by the guide, committed before the dictionary was run on them.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/instrument_heldout.csv", "primary_key": ["clause_key"]},
    ),
    "instrument_heldout_coder2": pa.DataFrameSchema(
        {
            "clause_key": pa.Column("string", pa.Check.str_matches(r"^ho-\d{3}$"), unique=True, nullable=False,
                                    description="Held-out unit (instrument_heldout.clause_key)."),
            "guide_codes": pa.Column("string", pa.Check.str_matches(_CODES_RE), nullable=True,
                                     description="Coder 2's subtypes: a separate AI-assistant session that saw only the coding guide and the unit texts; '|'-joined; empty = no instrument."),
            "note": pa.Column("string", nullable=True,
                              description="Coder 2's own short reason for the codes (guide rule cited as rN)."),
        },
        name="instrument_heldout_coder2",
        description="Second, independent coding of 100 units of the held-out set by a separate AI-assistant session started by the project's coordinator on 2026-11-29, which saw only the coding guide and the unit texts (not coder 1's codes, not the dictionary); its file coded.csv is copied verbatim, column codes renamed guide_codes, rows sorted by clause_key. Used for inter-coder agreement (Cohen's kappa, analysis.text.instruments.coder_agreement).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/instrument_heldout_coder2.csv", "primary_key": ["clause_key"],
                  "foreign_keys": {"clause_key": "instrument_heldout.clause_key"}},
    ),
}
