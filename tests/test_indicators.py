"""Tests of analysis.report.indicators against known answers from the report (p. 4) and the UN survey files.

Known answers used here, from the sources rather than from this code:
* the report, p. 4: EGDI 0.8119, 全球排名第43位, 较2020年提升2名, OSI 0.8876, TII 0.8050, HCI 0.7429;
* UN E-Government Survey 2020: China ranked 45th (EGDI 0.7948); 2022: 43rd.
* the indicators table: 18 rows of topic 区块链, 47 statistics (counted when curated).
"""
from __future__ import annotations

from functools import lru_cache

import matplotlib
import pandas as pd
import pytest

import analysis
from analysis.report.indicators import (
    COMPONENTS, SURVEY_CHECKS, IndicatorCheckError, SurveyCheck, compare_with_survey, country_components,
    find_indicators, plot_components, plot_rank_and_egdi, plot_vs_world, qualifier_glossary,
)

matplotlib.use("Agg")


@lru_cache(maxsize=1)
def _ind() -> pd.DataFrame:
    return analysis.load_indicators()


@lru_cache(maxsize=1)
def _survey() -> pd.DataFrame:
    return analysis.load_egov_survey()


def ind() -> pd.DataFrame:
    return _ind().copy()


def survey() -> pd.DataFrame:
    return _survey().copy()


@lru_cache(maxsize=1)
def _comparison() -> pd.DataFrame:
    return compare_with_survey(_ind(), _survey()).set_index("indicator_id")


# --------------------------------------------------------------------------- compare_with_survey
def test_egdi_2022_matches():
    row = _comparison().loc["ind-015"]
    assert row["report_value"] == pytest.approx(0.8119)
    assert row["survey_value"] == pytest.approx(0.8119)
    assert bool(row["match"]) is True
    assert row["survey_source"] == "un-egov/EGOV_DATA_2022.csv row 85"


def test_rank_43_matches():
    row = _comparison().loc["ind-016"]
    assert row["report_value"] == 43 and row["survey_value"] == 43
    assert bool(row["match"]) is True


def test_rank_improvement_is_45_minus_43():
    row = _comparison().loc["ind-017"]
    assert row["survey_value"] == 2
    assert bool(row["match"]) is True
    assert "rank 45 in 2020" in row["note"]
    assert "EGOV_DATA_2020.csv" in row["survey_source"]


@pytest.mark.parametrize("iid, value", [("ind-018", 0.8876), ("ind-019", 0.8050), ("ind-020", 0.7429)])
def test_components_2022_match(iid, value):
    row = _comparison().loc[iid]
    assert row["report_value"] == pytest.approx(value)
    assert bool(row["match"]) is True


def test_uncheckable_statements_have_no_verdict():
    comp = _comparison()
    for iid in ("ind-021", "ind-022", "ind-023"):
        assert pd.isna(comp.loc[iid, "match"]) and pd.isna(comp.loc[iid, "survey_value"])
        assert "not in the survey table" in comp.loc[iid, "note"]


def test_every_egov_indicator_is_listed():
    topic_ids = set(_ind().loc[_ind()["topic"] == "电子政务指数", "indicator_id"])
    assert topic_ids <= set(_comparison().index)
    assert set(SURVEY_CHECKS) <= set(_comparison().index)


def test_a_wrong_survey_value_is_a_mismatch():
    s = survey()
    s.loc[(s["iso3"] == "CHN") & (s["year"] == 2022), "egdi"] = 0.8120
    s.loc[(s["iso3"] == "CHN") & (s["year"] == 2020), "rank"] = 46
    comp = compare_with_survey(ind(), s).set_index("indicator_id")
    assert bool(comp.loc["ind-015", "match"]) is False
    assert bool(comp.loc["ind-017", "match"]) is False  # 46 - 43 = 3, report says 2
    assert bool(comp.loc["ind-016", "match"]) is True


def test_rounding_to_report_decimals():
    # the report prints TII as 0.8050; a survey value of 0.80504 still rounds to it, 0.80506 does not
    s = survey()
    mask = (s["iso3"] == "CHN") & (s["year"] == 2022)
    s.loc[mask, "tii"] = 0.80504
    assert bool(compare_with_survey(ind(), s).set_index("indicator_id").loc["ind-019", "match"]) is True
    s.loc[mask, "tii"] = 0.80506
    assert bool(compare_with_survey(ind(), s).set_index("indicator_id").loc["ind-019", "match"]) is False


def test_check_that_no_longer_fits_its_row_raises():
    bad = {"ind-015": SurveyCheck("egdi", 2020, "index")}  # the row is about 2022
    with pytest.raises(IndicatorCheckError, match=r"ind-015: field year"):
        compare_with_survey(ind(), survey(), checks=bad)
    with pytest.raises(IndicatorCheckError, match="ind-999"):
        compare_with_survey(ind(), survey(), checks={"ind-999": SurveyCheck("egdi", 2022, "index")})


def test_missing_country_year_raises():
    s = survey()
    s = s.loc[~((s["iso3"] == "CHN") & (s["year"] == 2020))]
    with pytest.raises(IndicatorCheckError, match="iso3=CHN year=2020"):
        compare_with_survey(ind(), s)


# --------------------------------------------------------------------------- browsing helpers
def test_country_components_known_values():
    c = country_components(survey(), "CHN", (2020, 2022)).set_index("year")
    assert c.loc[2020, "rank"] == 45 and c.loc[2022, "rank"] == 43
    assert c.loc[2020, "egdi"] == pytest.approx(0.7948)
    assert c.loc[2022, "osi"] == pytest.approx(0.8876)
    assert list(c.index) == [2020, 2022]


def test_find_indicators_blockchain_and_errors():
    bc = find_indicators(ind(), topic="区块链")
    assert len(bc) == 18
    assert bc["indicator_id"].is_monotonic_increasing
    stats = find_indicators(ind(), kind="statistic")
    assert find_indicators(ind(), kind="threshold")["indicator_id"].tolist() == ["ind-060"]
    assert len(stats) == 46  # ind-060 (top 10 %) is a threshold, not a statistic
    hits = find_indicators(ind(), text="egdi")  # case-insensitive; only two English names spell it out
    assert set(hits["indicator_id"]) == {"ind-015", "ind-017"}
    assert set(find_indicators(ind(), text="全球排名第43位")["indicator_id"]) == {"ind-015", "ind-016", "ind-017"}
    with pytest.raises(ValueError, match="topic 'blockchain'"):
        find_indicators(ind(), topic="blockchain")
    with pytest.raises(ValueError, match="kind"):
        find_indicators(ind(), kind="count")


def test_qualifier_glossary_counts_add_up():
    g = qualifier_glossary(ind())
    i = ind()
    assert g["n_indicators"].sum() == i["qualifier"].notna().sum()
    row = g.set_index("qualifier").loc["近"]
    assert row["qualifier_en"] == "nearly"
    assert "近 10万条" in row["examples"]


# --------------------------------------------------------------------------- figures (smoke)
def test_figures_draw():
    import matplotlib.pyplot as plt

    from analysis.report.egov import china_vs_world

    s = survey()
    cvw = china_vs_world(s)
    fig, axes = plot_rank_and_egdi(cvw)
    assert axes[0].yaxis_inverted()
    fig2, ax2 = plot_components(s)
    assert len(ax2.get_yticklabels()) == 1 + len(COMPONENTS)
    fig3, ax3 = plot_vs_world(s, cvw)
    assert len(ax3.get_legend().get_texts()) == 4  # two bands, world median, Asia median
    assert "中国 China" in [t.get_text() for t in ax3.texts]  # China labelled at the end of its line
    plt.close("all")
