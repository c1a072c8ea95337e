"""Schemas of the local-regulation corpus and the local × national text-reuse tables
(analysis.corpus.local, analysis.text.reuse)."""
from __future__ import annotations

import pandera.pandas as pa

from . import iso_date_check

_LOCAL_ID = r"^(山东|河南|浙江|上海|北京|重庆|广东)/.+$"
_KINDS = ["省级地方性法规", "设区的市法规", "经济特区法规", "浦东新区法规", "单行条例", "自治条例"]
_TOPICS = ["data", "big data", "digital economy", "informatisation", "e-government and government services",
           "service hotline", "blockchain", "artificial intelligence", "network security"]
_LABELS = ["verbatim", "edited", "independent", "formula", "boilerplate"]
_BOILER = ["purpose", "commencement", "interpretation", "deference"]


def _date(desc: str, nullable: bool = True) -> pa.Column:
    return pa.Column("string", iso_date_check(), nullable=nullable, description=desc)


SCHEMAS = {
    "local_digital_regulations": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", pa.Check.str_matches(_LOCAL_ID), unique=True,
                                description="Local-corpus doc id (<province>/<file name without .md>)."),
            "title": pa.Column("string", description="Title of the regulation (its # line)."),
            "topic": pa.Column("string", pa.Check.isin(_TOPICS), description="Digital-governance topic."),
            "reason": pa.Column("string", pa.Check.str_length(min_value=10),
                                description="Why it is included, quoting the regulation (usually its article 1)."),
        },
        name="local_digital_regulations",
        description="The digital-governance regulations among the 1,911 local regulations (data, big data, digital "
                    "economy, informatisation, e-government and government services, service hotlines, blockchain, "
                    "AI, network security), chosen by reading the titles matching 数据|数字|信息|政务|热线|区块链|"
                    "人工智能|网络|智慧|一网 and their article 1; telecommunications, radio, postal, surveying, "
                    "e-commerce and social-credit regulations were read and left out.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/local_digital_regulations.csv", "primary_key": ["doc_id"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
    "reuse_gold": pa.DataFrameSchema(
        {
            "pair_id": pa.Column("string", pa.Check.str_matches(r"^g\d{3}$"), unique=True,
                                 description="Pair id in reading order (g001 …)."),
            "stratum": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]),
                                 description="Containment stratum of the seeded draw (analysis.text.reuse.GOLD_STRATA: "
                                             "1 = [0.10, 0.30), 2 = [0.30, 0.45), 3 = [0.45, 0.65), 4 = [0.65, 1])."),
            "containment": pa.Column("Float64", pa.Check.in_range(0.1, 1.0),
                                     description="Shared 5-gram shingles / shingles of the smaller unit at the draw "
                                                 "(normalisation of that time, reuse.normalize_draw); defines the "
                                                 "stratum."),
            "source_doc": pa.Column("string", pa.Check.str_matches(_LOCAL_ID),
                                    description="Local regulation (local_documents.doc_id)."),
            "source_unit": pa.Column("string", description="Article path in the local regulation (第X章/第Y条)."),
            "target_doc": pa.Column("string", description="National text (national corpus doc_id)."),
            "target_unit": pa.Column("string", description="Article path in the national text."),
            "label": pa.Column("string", pa.Check.isin(_LABELS),
                               description="Label following data/curated/reuse_labelling_guide.md, by one labeller, an "
                                           "AI assistant (no second labeller, no agreement measure)."),
        },
        name="reuse_gold",
        description="Gold set of 220 local × national article pairs for the text-reuse detector: drawn by "
                    "analysis.text.reuse.draw_gold (seed 20251129, 55 per containment stratum) before anything was "
                    "labelled, then labelled by an AI assistant following data/curated/reuse_labelling_guide.md. "
                    "The detector's thresholds were fixed before the draw and not changed after.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/reuse_gold.csv", "primary_key": ["pair_id"],
                  "foreign_keys": {"source_doc": "local_documents.doc_id"}},
    ),
    "local_documents": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", pa.Check.str_matches(_LOCAL_ID), unique=True,
                                description="<province>/<file name without .md> in data/raw/lawrefbook-local.tar.xz."),
            "title": pa.Column("string", description="The file's # line."),
            "province": pa.Column("string", pa.Check.isin(["山东", "河南", "浙江", "上海", "北京", "重庆", "广东"]),
                                  description="Province pack (LawRefBook DLC folder)."),
            "issuer": pa.Column("string", nullable=True,
                                description="Place of the adopting people's congress: from the first promulgation "
                                            "line, else the place the title starts with; empty if neither."),
            "issuer_evidence": pa.Column("string", pa.Check.isin(["promulgation line", "title", "none"]),
                                         description="Where issuer comes from."),
            "kind": pa.Column("string", pa.Check.isin(_KINDS), nullable=True,
                              description="Kind of local regulation (analysis.corpus.local.kind_of); empty when the "
                                          "issuer is unknown."),
            "level": pa.Column("string", pa.Check.isin(["province", "city", "autonomous county"]), nullable=True,
                               description="Issuing level (province includes 北京/上海/重庆 and 浦东新区法规)."),
            "version_date": _date("Date in the file name (the version); empty where the name has none."),
            "adopted": _date("First adoption (promulgation line saying 通过); empty without promulgation lines."),
            "last_amended": _date("Latest amending event among every date of the promulgation lines (修正/修订/"
                                  "修改, or the 批准 that brought an amendment into force; "
                                  "analysis.corpus.local.date_events); empty if never amended or unknown."),
            "db_publish": _date("law.publish in the pack's db.sqlite3."),
            "db_valid_from": _date("law.valid_from in the pack's db.sqlite3."),
            "expired": pa.Column("boolean", description="law.expired in the pack's db.sqlite3."),
            "n_chars": pa.Column("Int64", pa.Check.ge(1), description="Characters of the whole file."),
            "n_articles": pa.Column("Int64", pa.Check.ge(0), description="第X条 lines of the body (after a table of "
                                                                         "contents, if any)."),
            "article_gaps": pa.Column("Int64", pa.Check.ge(0), nullable=True,
                                      description="Article numbers that do not follow their predecessor by one; "
                                                  "empty without articles."),
            "has_commencement": pa.Column("boolean", nullable=True,
                                          description="One of the last three articles states commencement."),
            "toc_repeated": pa.Column("boolean", description="A chapter heading occurs twice (table of contents)."),
            "cut_short": pa.Column("boolean", nullable=True,
                                   description="Looks incomplete: article_gaps > 0 or no commencement at the end."),
            "latest_version": pa.Column("boolean", description="Newest file of this title in its province."),
            "digital": pa.Column("boolean", description="Listed in data/curated/local_digital_regulations.csv."),
            "sha256": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{64}$"),
                                description="SHA-256 of the file's text (UTF-8)."),
        },
        name="local_documents",
        description="The 1,911 local regulations of data/raw/lawrefbook-local.tar.xz (山东, 河南, 浙江, 上海, 北京, "
                    "重庆, 广东), one row per file with the metadata analysis.corpus.local infers (issuer, kind, dates, "
                    "completeness flags) and the pack database's dates and expired flag; built by "
                    "analysis.corpus.local.local_documents.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/local_documents.csv", "primary_key": ["doc_id"]},
    ),
    "reuse_pairs": pa.DataFrameSchema(
        {
            "source_doc": pa.Column("string", pa.Check.str_matches(_LOCAL_ID), description="Local regulation."),
            "source_unit": pa.Column("string", description="Local article path (第X章/第Y条)."),
            "source_start": pa.Column("Int64", pa.Check.ge(0),
                                      description="Start of the aligned span in the local file's text."),
            "source_end": pa.Column("Int64", pa.Check.ge(1), description="End of that span."),
            "source_clauses": pa.Column("string", nullable=True,
                                        description="Clauses of the local article the span touches (第2款;第2款/（一）)."),
            "target_doc": pa.Column("string", description="National text (national corpus doc_id, best version)."),
            "target_unit": pa.Column("string", description="National article path."),
            "target_start": pa.Column("Int64", pa.Check.ge(0),
                                      description="Start of the aligned span in the national file's text."),
            "target_end": pa.Column("Int64", pa.Check.ge(1), description="End of that span."),
            "target_clauses": pa.Column("string", nullable=True,
                                        description="Clauses of the national article the span touches."),
            "matched": pa.Column("Int64", pa.Check.ge(1), description="Normalised characters aligned."),
            "similarity": pa.Column("Float64", pa.Check.in_range(0, 1),
                                    description="2 × matched / (normalised local span + national span)."),
            "coverage_target": pa.Column("Float64", pa.Check.in_range(0, 1),
                                         description="matched / normalised length of the national article."),
            "boilerplate": pa.Column("string", pa.Check.isin(_BOILER), nullable=True,
                                     description="Boilerplate kind of the local article; empty if substantive."),
            "n_target_titles": pa.Column("Int64", pa.Check.ge(1),
                                         description="Distinct national titles the local article is confirmed "
                                                     "against; 10 or more marks it formulaic (a drafting formula "
                                                     "shared by many laws, reported apart)."),
        },
        checks=[pa.Check(lambda df: (df["source_end"] > df["source_start"]) & (df["target_end"] > df["target_start"]),
                         element_wise=False, name="spans_not_empty")],
        name="reuse_pairs",
        description="Every local article confirmed to restate a national article (analysis.text.reuse.find_reuse with "
                    "DEFAULTS; candidates by 5-gram shingle containment, local alignment with rapidfuzz): both doc "
                    "ids and article paths, the aligned spans as offsets into each file's text, similarity, and the "
                    "boilerplate and formula flags; best version per national title (target_doc names the version; "
                    "its title is the national corpus's), at most 2 titles per local article and 1 for a formulaic "
                    "one. Built by analysis.text.reuse.build_reuse_tables.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_pairs.csv",
                  "primary_key": ["source_doc", "source_unit", "target_doc"],
                  "foreign_keys": {"source_doc": "local_documents.doc_id"}},
    ),
    "reuse_documents": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", pa.Check.str_matches(_LOCAL_ID), unique=True,
                                description="Local regulation."),
            "body_chars": pa.Column("Int64", pa.Check.ge(0), description="Characters of its articles (body)."),
            "restated_chars": pa.Column("Int64", pa.Check.ge(0),
                                        description="Union of aligned local spans that restate national law (neither "
                                                    "boilerplate nor formulaic)."),
            "formulaic_chars": pa.Column("Int64", pa.Check.ge(0), description="Union of formulaic spans."),
            "boilerplate_chars": pa.Column("Int64", pa.Check.ge(0), description="Union of boilerplate spans."),
            "restated_share": pa.Column("Float64", pa.Check.in_range(0, 1),
                                        description="restated_chars / body_chars."),
            "n_pairs": pa.Column("Int64", pa.Check.ge(0), description="Substantive pairs."),
        },
        name="reuse_documents",
        description="Per local regulation, the share of its body that restates national law (substantive pairs of "
                    "reuse_pairs), with formulaic and boilerplate characters apart.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_documents.csv", "primary_key": ["doc_id"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
    "reuse_synthetic": pa.DataFrameSchema(
        {
            "trial": pa.Column("Int64", pa.Check.ge(0), unique=True, description="Trial number."),
            "k": pa.Column("Int64", pa.Check.ge(0), description="Random character edits applied to the copy."),
            "edit_share": pa.Column("Float64", pa.Check.ge(0), description="k / characters of the article."),
            "national_doc": pa.Column("string", description="National text the article comes from."),
            "national_unit": pa.Column("string", description="The copied national article."),
            "detected": pa.Column("boolean", description="A pair from the inserted article to that national title."),
            "same_article": pa.Column("boolean", description="…to that very article."),
            "start_error": pa.Column("Int64", nullable=True,
                                     description="Detected local span start minus the inserted article's start "
                                                 "(characters); empty if not detected."),
            "end_error": pa.Column("Int64", nullable=True,
                                   description="Inserted article's end minus the detected span end (the final 。 "
                                               "is never part of an alignment, so 1 is exact)."),
            "similarity": pa.Column("Float64", nullable=True, description="Similarity of the detected pair."),
        },
        name="reuse_synthetic",
        description="Synthetic test of the reuse detector (analysis.text.reuse.synthetic_edits, seed 20251130): 60 "
                    "national articles copied into local regulations as a new article with k = 0, 2, 5, 10, 20, "
                    "40 random character edits, and whether find_reuse finds them against the whole national "
                    "corpus, with the offset errors of the detected span.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_synthetic.csv", "primary_key": ["trial"]},
    ),
    "reuse_gold_evaluation": pa.DataFrameSchema(
        {
            "pair_id": pa.Column("string", pa.Check.str_matches(r"^g\d{3}$"), unique=True,
                                 description="reuse_gold.pair_id."),
            "stratum": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]), description="reuse_gold.stratum."),
            "label": pa.Column("string", pa.Check.isin(_LABELS), description="reuse_gold.label (AI assistant)."),
            "shared": pa.Column("Int64", pa.Check.ge(0),
                                description="5-gram shingles the two articles share under the current "
                                            "normalisation (after the max_df filter)."),
            "containment_now": pa.Column("Float64", pa.Check.in_range(0, 1),
                                         description="shared / shingles of the smaller article, current normalisation."),
            "matched": pa.Column("Int64", pa.Check.ge(0), description="Characters aligned (0 if no alignment)."),
            "similarity": pa.Column("Float64", pa.Check.in_range(0, 1), description="Alignment similarity."),
            "candidate": pa.Column("boolean", description="Passes the candidate step (min_shared, min_containment)."),
            "confirmed": pa.Column("boolean", description="Candidate and passes min_matched and min_similarity."),
            "apart": pa.Column("boolean", description="Confirmed but reported apart (boilerplate or formulaic)."),
            "outcome": pa.Column("string", pa.Check.isin(["tp", "fp", "fn", "tn", "apart", "counted", "dropped"]),
                                 description="tp/fp/fn/tn for verbatim+edited against independent; apart/counted/"
                                             "dropped for formula and boilerplate pairs."),
        },
        name="reuse_gold_evaluation",
        description="The detector's decision on each of the 220 gold pairs, against the AI assistant's label "
                    "(analysis.text.reuse.evaluate_gold, built by python -m analysis build); "
                    "analysis.text.reuse.precision_recall turns it into precision and recall with Wilson intervals.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_gold_evaluation.csv", "primary_key": ["pair_id"],
                  "foreign_keys": {"pair_id": "reuse_gold.pair_id"}},
    ),
}
