"""Tests of analysis.report.claims: verdicts against known answers, and verdicts that flip on altered data.

Known answers used here, from the sources rather than from this code:
* report p. 4: EGDI 2022 0.8119, rank 43; UN EGOV_DATA_2022.csv: China 0.8119, rank 43 (2020: 45, 0.7948).
* report Table 1 (pp. 30–31): 20 rows; row 4 printed 2017年1月, row 7 printed 2022年2月.
* State Council library: 国办函〔2016〕108号 written 2016-12-20, published 2017-01-12; 国发〔2022〕5号 written
  2022-02-07, published 2022-03-01; 国发〔2015〕40号 written 2015-07-01.
* provincial levels: 非常高 3 (2016), 8 (2019), 16 (2021); no counts for 2017, 2018, 2020.
"""
from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from analysis.report import claims
from analysis.report.claims import (
    CONFIRMED, CONTRADICTED, NOT_CHECKABLE, VERDICTS, claims_table, load_claim_data, run_check,
    table1_date_check, table1_rows, verdict_counts,
)
from analysis.text.corpus_stats import technology_mentions, technology_mentions_by_year


@pytest.fixture(scope="module")
def data() -> claims.ClaimData:
    return load_claim_data()


@pytest.fixture(scope="module")
def table(data) -> pd.DataFrame:
    return claims_table(data)


def one(claim_id: str, data) -> dict:
    (rec,) = run_check(claim_id, data)
    return rec


# ------------------------------------------------------------------------------------------ table shape
def test_ids_unique_and_verdicts_valid(table):
    assert table["claim_id"].is_unique
    assert set(table["verdict"]) <= set(VERDICTS)
    assert list(table.columns) == claims.CLAIM_COLUMNS
    nc = table[table["verdict"] == NOT_CHECKABLE]
    assert nc["reason"].str.len().gt(20).all()
    assert table.loc[table["verdict"] != NOT_CHECKABLE, "reason"].fillna("").eq("").all()


def test_sorted_by_page_then_id(table):
    key = list(zip(table["page"].fillna(10_000).astype(int), table["claim_id"]))
    assert key == sorted(key)


def test_every_quote_is_verbatim(data, table):
    from analysis.report.text import parse_report

    text = parse_report().text
    quotes = set(data.indicators["quote"].astype(str))
    table1 = re.sub(r"\s", "", data.table1_raw)
    for r in table.itertuples():
        if r.quote_source.startswith("report Table 1"):
            assert re.sub(r"\s", "", r.claim_zh) in table1, r.claim_id
        else:
            assert r.claim_zh in text or r.claim_zh in quotes, r.claim_id


def test_all_kinds_of_claim_present(table):
    prefixes = set(table["claim_id"].str.split("-").str[0])
    assert {"egov", "prov", "time", "date", "count", "t1"} <= prefixes
    counts = verdict_counts(table).set_index("verdict")["n_claims"]
    assert counts.sum() == len(table) and counts[CONTRADICTED] >= 1 and counts[NOT_CHECKABLE] >= 1


# ------------------------------------------------------------------------------------------ e-government
def test_egdi_08119_confirmed(data):
    rec = one("egov-01", data)
    assert rec["verdict"] == CONFIRMED
    assert "0.8119" in rec["claim_zh"] and "0.8119" in rec["evidence"]
    assert rec["page"] == 4


def test_altered_egdi_contradicts(data):
    survey = data.survey.copy()
    hit = survey["iso3"].eq("CHN") & survey["year"].eq(2022)
    assert hit.sum() == 1
    survey.loc[hit, "egdi"] = 0.7
    altered = dataclasses.replace(data, survey=survey)
    assert one("egov-01", altered)["verdict"] == CONTRADICTED
    # 0.7 is also below the UN 'very high' bound 0.75: 'first tier' no longer holds
    assert one("egov-10", altered)["verdict"] == CONTRADICTED
    assert one("egov-10", data)["verdict"] == CONFIRMED


def test_ogdi_not_checkable(data):
    rec = one("egov-07", data)
    assert rec["verdict"] == NOT_CHECKABLE and "OGDI" in rec["reason"]


# ------------------------------------------------------------------------------------------ provinces
def test_provincial_rising_but_every_year_not_checkable(data):
    assert one("prov-01", data)["verdict"] == CONFIRMED
    rec = one("prov-02", data)
    assert rec["verdict"] == NOT_CHECKABLE
    assert "2017, 2018, 2020" in rec["reason"]


def test_provincial_fall_in_added_year_contradicts(data):
    prov = data.provincial.copy()
    extra = prov[(prov["assessment_year"] == 2016) & (prov["level"] == "非常高")].copy()
    extra["assessment_year"] = pd.array([2017], dtype="Int64")
    extra["n_provinces"] = pd.array([2], dtype="Int64")  # fewer than 2016's 3
    altered = dataclasses.replace(data, provincial=pd.concat([prov, extra], ignore_index=True))
    assert one("prov-01", altered)["verdict"] == CONTRADICTED
    assert one("prov-02", altered)["verdict"] == CONTRADICTED


# ------------------------------------------------------------------------------------------ Table 1
def test_table1_rows_as_printed(data):
    t1 = table1_rows(data.table1_raw, data.lines).set_index("table1_row")
    assert len(t1) == 20 and list(t1.index) == list(range(1, 21))
    assert t1.at[4, "date_text"] == "2017年 1月" and t1.at[7, "date_text"] == "2022年 2月"
    assert t1.at[20, "text"].startswith("关于深化“互联网+旅游”")
    assert t1.at[1, "page"] == 30 and t1.at[20, "page"] == 31


def test_table1_date_reading(data):
    chk = table1_date_check(data).set_index("table1_row")
    # row 4: only the publication date fits the printed month
    assert bool(chk.at[4, "matches_published"]) and not bool(chk.at[4, "matches_written"])
    # row 7: the printed month is the written month, not the publication month
    assert not bool(chk.at[7, "matches_published"]) and bool(chk.at[7, "matches_written"])
    assert chk["matches_published"].notna().sum() == 8
    recs = {r["claim_id"]: r for r in run_check("table1", data)}
    assert recs["t1-row-07"]["verdict"] == CONTRADICTED
    assert recs["t1-row-04"]["verdict"] == CONFIRMED
    assert recs["t1-rows-other"]["verdict"] == NOT_CHECKABLE


# ------------------------------------------------------------------------------------------ timing
def test_technology_mentions_known_documents(data):
    hits = technology_mentions(data.state_council)
    ip = hits[hits["technology"] == "互联网"]
    assert "国发〔2015〕40号" in set(ip["sc_doc_number"].dropna())
    assert ip.iloc[0]["sc_date_written"] == "2015-07-01"
    assert (hits["technology"] == "区块链").sum() == 0
    counts = technology_mentions_by_year(data.state_council, years=(2015, 2020))
    assert int(counts.loc[counts["technology"] == "互联网", "n_titles"].sum()) == len(ip)


def test_time_01_uses_the_shared_definition(data):
    rec = one("time-01", data)
    # one AI title (新一代人工智能发展规划, 2017); the 2020 plan on 老年人运用智能技术 is not counted
    assert "人工智能 1 titles, first 2017" in rec["evidence"]
    assert "区块链 0 titles, first none" in rec["evidence"]
    assert rec["verdict"] == CONFIRMED


def test_internet_plus_concentration_flips(data):
    assert one("time-03", data)["verdict"] == CONFIRMED
    sc = data.state_council
    fake = pd.DataFrame({c: [pd.NA] * 30 for c in sc.columns}).astype(sc.dtypes.to_dict())
    fake["title"] = [f"国务院关于“互联网+”试点{i}的通知" for i in range(30)]
    fake["sc_date_written"] = "2010-05-01"
    fake["url"] = [f"fake-{i}" for i in range(30)]
    altered = dataclasses.replace(data, state_council=pd.concat([sc, fake], ignore_index=True))
    assert one("time-03", altered)["verdict"] == CONTRADICTED


def test_big_data_outline_date(data):
    rec = one("date-02", data)
    assert rec["verdict"] == CONFIRMED and "2015-08-31" in rec["evidence"]


def test_blockchain_count_not_checkable(data):
    rec = one("count-03", data)
    assert rec["verdict"] == NOT_CHECKABLE
    assert "names 3 documents" in rec["evidence"]
