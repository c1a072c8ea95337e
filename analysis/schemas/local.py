"""Schemas of the local-regulation corpus and the local × national text-reuse tables
(analysis.corpus.local, analysis.text.reuse)."""
from __future__ import annotations

import pandera.pandas as pa

from . import iso_date_check

_LOCAL_ID = r"^(山东|河南|浙江|上海|北京|重庆|广东)/.+$"
_KINDS = ["省级地方性法规", "设区的市法规", "经济特区法规", "浦东新区法规", "单行条例", "自治条例"]
_TOPICS = ["data", "big data", "digital economy", "informatisation", "e-government and government services",
           "service hotline", "blockchain", "artificial intelligence", "network security"]
_LABELS = ["verbatim", "edited", "independent", "formula", "boilerplate", "stock"]
_KINDS_REUSE = ["substantive", "formula", "stock"]
_FORMULA_KINDS = ["purpose", "commencement", "interpretation", "deference", "penalty", "duty_crime", "referral",
                  "remedy", "complaint", "award", "planning", "three_simultaneous", "common", "many_titles"]
_WHO = ("labelled by independent AI-assistant sessions (Claude) that saw only the guide and the two articles' "
        "texts; see reuse_gold_labels")


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
            "pair_id": pa.Column("string", pa.Check.str_matches(r"^[gx]\d{3}$"), unique=True,
                                 description="Pair id in reading order (g001 … for the first draw, x001 … for the "
                                             "second)."),
            "draw": pa.Column("string", pa.Check.isin(["candidates-20251129", "output-20261207"]),
                              description="Which seeded draw: candidates-20251129 = analysis.text.reuse.draw_gold "
                                          "(candidate pool, containment ≥ 0.10, 55 per stratum 1–4); output-20261207 "
                                          "= analysis.text.reuse.draw_output_sample (pairs the detector counts as "
                                          "substantive, by stratum 0–4, where the first draw was thin)."),
            "stratum": pa.Column("Int64", pa.Check.isin([0, 1, 2, 3, 4]),
                                 description="Containment stratum of the draw (analysis.text.reuse.containment_stratum: "
                                             "0 = below 0.10, 1 = [0.10, 0.30), 2 = [0.30, 0.45), 3 = [0.45, 0.65), "
                                             "4 = [0.65, 1])."),
            "containment": pa.Column("Float64", pa.Check.in_range(0.0, 1.0),
                                     description="Shared 5-gram shingles / shingles of the smaller unit at the draw "
                                                 "(first draw: the normalisation of that time, reuse.normalize_draw); "
                                                 "defines the stratum."),
            "source_doc": pa.Column("string", pa.Check.str_matches(_LOCAL_ID),
                                    description="Local regulation (local_documents.doc_id)."),
            "source_unit": pa.Column("string", description="Article path in the local regulation (第X章/第Y条)."),
            "target_doc": pa.Column("string", description="National text (national corpus doc_id)."),
            "target_unit": pa.Column("string", description="Article path in the national text."),
        },
        name="reuse_gold",
        description="Gold pairs (local × national articles) for the text-reuse detector, from two seeded draws made "
                    "before the pairs were labelled; the labels are in reuse_gold_labels.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/reuse_gold.csv", "primary_key": ["pair_id"],
                  "foreign_keys": {"source_doc": "local_documents.doc_id"}},
    ),
    "reuse_gold_labels": pa.DataFrameSchema(
        {
            "pair_id": pa.Column("string", pa.Check.str_matches(r"^[gx]\d{3}$"), description="reuse_gold.pair_id."),
            "round": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4, 5]),
                               description="1 = guide v1, all g pairs, the engineer who wrote the detector (2026-11-29); "
                                           "2 = guide v2, all g pairs, assistant-a; 3 = guide v2, 120 g pairs (30 per "
                                           "stratum, seed 20261207), assistant-b; 4 = the adjudicator, where rounds 2 "
                                           "and 3 disagree; 5 = guide v2, all x pairs, assistant-c (2026-12-07)."),
            "labeller": pa.Column("string", pa.Check.isin(["engineer", "assistant-a", "assistant-b", "adjudicator",
                                                           "assistant-c"]),
                                  description="Who labelled: engineer = an AI assistant (Claude) working as this "
                                              "project's engineer, who wrote the detector (in-sample); assistant-a/b/c "
                                              "and adjudicator = separate AI-assistant sessions (Claude) that saw only "
                                              "the guide and the two articles' texts (the adjudicator also the two "
                                              "labels and notes), never the stratum, scores or the detector's output."),
            "guide": pa.Column("string", pa.Check.isin(["v1", "v2"]),
                               description="Version of data/curated/reuse_labelling_guide.md followed."),
            "label": pa.Column("string", pa.Check.isin(_LABELS), description="The label."),
            "note": pa.Column("string", nullable=True, description="The labeller's reason, in its own words."),
        },
        unique=["pair_id", "round"],
        name="reuse_gold_labels",
        description="Every label every labeller gave a gold pair. The label used for evaluation "
                    "(analysis.text.reuse.final_labels) is the adjudicator's where rounds 2 and 3 disagree, else "
                    "round 2's (g pairs) or round 5's (x pairs).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/reuse_gold_labels.csv", "primary_key": ["pair_id", "round"],
                  "foreign_keys": {"pair_id": "reuse_gold.pair_id"}},
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
            "containment": pa.Column("Float64", pa.Check.in_range(0, 1),
                                     description="Shared shingles / shingles of the smaller article at the candidate "
                                                 "step (after the max_df filter); below 0.30 the pair came by the "
                                                 "second route (≥ route_shared shared shingles)."),
            "matched": pa.Column("Int64", pa.Check.ge(1), description="Normalised characters aligned."),
            "similarity": pa.Column("Float64", pa.Check.in_range(0, 1),
                                    description="2 × matched / (normalised local span + national span)."),
            "coverage_target": pa.Column("Float64", pa.Check.in_range(0, 1),
                                         description="matched / normalised length of the national article."),
            "common_share": pa.Column("Float64", pa.Check.in_range(0, 1),
                                      description="Share of the aligned national span's shingles found in ≥ 10 national "
                                                  "titles (full vocabulary, before max_df)."),
            "rare_shingles": pa.Column("Int64", pa.Check.ge(0),
                                       description="Shingles of the aligned national span found in < 10 titles."),
            "n_target_titles": pa.Column("Int64", pa.Check.ge(1),
                                         description="Distinct national titles the local article is confirmed "
                                                     "against."),
            "kind": pa.Column("string", pa.Check.isin(_KINDS_REUSE),
                              description="substantive restatement, formula (drafting formula or text shared with "
                                          "many laws) or stock (short or commonplace shared run); "
                                          "analysis.text.reuse.classify_pair."),
            "formula_kind": pa.Column("string", pa.Check.isin(_FORMULA_KINDS), nullable=True,
                                      description="Which formula (empty unless kind is formula)."),
        },
        checks=[pa.Check(lambda df: (df["source_end"] > df["source_start"]) & (df["target_end"] > df["target_start"]),
                         element_wise=False, name="spans_not_empty")],
        name="reuse_pairs",
        description="Every local article confirmed to restate a national article (analysis.text.reuse.find_reuse with "
                    "DEFAULTS; candidates by 5-gram shingle containment, local alignment with rapidfuzz): both doc "
                    "ids and article paths, the aligned spans as offsets into each file's text, similarity and the "
                    "kind of shared text. One version per national title (the one matching most; target_doc names "
                    "it) and every article of it the local article restates. Every substantive and stock pair is "
                    "kept; of formula pairs one per local article and formula kind (analysis.text.reuse."
                    "stored_pairs). Built by analysis.text.reuse.build_reuse_tables.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_pairs.csv",
                  "primary_key": ["source_doc", "source_unit", "target_doc", "target_unit"],
                  "foreign_keys": {"source_doc": "local_documents.doc_id"}},
    ),
    "reuse_documents": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", pa.Check.str_matches(_LOCAL_ID), unique=True,
                                description="Local regulation."),
            "body_chars": pa.Column("Int64", pa.Check.ge(0), description="Characters of its articles (body)."),
            "restated_chars": pa.Column("Int64", pa.Check.ge(0),
                                        description="Union of aligned local spans of substantive pairs."),
            "formula_chars": pa.Column("Int64", pa.Check.ge(0), description="Union of formula spans (all pairs)."),
            "stock_chars": pa.Column("Int64", pa.Check.ge(0), description="Union of stock-phrase spans."),
            "restated_share": pa.Column("Float64", pa.Check.in_range(0, 1),
                                        description="restated_chars / body_chars."),
            "formula_share": pa.Column("Float64", pa.Check.in_range(0, 1),
                                       description="formula_chars / body_chars."),
            "n_pairs": pa.Column("Int64", pa.Check.ge(0), description="Substantive pairs."),
        },
        name="reuse_documents",
        description="Per local regulation, the share of its body that restates national law (substantive pairs of "
                    "all pairs), with formula and stock characters apart.",
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
            "pair_id": pa.Column("string", pa.Check.str_matches(r"^[gx]\d{3}$"), unique=True,
                                 description="reuse_gold.pair_id."),
            "stratum": pa.Column("Int64", pa.Check.isin([0, 1, 2, 3, 4]), description="reuse_gold.stratum (of the draw)."),
            "label": pa.Column("string", pa.Check.isin(_LABELS),
                               description="Final label (analysis.text.reuse.final_labels; " + _WHO + ")."),
            "label_kind": pa.Column("string", pa.Check.isin(["substantive", "formula", "stock", "none"]),
                                    description="Kind of the label (verbatim/edited → substantive, formula/boilerplate "
                                                "→ formula, stock, independent → none)."),
            "shared": pa.Column("Int64", pa.Check.ge(0),
                                description="5-gram shingles the two articles share under the current "
                                            "normalisation (after the max_df filter)."),
            "containment_now": pa.Column("Float64", pa.Check.in_range(0, 1),
                                         description="shared / shingles of the smaller article, current normalisation."),
            "stratum_now": pa.Column("Int64", pa.Check.isin([0, 1, 2, 3, 4]),
                                     description="Stratum of containment_now (the strata the output is weighted by)."),
            "matched": pa.Column("Int64", pa.Check.ge(0), description="Characters aligned (0 if no alignment)."),
            "similarity": pa.Column("Float64", pa.Check.in_range(0, 1), description="Alignment similarity."),
            "candidate": pa.Column("boolean", description="Passes the candidate step (either route)."),
            "confirmed": pa.Column("boolean", description="Candidate and passes min_matched and min_similarity."),
            "kind": pa.Column("string", pa.Check.isin(_KINDS_REUSE + ["none"]),
                              description="The detector's kind for the pair (none when not confirmed)."),
            "formula_kind": pa.Column("string", pa.Check.isin(_FORMULA_KINDS), nullable=True,
                                      description="The detector's formula kind."),
            "truth": pa.Column("boolean", description="label_kind is substantive."),
            "predicted": pa.Column("boolean", description="kind is substantive."),
            "outcome": pa.Column("string", pa.Check.isin(["tp", "fp", "fn", "tn"]),
                                 description="Substantive restatement: tp/fp/fn/tn."),
        },
        name="reuse_gold_evaluation",
        description="The detector's decision on each gold pair against its final label "
                    "(analysis.text.reuse.evaluate_gold, built by python -m analysis build); "
                    "analysis.text.reuse_eval turns it into corpus-level precision and recall.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_gold_evaluation.csv", "primary_key": ["pair_id"],
                  "foreign_keys": {"pair_id": "reuse_gold.pair_id"}},
    ),
    "reuse_precision": pa.DataFrameSchema(
        {
            "population": pa.Column("string", description="What the estimate describes: the detector's substantive "
                                                          "output (precision) or the candidate pool at containment "
                                                          "≥ 0.10 (recall)."),
            "measure": pa.Column("string", pa.Check.isin(["precision", "recall"]), description="Measure."),
            "unit": pa.Column("string", pa.Check.isin(["pairs", "chars"]),
                              description="Counted by pairs, or by restated (aligned, normalised) characters."),
            "estimate": pa.Column("Float64", pa.Check.in_range(0, 1),
                                  description="Stratified estimate: stratum rates weighted by the population's strata."),
            "low": pa.Column("Float64", pa.Check.in_range(0, 1), description="2.5 % stratified-bootstrap percentile."),
            "high": pa.Column("Float64", pa.Check.in_range(0, 1), description="97.5 % percentile."),
            "naive": pa.Column("Float64", pa.Check.in_range(0, 1), description="Unweighted rate of the gold sample."),
            "n_gold": pa.Column("Int64", pa.Check.ge(1), description="Gold pairs in the naive denominator."),
            "effective_n": pa.Column("Float64", pa.Check.gt(0), description="Kish effective sample size."),
        },
        name="reuse_precision",
        description="Precision and recall of substantive restatement for the corpus, not the sample "
                    "(analysis.text.reuse.corpus_precision_recall; labels " + _WHO + "), with 95 % "
                    "stratified-bootstrap intervals (seed 20261207, 2,000 replicates).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_precision.csv", "primary_key": ["measure", "unit"]},
    ),
    "reuse_drafting": pa.DataFrameSchema(
        {
            "edit": pa.Column("string", pa.Check.isin(["verbatim", "local_detail", "reorder_list", "merge", "split",
                                                       "random_chars"]),
                              description="Synthetic drafting edit (analysis.text.reuse_eval.drafting_edits)."),
            "n": pa.Column("Int64", pa.Check.ge(1), description="Trials (national articles copied)."),
            "n_changed": pa.Column("Int64", pa.Check.ge(0), description="Trials the edit changed the text of."),
            "detected": pa.Column("Int64", pa.Check.ge(0), description="Copies found (a pair to the same title)."),
            "recall": pa.Column("Float64", pa.Check.in_range(0, 1), description="detected / n."),
            "recall_low": pa.Column("Float64", pa.Check.in_range(0, 1), description="Wilson 95 % lower bound."),
            "recall_high": pa.Column("Float64", pa.Check.in_range(0, 1), description="Wilson 95 % upper bound."),
            "same_article": pa.Column("Float64", pa.Check.in_range(0, 1), description="Share matched to that article."),
            "substantive": pa.Column("Float64", pa.Check.in_range(0, 1),
                                     description="Share found and counted substantive (the rest found as formula, "
                                                 "e.g. copied penalty articles)."),
            "median_similarity": pa.Column("Float64", pa.Check.in_range(0, 1), description="Of the detected pairs."),
        },
        name="reuse_drafting",
        description="Synthetic drafting edits (analysis.text.reuse_eval.synthetic_drafting_trials, seed 20261208): 60 "
                    "national articles per edit copied into local regulations with local detail inserted, lists "
                    "reordered, merged with the next article, split in two, or 10 random character edits.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/reuse_drafting.csv", "primary_key": ["edit"]},
    ),
}
