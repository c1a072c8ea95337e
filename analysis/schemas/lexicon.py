"""Schemas of the lexicon tables: the jieba user dictionary, the policy stopwords and the English glosses."""
from __future__ import annotations

import pandera.pandas as pa

_SOURCE = r"^(report p\.\d{1,2}|report front matter|national corpus|[a-z0-9]+(?:-[a-z0-9]+)*)$"

SCHEMAS = {
    "userdict": pa.DataFrameSchema(
        {
            "term": pa.Column("string", pa.Check.str_matches(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._]+$"), unique=True,
                              description="Governance term that jieba must keep as one token; only characters "
                                          "jieba's dictionary lookup can see (CJK, ASCII letters/digits, +#&._)."),
            "pos": pa.Column("string", pa.Check.str_matches(r"^[a-z]{1,4}$"),
                             description="jieba part-of-speech tag given to the term (n noun, nz proper noun, "
                                         "v verb, vn verbal noun, a adjective)."),
            "freq": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                              description="jieba word frequency; empty = jieba's suggest_freq (enough to keep "
                                          "the term whole)."),
            "source": pa.Column("string", pa.Check.str_matches(_SOURCE),
                                description="First place the term was found: 'report p.N' (printed page of the "
                                            "CAICT report), 'report front matter', a documents.doc_id of a cited "
                                            "text, or 'national corpus' (LawRefBook national law)."),
            "example": pa.Column("string", pa.Check.str_length(min_value=2),
                                 description="Verbatim context of the first occurrence (PDF line breaks and "
                                             "full-width letters normalised by analysis.text.tokens.normalize)."),
            "note": pa.Column("string", nullable=True,
                              description="What the term is, and how jieba's default dictionary cuts it "
                                          "('jieba default: a/b' or 'keeps it whole')."),
        },
        name="userdict",
        description="Project user dictionary for jieba: governance terms kept whole by analysis.text.tokens, each "
                    "attested in the report or a corpus text.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/userdict.csv", "primary_key": ["term"]},
    ),
    "stopwords_policy": pa.DataFrameSchema(
        {
            "word": pa.Column("string", pa.Check.str_length(min_value=1), unique=True,
                              description="Token removed as policy/legal boilerplate by "
                                          "analysis.text.tokens.stopwords('policy')."),
            "reason": pa.Column("string", pa.Check.str_length(min_value=3),
                                description="Why the word carries no topical content (drafting role, with "
                                            "typical phrases)."),
            "evidence": pa.Column("string", pa.Check.str_length(min_value=3),
                                  description="Document-frequency evidence in words and the selection rule."),
            "national_clauses_with_word": pa.Column("Int64", pa.Check.ge(0),
                                                    description="Clauses of the LawRefBook national-law corpus "
                                                                "containing the word (count)."),
            "national_clauses": pa.Column("Int64", pa.Check.ge(1),
                                          description="Clauses in the national-law corpus (count)."),
            "cited_clauses_with_word": pa.Column("Int64", pa.Check.ge(0),
                                                 description="Clauses of the cited texts (8 laws, 5 policies) "
                                                             "containing the word (count)."),
            "cited_clauses": pa.Column("Int64", pa.Check.ge(1),
                                       description="Clauses in the cited-texts corpus (count)."),
        },
        checks=[
            pa.Check(lambda df: df["national_clauses_with_word"] >= 0.02 * df["national_clauses"],
                     element_wise=False, name="national_share_at_least_2pct"),
            pa.Check(lambda df: df["cited_clauses_with_word"] >= 0.02 * df["cited_clauses"],
                     element_wise=False, name="cited_share_at_least_2pct"),
        ],
        name="stopwords_policy",
        description="Policy and legal-drafting boilerplate words present in at least 2% of clauses of both the "
                    "national-law corpus and the cited texts, chosen on reading among those (content words such "
                    "as 国家, 数据, 安全 that pass the threshold are kept as terms).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/stopwords_policy.csv", "primary_key": ["word"]},
    ),
    "term_glosses": pa.DataFrameSchema(
        {
            "term": pa.Column("string", pa.Check.str_length(min_value=1), unique=True,
                              description="A token of the project segmentation shown in a figure."),
            "gloss_en": pa.Column("string", pa.Check.str_length(min_value=2),
                                  description="Short English gloss of the term as the report uses it."),
        },
        name="term_glosses",
        description="English glosses printed beside Chinese terms in figures (notebook 04's term dot plots, "
                    "notebook 08's keyness and topic figures), written by an AI assistant (Claude) from each term's "
                    "use in the report's chapter 三 or in the local regulations; a reading aid, not a standard "
                    "translation.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/term_glosses.csv", "primary_key": ["term"]},
    ),
}
