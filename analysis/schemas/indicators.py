"""Schema of the hand-curated table of quantitative statements in the CAICT 2022 report
(data/curated/indicators.csv): one row per number the report states as a quantity."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

TOPICS = ["电子政务指数", "网络与平台", "政务服务", "监管", "疫情防控", "人工智能", "城市大脑",
          "区块链", "安全", "数字鸿沟", "数据共享", "其他"]
SCALES = {"亿": 100_000_000, "万": 10_000, "千": 1_000}
# hedge words as the report writes them -> English rendering used in qualifier_en
#: Kinds of statement (see the ``kind`` column).
KINDS = ["statistic", "enumeration", "duration", "threshold"]
QUALIFIERS = {"超": "more than", "超过": "more than", "多": "more than", "余": "more than",
              "以上": "at least", "近": "nearly", "约": "about", "数": "several (tens of)",
              "甚至更长": "at least"}
FIGURES = [f"图{i}" for i in range(1, 7)]
SECTION_PATH = r"^(前言|[一二三四](/（[一二三四五]）(/[1-5])?)?)$"


def _value_base_consistent(df: pd.DataFrame) -> pd.Series:
    """value_base equals value times the factor of scale (1 when scale is empty), to 1e-9 relative."""
    factor = df["scale"].map(lambda s: SCALES.get(s, float("nan")) if isinstance(s, str) else 1.0).astype("float64")
    expected = df["value"].astype("float64") * factor
    got = df["value_base"].astype("float64")
    return ((expected - got).abs() <= 1e-9 * expected.abs().clip(lower=1.0)).fillna(False)


def _qualifier_en_consistent(df: pd.DataFrame) -> pd.Series:
    """qualifier_en is the fixed English rendering of qualifier, and both are empty together."""
    q = df["qualifier"].astype("object")
    qen = df["qualifier_en"].astype("object")
    ok = []
    for a, b in zip(q, qen):
        a_empty = a is None or a is pd.NA or (isinstance(a, float) and a != a)
        b_empty = b is None or b is pd.NA or (isinstance(b, float) and b != b)
        ok.append((a_empty and b_empty) or (not a_empty and not b_empty and QUALIFIERS.get(a) == b))
    return pd.Series(ok, index=df.index)


def _value_text_in_quote(df: pd.DataFrame) -> pd.Series:
    """value_text is a substring of quote."""
    return pd.Series([str(v) in str(q) for v, q in zip(df["value_text"], df["quote"])], index=df.index)


SCHEMAS = {
    "indicators": pa.DataFrameSchema(
        {
            "indicator_id": pa.Column("string", pa.Check.str_matches(r"^ind-\d{3}$"), unique=True,
                                      description="Stable id ind-001, ind-002, … numbered in the order the values appear in the report."),
            "name_zh": pa.Column("string", description="Short Chinese name of what the number measures (curator's wording)."),
            "name_en": pa.Column("string", description="English name of what the number measures (curator's wording)."),
            "value": pa.Column("Float64", nullable=False,
                               description="The number as printed, before scale: 9亿 -> 9, 0.8119 -> 0.8119, 十多个 -> 10, 数十家 -> 20 (several tens: at least two tens), 约一半 -> 50 (percent); a lower bound when qualifier says so."),
            "value_text": pa.Column("string",
                                    description="Exact substring of quote that states the value, hedge word included when adjacent (e.g. '超 9亿', '72个', '第43位')."),
            "unit": pa.Column("string",
                              description="What is counted, as the report's counter word (个, 项, 次, 条, 方面, …); '%' for percentages, 'index' for index scores (0–1), 'rank' for rank positions, '名' for places gained or lost in a rank, '年' for durations, '倍' for ratios."),
            "scale": pa.Column("string", pa.Check.isin(list(SCALES)), nullable=True,
                               description="Chinese magnitude word attached to the value (亿 = 1e8, 万 = 1e4, 千 = 1e3); empty when none."),
            "value_base": pa.Column("Float64", nullable=False,
                                    description="value times the scale factor, in the base unit (9亿 -> 900000000); equals value when scale is empty."),
            "qualifier": pa.Column("string", pa.Check.isin(list(QUALIFIERS)), nullable=True,
                                   description="The report's hedge word as written (超, 超过, 多, 余, 以上, 近, 约, 数, 甚至更长); empty when the value is stated exactly."),
            "qualifier_en": pa.Column("string", pa.Check.isin(sorted(set(QUALIFIERS.values()))), nullable=True,
                                      description="English meaning of qualifier: 'more than', 'at least', 'nearly', 'about', 'several (tens of)'; empty with qualifier."),
            "year": pa.Column("Int64", pa.Check.in_range(1980, 2022), nullable=True,
                              description="Year the value refers to, when the sentence states it or the context makes it unambiguous; else empty."),
            "period": pa.Column("string", nullable=True,
                                description="Free-text reference period when the value covers a span or a cut-off (e.g. '2018-2021', '截至2021年12月'); empty when none."),
            "entity": pa.Column("string", description="Who or what the value is about, in English (China, Shanghai, a platform, a document, …)."),
            "entity_zh": pa.Column("string", description="The same entity in Chinese, as the report names it where possible."),
            "source_credited": pa.Column("string", nullable=True,
                                         description="Source the report credits in the sentence, in the sentence's footnote, or in the figure caption; empty when the report credits none."),
            "footnote": pa.Column("Int64", pa.Check.in_range(1, 15), nullable=True,
                                  description="Number of the report footnote (1–15) attached to the sentence; empty when none."),
            "figure": pa.Column("string", pa.Check.isin(FIGURES), nullable=True,
                                description="Report figure ('图3') that shows or is fed by the value; empty when none."),
            "section_path": pa.Column("string", pa.Check.str_matches(SECTION_PATH),
                                      description="Report section holding the value, headings joined with '/' (e.g. '二/（二）/1'); '前言' for the preface."),
            "page": pa.Column("Int64", pa.Check.in_range(1, 38), nullable=True,
                              description="Printed page (1–38) on which value_text starts, by the project's page rule; empty in the preface (roman-numbered pages)."),
            "quote": pa.Column("string",
                               description="The whole sentence, verbatim, with the PDF line breaks, page headers, footnote lines and glued footnote-reference digits removed."),
            "topic": pa.Column("string", pa.Check.isin(TOPICS), description="Topic of the statement, one of a fixed list of 12 (Chinese labels)."),
            "kind": pa.Column("string", pa.Check.isin(KINDS),
                              description="statistic: a measured quantity (index, rank, change of rank, share, count of cases, users, projects); "
                                          "enumeration: the number of items the sentence itself lists or of the report's own parts "
                                          "(e.g. 三个阶段, 八大原则); duration: a length of time; threshold: a cut-off that defines "
                                          "the group another value is about (排名前10%的城市), not a measurement."),
        },
        checks=[
            pa.Check(_value_base_consistent, error="value_base != value x scale factor", name="value_base_consistent"),
            pa.Check(_qualifier_en_consistent, error="qualifier_en does not match qualifier", name="qualifier_en_consistent"),
            pa.Check(_value_text_in_quote, error="value_text is not a substring of quote", name="value_text_in_quote"),
        ],
        name="indicators",
        description="One row per quantitative statement in the CAICT 2022 digital-governance report (indices, ranks, "
                    "counts, shares, durations), with value, hedge, scale, reference year, credited source and the "
                    "verbatim sentence and printed page it comes from. Entered by hand from the report text.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/indicators.csv", "primary_key": ["indicator_id"]},
    ),
}
