"""Schemas of the keyword-analysis tables (analysis.text.keywords)."""
from __future__ import annotations

import pandera.pandas as pa

_VERSION = r"^[0-9a-f]{16}$"

SCHEMAS = {
    "national_term_counts": pa.DataFrameSchema(
        {
            "term": pa.Column("string", unique=True,
                              description="A token of the project segmentation (analysis.text.tokens.tokenize_series with "
                                          "stop=None, numbers=False: normalised text, jieba with the project user "
                                          "dictionary, punctuation and numbers with their unit removed, no stopwords "
                                          "removed — analysis.text.keywords.reference_counts removes them when the table is "
                                          "used, so editing a stopword list does not make the table stale)."),
            "tf": pa.Column("Int64", pa.Check.ge(1),
                            description="Occurrences of the term in the whole national-law corpus. Every term is kept "
                                        "(no frequency cut), so the sum of tf is the corpus size in tokens."),
            "df": pa.Column("Int64", pa.Check.ge(1),
                            description="Clauses (analysis.corpus.clauses segmentation) containing the term at least once."),
            "n_clauses": pa.Column("Int64", pa.Check.ge(1),
                                   description="Clauses in the corpus (the same value on every row)."),
            "dictionary_version": pa.Column("string", pa.Check.str_matches(_VERSION),
                                            description="analysis.text.tokens.dictionary_version() of the segmentation "
                                                        "used (hash of the user dictionary, jieba version, "
                                                        "normalisation version and mode; same value on every row). "
                                                        "If it differs from the current value the table is stale: "
                                                        "run `python -m analysis build`."),
        },
        checks=[pa.Check(lambda df: (df["df"] <= df["tf"]) & (df["df"] <= df["n_clauses"]), element_wise=False,
                         name="df_at_most_tf_and_n_clauses"),
                pa.Check(lambda df: df["n_clauses"].nunique() <= 1 and df["dictionary_version"].nunique() <= 1,
                         element_wise=False, name="one_corpus_one_version")],
        name="national_term_counts",
        description="Reference word-frequency list of the LawRefBook national-law corpus "
                    "(data/raw/lawrefbook-national.tar.xz, 1,512 files), built by "
                    "analysis.text.keywords.build_national_term_counts so that notebooks never tokenise the 7.5M-character "
                    "corpus: one row per term with its frequency and clause frequency, sorted by tf descending then "
                    "term. Used as the reference corpus for keyness (the report's digest and the cited texts against "
                    "national law).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/national_term_counts.csv", "primary_key": ["term"]},
    ),
}
