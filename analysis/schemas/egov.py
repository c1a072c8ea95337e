"""Schemas of the e-government tables: the UN survey table, its per-file provenance,
the provincial service-level series (report Figure 2) and the milestone timeline
(report Figure 1)."""
from __future__ import annotations

import pandera.pandas as pa

ISO3 = r"^[A-Z]{3}$"
REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
SURVEY_YEARS = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
LEVELS = ["非常高", "高", "中", "低"]
LEVELS_EN = ["very high", "high", "medium", "low"]
STAGES = ["早期信息化", "电子政务", "数字政府"]
TECHNOLOGIES = ["计算机", "互联网", "移动互联网", "大数据", "人工智能", "区块链", "云计算"]
# one or more technologies, ";"-separated, each from TECHNOLOGIES
TECH_LIST = r"^(%s)(;(%s))*$" % ("|".join(TECHNOLOGIES), "|".join(TECHNOLOGIES))


def _index(name: str, what: str, upper: float = 1.0, extra: str = "") -> pa.Column:
    return pa.Column(
        "Float64", pa.Check.in_range(0, upper), nullable=True,
        description=f"{what} ({name.upper()}), 0–1, as the survey file gives it; missing when the "
                    "country was not assessed that year. Zeros in early years may stand for missing data "
                    "in the UN files (UNU-EGOV's copy of 2010 leaves 9 HCI and 2 TII cells empty where "
                    "the UN file has 0) and are kept as given." + extra,
    )


SCHEMAS = {
    "egov_sources": pa.DataFrameSchema(
        {
            "source_file": pa.Column("string", unique=True, description="Path of the raw file under data/raw/."),
            "role": pa.Column("string", pa.Check.isin(["survey", "regions", "iso3-crosswalk"]),
                              description="What the file is used for: survey values, the 2022 region column, or the name-to-ISO3 crosswalk."),
            "survey_year": pa.Column("Int64", pa.Check.isin(SURVEY_YEARS), description="UN E-Government Survey edition (year) the file holds."),
            "repository": pa.Column("string", description="Public GitHub repository (owner/name) the file was copied from."),
            "commit": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{40}$"), description="Commit of that repository the file was copied at."),
            "upstream_path": pa.Column("string", description="Path of the file inside that repository."),
            "licence": pa.Column("string", description="Licence stated by the repository (or 'none stated')."),
            "sha256": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{64}$"), description="SHA-256 of the raw file's bytes; verified on every build."),
            "encoding": pa.Column("string", pa.Check.isin(["utf-8", "utf-8-sig", "cp1252"]),
                                  description="Text encoding the file decodes cleanly with (checked by analysis.report.egov.detect_encoding)."),
            "line_terminator": pa.Column("string", pa.Check.isin(["LF", "CRLF"]), description="Line ends used in the file."),
            "n_data_rows": pa.Column("Int64", pa.Check.ge(1), description="Number of data rows (lines after the header)."),
            "note": pa.Column("string", nullable=True, description="Known peculiarities of the file."),
        },
        name="egov_sources",
        description="One row per raw UN E-Government Survey / UNU-EGOV file: where it comes from, its checksum, encoding and size.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/egov_sources.csv", "primary_key": ["source_file"]},
    ),
    "egov_survey": pa.DataFrameSchema(
        {
            "year": pa.Column("Int64", pa.Check.isin(SURVEY_YEARS), description="UN E-Government Survey edition (year)."),
            "country": pa.Column("string", description="Country name as the survey file gives it, surrounding spaces stripped."),
            "iso3": pa.Column("string", pa.Check.str_matches(ISO3),
                              description="ISO 3166-1 alpha-3 code, from the UNU-EGOV name crosswalk or the documented manual entries in analysis.report.egov.MANUAL_ISO3."),
            "region": pa.Column("string", pa.Check.isin(REGIONS), description="UN survey region (continent) of the country."),
            "region_source": pa.Column(
                "string",
                pa.Check.isin(["EGOV_DATA_2024_modified.csv Region column", "EGOV_WITH_REGIONS_DATA_2022.csv by iso3"]),
                description="Where region comes from: the 2024 file's own (third-party) Region column, or the UN 2022 regions file matched by iso3.",
            ),
            "egdi": _index("egdi", "E-Government Development Index"),
            "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True,
                              description="EGDI rank among the countries assessed that year (1 = best; ties share a rank); missing when not assessed."),
            "osi": _index("osi", "Online Service Index"),
            "hci": _index("hci", "Human Capital Index", upper=1.5,
                          extra=" The 2003 file gives values above 1 for Micronesia (1.422) and Tuvalu (1.03), kept as given."),
            "tii": _index("tii", "Telecommunication Infrastructure Index"),
            "epi": _index("epi", "E-Participation Index"),
            "assessed": pa.Column("boolean",
                                  description="False for placeholder rows (empty rank, all indices 0) of countries not yet UN members: Montenegro 2003–2005, South Sudan 2003–2010."),
            "source_file": pa.Column("string", description="Raw file (path under data/raw/) the row was read from."),
            "source_row": pa.Column("Int64", pa.Check.ge(1), description="1-based data-row number in source_file (header not counted)."),
        },
        name="egov_survey",
        description="UN E-Government Survey 2003–2024: one row per country (193) and survey year, built by analysis.report.egov.build_egov_survey.",
        strict=True, ordered=True, coerce=True,
        unique=["year", "iso3"],
        metadata={
            "path": "data/processed/egov_survey.csv",
            "primary_key": ["year", "iso3"],
            "foreign_keys": {"source_file": "egov_sources.source_file"},
            "built_by": "analysis.report.egov.write_egov_survey",
        },
    ),
    "provincial_service_levels": pa.DataFrameSchema(
        {
            "assessment_year": pa.Column("Int64", pa.Check.in_range(2015, 2022),
                                         description="Year assessed (the evaluation report is published the following year)."),
            "level": pa.Column("string", pa.Check.isin(LEVELS),
                               description="Capability level of the provincial online government-service index (非常高 = index above 90, 高 = 80–90, 中, 低)."),
            "level_en": pa.Column("string", pa.Check.isin(LEVELS_EN), description="English name of the level."),
            "n_provinces": pa.Column("Int64", pa.Check.in_range(0, 32),
                                     description="Number of provincial units (of 32: 31 provinces plus the Xinjiang Production and Construction Corps) at that level, as the source states."),
            "provinces": pa.Column("string", nullable=True,
                                   description="Names of those provincial units, ';'-separated in the source's order, where the source lists them."),
            "source_url": pa.Column("string", pa.Check.str_matches(r"^https?://"), description="Public web page the count comes from."),
            "source_note": pa.Column("string", description="What the page says (report title, shares) and what is not stated."),
        },
        name="provincial_service_levels",
        description=("Report Figure 2 (省级政府网上政务服务能力年度对比图): number of provincial units per capability level, "
                     "中央党校（国家行政学院）电子政务研究中心 assessments; only year-level pairs a public source states; absent pairs are unknown."),
        strict=True, ordered=True, coerce=True,
        unique=["assessment_year", "level"],
        metadata={"path": "data/curated/provincial_service_levels.csv", "primary_key": ["assessment_year", "level"]},
    ),
    "milestones": pa.DataFrameSchema(
        {
            "milestone_id": pa.Column("string", pa.Check.str_matches(r"^(stage|ms)-\d{2}$"), unique=True,
                                      description="Stable id: stage-NN for the three stages, ms-NN for events."),
            "kind": pa.Column("string", pa.Check.isin(["stage", "event"]), description="A stage span or a dated event."),
            "year_start": pa.Column("Int64", pa.Check.in_range(1970, 2022), nullable=True,
                                    description="First year (for decade precision the decade's first year, e.g. 1970 for 70年代); missing when the report gives no date."),
            "year_end": pa.Column("Int64", pa.Check.in_range(1970, 2022), nullable=True,
                                  description="Last year of a span; missing for a single-year event or an open-ended stage."),
            "date_text": pa.Column("string", nullable=True, description="The time expression exactly as it stands in the quote."),
            "date_precision": pa.Column("string", pa.Check.isin(["year", "year-range", "decade", "century", "five-year-plan", "month", "day"]),
                                        nullable=True, description="How precise date_text is."),
            "stage": pa.Column("string", pa.Check.isin(STAGES), description="Stage of government informatisation the report assigns the milestone to."),
            "technology": pa.Column("string", pa.Check.str_matches(TECH_LIST), nullable=True,
                                    description="Digital technologies the sentence names, ';'-separated (计算机, 互联网, 移动互联网, 大数据, 人工智能, 区块链, 云计算)."),
            "event_zh": pa.Column("string", description="Short Chinese label of the milestone."),
            "event_en": pa.Column("string", description="Short English label of the milestone."),
            "page": pa.Column("Int64", pa.Check.ge(1), nullable=True, description="Printed report page of the sentence's start (<NA> in the 前言)."),
            "line_start": pa.Column("Int64", pa.Check.ge(1), description="1-based line in the raw report text where the quote starts."),
            "quote": pa.Column("string",
                               description=("Verbatim sentence from the raw report text with its line breaks and blank lines removed; where a sentence "
                                            "runs over a page break, the footnote lines printed there and the page-start space are removed too.")),
        },
        name="milestones",
        description="Report Figure 1 (政府信息化建设中的数字技术应用演进): stages and milestones named in chapter 一/（一） and the 前言, each with its sentence.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/milestones.csv", "primary_key": ["milestone_id"]},
    ),
}
