"""Schemas of the diffusion tables (analysis.text.diffusion: local × local reuse ordered in time) and the adoption
tables (analysis.text.adoption: digital-governance themes, first adoption, curves, the event-history model)."""
from __future__ import annotations

import pandera.pandas as pa

from . import iso_date_check

_LOCAL_ID = r"^(山东|河南|浙江|上海|北京|重庆|广东)/.+$"
_PROVINCES = ["山东", "河南", "浙江", "上海", "北京", "重庆", "广东"]
_CATEGORIES = ["diffusion", "common_national_source", "formula", "stock"]
_ORDERS = ["ordered", "same_date", "missing_date"]
_THEMES = ["data", "big data", "数字经济", "政务服务", "信息化"]
_FKS = {"earlier_doc": "local_documents.doc_id", "later_doc": "local_documents.doc_id"}


def _date(desc: str, nullable: bool = True) -> pa.Column:
    return pa.Column("string", iso_date_check(), nullable=nullable, description=desc)


def _int(desc: str, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=nullable, description=desc)


def _float(desc: str, nullable: bool = True, lo: float | None = None, hi: float | None = None) -> pa.Column:
    checks = [pa.Check.in_range(lo, hi)] if lo is not None and hi is not None else []
    return pa.Column("Float64", checks, nullable=nullable, description=desc)


def _doc(desc: str) -> pa.Column:
    return pa.Column("string", pa.Check.str_matches(_LOCAL_ID), description=desc)


_PROV = pa.Column("string", pa.Check.isin(_PROVINCES), description="Province (local_documents.province).")
_SOURCE = "newest versions of the 1,911 local regulations (local_documents.latest_version) compared with each other " \
          "by the reuse detector (analysis.text.reuse)"

SCHEMAS = {
    "diffusion_pairs": pa.DataFrameSchema(
        {
            "earlier_doc": _doc("The earlier-adopted regulation (the source of diffusion); for pairs without an order "
                                "(same or missing date) the first of the two in doc_id order."),
            "earlier_unit": pa.Column("string", description="Its article (第X章/第Y条)."),
            "earlier_start": _int("Start of the aligned span in the earlier regulation's text (character offset)."),
            "earlier_end": _int("End of that span."),
            "later_doc": _doc("The later-adopted regulation (the adopter); for pairs without an order the second."),
            "later_unit": pa.Column("string", description="Its article."),
            "later_start": _int("Start of the aligned span in the later regulation's text."),
            "later_end": _int("End of that span."),
            "order": pa.Column("string", pa.Check.isin(_ORDERS),
                               description="ordered (adoption dates differ), same_date or missing_date (never given a "
                                           "direction)."),
            "earlier_adopted": _date("local_documents.adopted of the earlier regulation (first adoption)."),
            "later_adopted": _date("local_documents.adopted of the later regulation."),
            "lag_years": _float("Later minus earlier adoption date, in years (days / 365.25); empty unless ordered."),
            "earlier_province": _PROV,
            "later_province": _PROV,
            "same_province": pa.Column("boolean", description="Both regulations of one province."),
            "matched": _int("Normalised characters the alignment matched."),
            "similarity": _float("2 × matched / (length of both normalised spans).", nullable=False, lo=0.0, hi=1.0),
            "containment": _float("Shared shingles / shingles of the smaller article at the candidate step.",
                                  nullable=False, lo=0.0, hi=1.0),
            "both_ways": pa.Column("boolean", description="The detector confirmed the pair in both directions (the "
                                                          "row with more matched characters is kept)."),
            "kind": pa.Column("string", pa.Check.isin(["substantive", "formula", "stock"]),
                              description="Kind of shared text (analysis.text.reuse.classify_pair; many_titles "
                                          "corrected for the article's own title)."),
            "formula_kind": pa.Column("string", nullable=True, description="Which formula, when kind is formula."),
            "category": pa.Column("string", pa.Check.isin(_CATEGORIES),
                                  description="diffusion; common_national_source (both articles restate the same "
                                              "national article in reuse_pairs); formula and stock set apart by kind."),
            "national_title": pa.Column("string", nullable=True,
                                        description="The national title both articles restate (common source)."),
            "national_unit": pa.Column("string", nullable=True, description="Its article."),
        },
        name="diffusion_pairs",
        description="Local × local article pairs: " + _SOURCE + ", pairs within one document or one title dropped, "
                    "each unordered pair of articles once, ordered in time by adoption date. Formula pairs are counted "
                    "in diffusion_counts and not stored.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_pairs.csv", "foreign_keys": _FKS},
    ),
    "diffusion_edges": pa.DataFrameSchema(
        {
            "earlier_doc": _doc("Source of diffusion (earlier adoption)."),
            "later_doc": _doc("Adopter (later adoption)."),
            "chars": _int("Characters of the later regulation covered by the diffusion spans shared with the earlier "
                          "one (union: overlapping spans count once); the edge weight of diffusion_network.graphml."),
            "later_share": _float("chars / the later regulation's body characters (its articles).", lo=0.0, hi=1.0),
            "n_pairs": _int("Diffusion article pairs."),
            "n_later_articles": _int("Articles of the later regulation in them."),
            "earlier_adopted": _date("Adoption date of the earlier regulation.", nullable=False),
            "later_adopted": _date("Adoption date of the later regulation.", nullable=False),
            "lag_years": _float("Later minus earlier adoption date, in years.", nullable=False),
            "earlier_province": _PROV,
            "later_province": _PROV,
            "same_province": pa.Column("boolean", description="Both of one province."),
        },
        unique=["earlier_doc", "later_doc"],
        name="diffusion_edges",
        description="The directed diffusion network (earlier → later regulation) as a table: one row per ordered pair "
                    "of regulations sharing diffusion text (diffusion_pairs, category diffusion, order ordered). The same "
                    "network is data/processed/diffusion_network.graphml, for Gephi (nodes: title, province, adopted, "
                    "kind, level, digital; edges: weight = chars, n_pairs, lag_years, same_province); notebook 09.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_edges.csv", "primary_key": ["earlier_doc", "later_doc"],
                  "foreign_keys": _FKS},
    ),
    "diffusion_regulations": pa.DataFrameSchema(
        {
            "rank": _int("Rank by out_degree, then out_chars, then doc_id (1 = most copied)."),
            "doc_id": _doc("Local regulation (newest version)."),
            "title": pa.Column("string", description="Title."),
            "province": _PROV,
            "level": pa.Column("string", nullable=True, description="local_documents.level."),
            "adopted": _date("First adoption date."),
            "digital": pa.Column("boolean", description="Listed in data/curated/local_digital_regulations.csv."),
            "out_degree": _int("Later regulations sharing diffusion text with it (edges out)."),
            "out_chars": _int("Sum of those edges' weights (characters of the later texts)."),
            "in_degree": _int("Earlier regulations it shares diffusion text with (edges in)."),
            "in_chars": _int("Characters of its own text shared with earlier regulations (union over all of them)."),
            "common_pairs": _int("Article pairs with another regulation set apart as common national source."),
            "unordered_pairs": _int("Diffusion article pairs without an order (same or missing adoption date)."),
            "out_degree_wording": _int("out_degree when only wording formulae are set apart (diffusion_sensitivity)."),
            "rank_wording": _int("rank by the same rule when only wording formulae are set apart."),
        },
        name="diffusion_regulations",
        description="Every newest-version local regulation with how much later regulations take from it (the "
                    "most-copied first) and how much it takes from earlier ones.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_regulations.csv", "primary_key": ["doc_id"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
    "diffusion_provinces": pa.DataFrameSchema(
        {
            "earlier_province": _PROV,
            "later_province": _PROV,
            "n_edges": _int("Diffusion edges from a regulation of the first province to one of the second."),
            "chars": _int("Sum of their weights (characters of the later texts)."),
            "lag_median": _float("Median lag (years)."),
            "lag_q25": _float("First quartile of the lag."),
            "lag_q75": _float("Third quartile of the lag."),
        },
        unique=["earlier_province", "later_province"],
        name="diffusion_provinces",
        description="Diffusion edges by province of the earlier and the later regulation (within a province on the "
                    "diagonal).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_provinces.csv",
                  "primary_key": ["earlier_province", "later_province"]},
    ),
    "diffusion_summary": pa.DataFrameSchema(
        {
            "scope": pa.Column("string", pa.Check.isin(["all", "within province", "across provinces",
                                                        "from digital-governance", "to digital-governance",
                                                        "neither digital"]), unique=True,
                               description="Which edges: all; within one province; across provinces; from or to a "
                                           "digital-governance regulation; neither end digital."),
            "n_edges": _int("Edges."),
            "n_sources": _int("Distinct earlier regulations."),
            "n_adopters": _int("Distinct later regulations."),
            "chars_median": _float("Median edge weight (characters of the later text)."),
            "later_share_median": _float("Median share of the later regulation's body an edge covers."),
            "lag_median": _float("Median lag (years)."),
            "lag_q25": _float("First quartile of the lag."),
            "lag_q75": _float("Third quartile of the lag."),
            "lag_within_2y": _float("Share of edges with a lag of at most two years.", lo=0.0, hi=1.0),
        },
        name="diffusion_summary",
        description="Diffusion edges within and across provinces, and for digital-governance regulations against the "
                    "rest.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_summary.csv", "primary_key": ["scope"]},
    ),
    "diffusion_counts": pa.DataFrameSchema(
        {
            "category": pa.Column("string", pa.Check.isin(_CATEGORIES + ["dropped: same document",
                                                                         "dropped: same title"]),
                                  description="Category of the pairs, or the pairs dropped before (an article against "
                                              "its own document; two files of one title)."),
            "order": pa.Column("string", pa.Check.isin(_ORDERS + ["all"]), description="Order in time."),
            "article_pairs": _int("Article pairs (unordered, once each; dropped rows: detector rows)."),
            "regulation_pairs": _int("Distinct pairs of regulations among them.", nullable=True),
        },
        unique=["category", "order"],
        name="diffusion_counts",
        description="All local × local pairs by category and order in time, formula pairs included.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_counts.csv", "primary_key": ["category", "order"]},
    ),
    "diffusion_sensitivity": pa.DataFrameSchema(
        {
            "rule": pa.Column("string", pa.Check.isin(["all formulae", "wording formulae only"]), unique=True,
                              description="all formulae: every formula the detector names is set apart (the default, "
                                          "the other diffusion tables); wording formulae only: formulae recognised "
                                          "from frequency in the local corpus (common, many_titles) are reclassified "
                                          "as stock or substantive (analysis.text.diffusion.wording_formulae_only)."),
            "formula_pairs": _int("Article pairs set apart as formula (all orders)."),
            "stock_pairs": _int("Article pairs set apart as stock."),
            "common_source_pairs": _int("Article pairs set apart as common national source."),
            "diffusion_pairs": _int("Diffusion article pairs (all orders)."),
            "n_edges": _int("Diffusion edges (ordered pairs of regulations)."),
            "edges_within": _int("Edges within one province."),
            "edges_across": _int("Edges across provinces."),
            "edges_digital": _int("Edges from or to a digital-governance regulation."),
            "n_sources": _int("Distinct earlier regulations."),
            "n_adopters": _int("Distinct later regulations."),
            "edges_in_default": _int("Edges the default rule also has."),
            "chars_total": _int("Sum of the edge weights (characters of the later texts)."),
            "lag_median": _float("Median lag (years)."),
            "lag_within_2y": _float("Share of edges with a lag of at most two years.", lo=0.0, hi=1.0),
            "top_in_default": _int("Of this rule's 20 most-copied regulations, how many are among the default's 20."),
        },
        name="diffusion_sensitivity",
        description="Sensitivity check: the diffusion counts when every formula is set apart (default) and when only "
                    "wording formulae are (frequency formulae counted in the local corpus catch shared local "
                    "templates).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/diffusion_sensitivity.csv", "primary_key": ["rule"]},
    ),
    "adoption_regulations": pa.DataFrameSchema(
        {
            "theme": pa.Column("string", pa.Check.isin(_THEMES), description="Digital-governance theme "
                                                                            "(analysis.text.adoption.THEMES)."),
            "doc_id": _doc("Local regulation (local_digital_regulations.doc_id)."),
            "title": pa.Column("string", description="Title."),
            "topic": pa.Column("string", description="Curated topic the theme is read from."),
            "basis": pa.Column("string", pa.Check.isin(["topic and title", "topic"]),
                               description="The curated topic gives the theme; 'and title' when the theme's title "
                                           "pattern agrees."),
            "province": _PROV,
            "issuer": pa.Column("string", nullable=True, description="Adopting place (local_documents.issuer)."),
            "level": pa.Column("string", nullable=True, description="province / city / autonomous county."),
            "adopted": _date("First adoption date."),
        },
        unique=["theme", "doc_id"],
        name="adoption_regulations",
        description="The curated digital-governance regulations in each of the five themes.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/adoption_regulations.csv", "primary_key": ["theme", "doc_id"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
    "adoption_first": pa.DataFrameSchema(
        {
            "theme": pa.Column("string", pa.Check.isin(_THEMES), description="Theme."),
            "level": pa.Column("string", pa.Check.isin(["province", "city"]),
                               description="province = the provincial congress; city = a city congress."),
            "unit": pa.Column("string", description="The adopting province or city (issuer)."),
            "province": _PROV,
            "doc_id": _doc("Its first regulation of the theme."),
            "adopted": _date("Adoption date of that regulation.", nullable=False),
            "year": pa.Column("Int64", pa.Check.in_range(1979, 2030), description="Its year."),
        },
        unique=["theme", "level", "unit"],
        name="adoption_first",
        description="First adoption of each digital-governance theme by each province and city.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/adoption_first.csv", "primary_key": ["theme", "level", "unit"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
    "adoption_curves": pa.DataFrameSchema(
        {
            "theme": pa.Column("string", pa.Check.isin(_THEMES), description="Theme."),
            "level": pa.Column("string", pa.Check.isin(["province", "city"]), description="province or city."),
            "year": pa.Column("Int64", pa.Check.in_range(1979, 2030), description="Year."),
            "adopters": _int("Units that have adopted the theme by the end of the year (cumulative)."),
            "units": _int("Units: the 7 provinces; cities observed by then (earliest adopted regulation in the "
                          "corpus)."),
            "share": _float("adopters / units.", lo=0.0, hi=1.0),
        },
        unique=["theme", "level", "year"],
        name="adoption_curves",
        description="Cumulative adoption curves of the digital-governance themes, 2000–2024.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/adoption_curves.csv", "primary_key": ["theme", "level", "year"]},
    ),
    "adoption_model": pa.DataFrameSchema(
        {
            "model": pa.Column("string", pa.Check.isin(["logit, cluster-robust (province)",
                                                        "linear probability, wild cluster bootstrap"]),
                               description="Pooled logit (statsmodels GLM Binomial) with cluster-robust SEs by province "
                                           "and t on G − 1 df; or the linear probability model with wild cluster "
                                           "restricted bootstrap p-values (Webb weights, all 6^G enumerated)."),
            "term": pa.Column("string", description="const, province_adopted, peer_share, national_law, year_c."),
            "coef": _float("Coefficient (log-odds for the logit; probability for the LPM)."),
            "se": _float("Cluster-robust standard error (CR1 for the LPM)."),
            "t": _float("coef / se."),
            "p": _float("p-value (t on G − 1 df), logit only.", lo=0.0, hi=1.0),
            "ci_low": _float("95 % interval, lower (logit only)."),
            "ci_high": _float("95 % interval, upper (logit only)."),
            "p_wild": _float("Wild cluster bootstrap p-value (LPM only).", lo=0.0, hi=1.0),
            "n_weights": _int("Bootstrap weight vectors (LPM only).", nullable=True),
            "n_rows": _int("City-year-theme rows."),
            "n_events": _int("Adoptions among them."),
            "n_clusters": _int("Provinces with cities (clusters)."),
            "converged": pa.Column("boolean", description="The logit's IRLS converged (always true for the LPM)."),
        },
        unique=["model", "term"],
        name="adoption_model",
        description="Discrete-time event-history model of a city's adoption of a digital-governance theme (themes "
                    "stacked). Few events and four clusters: read analysis.text.adoption's docstring (or notebook 09, section "
                    "6) before any number.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/adoption_model.csv", "primary_key": ["model", "term"]},
    ),
}
