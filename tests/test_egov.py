"""Tests of analysis.report.egov and its three tables, against known answers from the sources:
values printed in the report, the raw UN files read independently, the UNU-EGOV copies
of the same surveys, and the global averages the UN survey reports publish."""
from __future__ import annotations

import csv
import re

import pandas as pd

from analysis.report.loaders import load_milestones, load_provincial_levels
import pytest

from analysis.report import egov
from analysis.paths import RAW_DIR, REPORT_TXT
from analysis.schemas.egov import SCHEMAS


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return egov.build_egov_survey()


def _raw_rows(rel: str) -> list[dict]:
    """Read a raw file with the csv module only (independent of the pipeline)."""
    with open(RAW_DIR / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- raw files
def test_raw_files_match_their_record():
    src = egov.load_egov_sources(verify=True)
    assert len(src) == 18
    assert set(src["encoding"]) == {"utf-8"}
    assert src.set_index("source_file").loc["un-egov/EGOV_DATA_2024_modified.csv", "line_terminator"] == "CRLF"
    SCHEMAS["egov_sources"].validate(pd.read_csv(egov.SOURCES_CSV), lazy=True)


def test_detect_encoding(tmp_path):
    name = "2022,Côte d'Ivoire ,120\n"
    (tmp_path / "u.csv").write_bytes(name.encode("utf-8"))
    (tmp_path / "c.csv").write_bytes(name.encode("cp1252"))
    (tmp_path / "m.csv").write_bytes(name.encode("utf-8").decode("cp1252").encode("utf-8"))  # "CÃ´te"
    (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf" + name.encode("utf-8"))
    assert egov.detect_encoding(tmp_path / "u.csv") == "utf-8"
    assert egov.detect_encoding(tmp_path / "c.csv") == "cp1252"
    assert egov.detect_encoding(tmp_path / "b.csv") == "utf-8-sig"
    with pytest.raises(egov.EgovDataError, match="mojibake"):
        egov.detect_encoding(tmp_path / "m.csv")


def test_bad_number_names_file_row_field(tmp_path, monkeypatch):
    (tmp_path / "un-egov").mkdir()
    good = (RAW_DIR / "un-egov/EGOV_DATA_2022.csv").read_text(encoding="utf-8").splitlines()
    good[2] = good[2].replace("0.85670", "0.8x567")  # Ireland, data row 2, EGDI
    (tmp_path / "un-egov/EGOV_DATA_2022.csv").write_text("\n".join(good) + "\n", encoding="utf-8")
    monkeypatch.setattr(egov, "RAW_DIR", tmp_path)
    with pytest.raises(egov.EgovDataError, match=r"EGOV_DATA_2022\.csv: field egdi not a number at row 2"):
        egov.read_survey_file(2022)


# --------------------------------------------------------------------------- survey table
def test_193_countries_every_year(survey):
    counts = egov.survey_counts(survey).set_index("year")
    assert (counts["n_rows"] == 193).all()
    assert len(survey[survey.year == 2022]) == 193
    # Montenegro joined the UN in 2006, South Sudan in 2011: the files carry placeholder rows
    assert counts.loc[[2003, 2004, 2005], "not_assessed"].eq("Montenegro;South Sudan").all()
    assert counts.loc[[2008, 2010], "not_assessed"].eq("South Sudan").all()
    assert (counts.loc[2012:, "n_assessed"] == 193).all()
    assert survey.groupby("year")["iso3"].nunique().eq(193).all()
    assert survey["iso3"].notna().all() and survey["region"].notna().all()


def test_schema_and_sorting(survey):
    SCHEMAS["egov_survey"].validate(survey, lazy=True)
    assert list(survey.columns) == egov.EGOV_SURVEY_COLUMNS
    key = list(zip(survey["year"], survey["iso3"]))
    assert key == sorted(key)


def test_china_2022_as_the_report_prints_it(survey):
    # Report p. 4: "2022 年电子政务发展指数得分 0.8119，全球排名第43位，较 2020年提升 2名 … 在线服务指数
    # … 2022年得分 0.8876 … 电信基础设施指数为 0.8050 … 人力资本指数为 0.7429"
    text = REPORT_TXT.read_text(encoding="utf-8").replace("\n", "")
    for printed in ["0.8119", "43位", "提升 2名", "0.8876", "0.8050", "0.7429"]:
        assert printed in text
    c = survey[(survey.year == 2022) & (survey.iso3 == "CHN")].iloc[0]
    assert c["country"] == "China"
    assert c["egdi"] == pytest.approx(0.8119, abs=1e-9)
    assert c["rank"] == 43
    assert c["osi"] == pytest.approx(0.8876, abs=1e-9)
    assert c["tii"] == pytest.approx(0.8050, abs=1e-9)
    assert c["hci"] == pytest.approx(0.7429, abs=1e-9)
    # EPI is not in the report: compare with the raw row read independently
    raw = _raw_rows("un-egov/EGOV_DATA_2022.csv")[c["source_row"] - 1]
    assert raw["Country Name"].strip() == "China"
    assert c["epi"] == pytest.approx(float(raw["E-Participation Index"]), abs=1e-12) == 0.8636
    c20 = survey[(survey.year == 2020) & (survey.iso3 == "CHN")].iloc[0]
    assert c20["rank"] == 45  # "较 2020年提升 2名"


def test_world_average_egdi_as_un_reports_publish_it(survey):
    # UN E-Government Survey 2022: global average EGDI "from 0.5988 in 2020 to 0.6102 in 2022";
    # UN E-Government Survey 2024: "from 0.6102 in 2022 to 0.6382 in 2024".
    mean = survey[survey.assessed].groupby("year")["egdi"].mean()
    assert mean[2020] == pytest.approx(0.5988, abs=5e-5)
    assert mean[2022] == pytest.approx(0.6102, abs=5e-5)
    assert mean[2024] == pytest.approx(0.6382, abs=5e-5)


def test_names_decoded_and_matched(survey):
    y22 = survey[survey.year == 2022].set_index("iso3")
    assert y22.loc["CIV", "country"] == "Côte d'Ivoire"
    assert y22.loc["TUR", "country"] == "Türkiye"
    assert y22.loc["MKD", "country"] == "North Macedonia"
    assert not survey["country"].str.contains(r"^\s|\s$|Ã|Â").any()
    cw = egov.load_iso3_crosswalk()
    assert set(cw.loc[cw.crosswalk_source == "manual", "country"]) == {"North Macedonia", "Türkiye"}


def test_unmatched_names_are_listed(monkeypatch):
    monkeypatch.setattr(egov, "MANUAL_ISO3", {})
    with pytest.raises(egov.EgovDataError, match=r"no ISO3 for 2 country name\(s\): \['North Macedonia', 'Türkiye'\]"):
        egov.build_egov_survey(verify_sources=False)


def test_values_agree_with_unu_copies_by_iso3(survey):
    # UNU-EGOV's 2010–2018 files hold the same surveys keyed by ISO3: joining on iso3 must
    # reproduce every value, which checks the name→ISO3 matching country by country.
    for year in (2010, 2012, 2014, 2016, 2018):
        unu = pd.DataFrame(_raw_rows(f"unu-egov-iso3/egdi-{year}.csv"))
        ours = survey[survey.year == year].set_index("iso3")
        unu = unu.set_index("country-code")
        assert set(unu.index) == set(ours.index)
        a = ours.loc[unu.index]
        assessed = a["assessed"].to_numpy()
        for ours_col, unu_col in [("egdi", "e-gov-index"), ("osi", "osi"), ("hci", "hci"), ("tii", "tii"), ("epi", "e-pat-index")]:
            theirs = pd.to_numeric(unu[unu_col], errors="coerce")[assessed]
            mine = a[ours_col].astype(float)[assessed]
            # Where UNU-EGOV leaves a cell empty, the UN export says 0.00000: a zero that
            # stands for "no data" (2010 HCI of 9 small/closed states, TII of Nauru and DPRK).
            blank = theirs.isna()
            assert (mine[blank] == 0).all(), (year, ours_col)
            assert (mine[~blank] - theirs[~blank]).abs().max() < 1e-9, (year, ours_col)
            if year == 2010 and ours_col == "hci":
                assert sorted(theirs.index[blank]) == ["FSM", "KIR", "MCO", "MHL", "NRU", "PRK", "SMR", "SOM", "TUV"]
            elif year == 2010 and ours_col == "tii":
                assert sorted(theirs.index[blank]) == ["NRU", "PRK"]
            else:
                assert not blank.any(), (year, ours_col)
        ranks = pd.to_numeric(unu["e-gov-rank"], errors="coerce")[assessed]
        assert (a["rank"][assessed].astype(int).to_numpy() == ranks.astype(int).to_numpy()).all()


def test_2022_regions_file_agrees(survey):
    reg = egov.load_regions_2022().set_index("iso3")
    y22 = survey[survey.year == 2022].set_index("iso3")
    assert ((y22["egdi"].astype(float).round(4) - reg.loc[y22.index, "egdi"].astype(float)).abs() < 1e-9).all()
    assert reg["region"].value_counts().to_dict() == {"Africa": 56, "Asia": 45, "Europe": 45, "Americas": 34, "Oceania": 13}
    # kept as given, errors included (see module notes)
    assert y22.loc["NIC", "region"] == "Africa" and y22.loc["TON", "region"] == "Africa"
    y24 = survey[survey.year == 2024].set_index("iso3")
    assert y24.loc["NIC", "region"] == "Europe" and y24.loc["CYP", "region"] == "Asia"
    assert set(y24["region"]) == {"Africa", "Americas", "Asia", "Europe", "Oceania"}  # "America" normalised


def test_not_assessed_placeholders(survey):
    m = survey[(survey.year == 2003) & (survey.iso3 == "MNE")].iloc[0]
    assert not m["assessed"] and pd.isna(m["egdi"]) and pd.isna(m["rank"]) and m["source_row"] == 36
    raw = _raw_rows("un-egov/EGOV_DATA_2003.csv")[35]
    assert raw["Country Name"] == "Montenegro" and raw["E-Government Rank"] == "" and float(raw["E-Government Index"]) == 0
    # a real zero of an assessed country is kept
    irq = survey[(survey.year == 2003) & (survey.iso3 == "IRQ")].iloc[0]
    assert irq["assessed"] and irq["egdi"] == 0 and irq["rank"] == 174


def test_source_row_points_to_the_raw_row(survey):
    for _, r in survey.iloc[::37].iterrows():
        raw = _raw_rows(r["source_file"])[r["source_row"] - 1]
        name = raw.get("Country Name", raw.get("Country"))
        egdi = raw.get("E-Government Index", raw.get("E_Index"))
        assert name.strip() == r["country"]
        if r["assessed"]:
            assert float(egdi) == pytest.approx(float(r["egdi"]), abs=1e-12)


def test_write_is_atomic_sorted_deterministic(tmp_path, survey):
    p1 = egov.write_egov_survey(tmp_path / "a.csv", survey)
    p2 = egov.write_egov_survey(tmp_path / "b.csv", survey.sample(frac=1, random_state=0))
    assert p1.read_bytes() == p2.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))
    if egov.EGOV_SURVEY_CSV.exists():  # the committed output is up to date
        assert egov.EGOV_SURVEY_CSV.read_bytes() == p1.read_bytes()
    back = pd.read_csv(p1)
    SCHEMAS["egov_survey"].validate(back, lazy=True)


def test_china_vs_world(survey):
    cw = egov.china_vs_world(survey).set_index("year")
    assert list(cw.index) == sorted(egov.SURVEY_FILES)
    assert cw.loc[2022, "country_egdi"] == pytest.approx(0.8119)
    assert cw.loc[2022, "country_rank"] == 43 and cw.loc[2020, "country_rank"] == 45
    assert cw.loc[2022, "world_mean_egdi"] == pytest.approx(0.6102, abs=5e-5)
    assert cw.loc[2003, "n_assessed"] == 191
    assert (cw["region"] == "Asia").all()
    asia22 = survey[(survey.year == 2022) & (survey.region == "Asia")]
    assert cw.loc[2022, "n_region"] == len(asia22) == 45
    assert cw.loc[2022, "region_mean_egdi"] == pytest.approx(asia22["egdi"].astype(float).mean())


# --------------------------------------------------------------------------- Figure 2
def test_provincial_levels():
    df = load_provincial_levels()
    SCHEMAS["provincial_service_levels"].validate(df, lazy=True)
    sums = df.groupby("assessment_year")["n_provinces"].sum()
    assert sums[2021] == 32 and sums[2019] == 32
    assert set(df["assessment_year"]) == {2016, 2019, 2021}  # 2017, 2018, 2020 not found
    assert "低" not in set(df["level"])  # no source states a 低 count: absent, not 0
    y16 = df[df.assessment_year == 2016]
    assert y16["level"].tolist() == ["非常高"] and y16["n_provinces"].tolist() == [3]
    assert y16["provinces"].iloc[0].split(";") == ["浙江", "贵州", "江苏"]
    got = {(r.assessment_year, r.level): r.n_provinces for r in df.itertuples()}
    assert got == {(2016, "非常高"): 3, (2019, "非常高"): 8, (2019, "高"): 15, (2019, "中"): 9,
                   (2021, "非常高"): 16, (2021, "高"): 12, (2021, "中"): 4}
    en = {"非常高": "very high", "高": "high", "中": "medium", "低": "low"}
    assert (df["level"].map(en) == df["level_en"]).all()
    # each count is repeated in its note (the source's own wording of it)
    for r in df.itertuples():
        assert re.search(rf"(?<!\d){r.n_provinces}(?!\d)", r.source_note), r


# --------------------------------------------------------------------------- Figure 1
def _report_lines() -> list[str]:
    return REPORT_TXT.read_text(encoding="utf-8").splitlines()


def _flatten(body: bool) -> tuple[str, list[int]]:
    """Raw report with line breaks and blank lines removed, and for each character the
    1-based line it comes from. With ``body=True`` the footnote lines at page bottoms and
    the single space that starts each page are removed too (the sentence as printed)."""
    out, owners, in_fn = [], [], False
    for n, l in enumerate(_report_lines(), start=1):
        if not l.strip():
            continue
        if body:
            page_start = bool(re.match(r"^ \S", l))
            if page_start:
                in_fn = False
                l = l[1:]
            elif re.match(r"^\d{1,2} \D", l):
                in_fn = True
            if in_fn:
                continue
        out.append(l)
        owners.extend([n] * len(l))
    return "".join(out), owners


def _page_of(line: int) -> int | None:
    lines = _report_lines()
    if line < 86:
        return None
    return sum(1 for l in lines[85:line] if re.match(r"^ \S", l))


FIVE_YEAR_PLANS = {"十五": (2001, 2005), "十三五": (2016, 2020), "十四五": (2021, 2025)}
REPORT_YEAR = 2022  # "今年" in the 前言 of a report published in 2022


def test_milestone_quotes_are_verbatim():
    ms = load_milestones()
    SCHEMAS["milestones"].validate(ms, lazy=True)
    (plain, plain_owner), (body, body_owner) = _flatten(False), _flatten(True)
    for r in ms.itertuples():
        assert r.quote in plain or r.quote in body, r.milestone_id
        text, owner = (plain, plain_owner) if r.quote in plain else (body, body_owner)
        assert owner[text.index(r.quote)] == r.line_start, r.milestone_id
        assert (pd.isna(r.page) and _page_of(r.line_start) is None) or r.page == _page_of(r.line_start)
    # only the 1999 sentence needs the footnote/page-start removal
    assert {r.milestone_id for r in ms.itertuples() if r.quote not in plain} == {"ms-03"}


def test_milestone_years_appear_in_quote():
    ms = load_milestones()
    for r in ms.itertuples():
        if pd.isna(r.year_start):
            assert pd.isna(r.date_text) and pd.isna(r.year_end)
            continue
        assert r.date_text in r.quote, r.milestone_id
        ys, ye, dt = int(r.year_start), r.year_end, r.date_text
        if r.date_precision in {"year", "day"}:
            assert str(ys) in dt
        elif r.date_precision == "year-range":
            assert f"{ys}-{int(ye)}" in dt
        elif r.date_precision == "decade":
            assert ys % 10 == 0 and f"{ys % 100}年代" in dt
        elif r.date_precision == "century":
            assert ys == 2001 and "21世纪" in dt
        elif r.date_precision == "five-year-plan":
            first, last = re.findall(r"“(十[^”]*)”", dt)[0], re.findall(r"“(十[^”]*)”", dt)[-1]
            assert (ys, int(ye)) == (FIVE_YEAR_PLANS[first][0], FIVE_YEAR_PLANS[last][1])
        elif r.date_precision == "month":
            assert dt.startswith("今年") and ys == REPORT_YEAR and pd.isna(r.page)
        else:
            pytest.fail(f"unknown precision {r.date_precision}")


def test_milestone_stages_and_technologies():
    ms = load_milestones()
    stages = ms[ms.kind == "stage"].set_index("stage")
    assert list(stages.index) == ["早期信息化", "电子政务", "数字政府"]
    assert stages.loc["早期信息化", "year_start"] == 1970 and pd.isna(stages.loc["早期信息化", "year_end"])
    assert (stages.loc["电子政务", "year_start"], stages.loc["电子政务", "year_end"]) == (2001, 2020)
    assert stages.loc["数字政府", "year_start"] == 2019
    alias = {"云计算": "云"}  # the report writes 政务云平台
    for r in ms.dropna(subset=["technology"]).itertuples():
        for t in r.technology.split(";"):
            assert alias.get(t, t) in r.quote, (r.milestone_id, t)
    ev = ms[ms.kind == "event"].dropna(subset=["year_start"])
    assert {1993, 1999, 2002, 2006, 2009, 2015, 2019, 2020, 2021, 2022} <= set(ev["year_start"].astype(int))


def test_egdi_zero_up_to_2012_is_no_score(survey):
    # 2003: 18 assessed countries have EGDI 0.00000 in EGOV_DATA_2003.csv (a component 0 or missing)
    ws = egov.egdi_without_score(survey).set_index("year")
    assert ws.loc[2003, "n_without_score"] == 18 and ws.loc[2012, "n_without_score"] == 3
    assert (ws.loc[2014:, "n_without_score"] == 0).all()
    cw = egov.china_vs_world(survey).set_index("year")
    a03 = survey[(survey.year == 2003) & survey.assessed.astype(bool)]
    scored = a03.loc[a03.egdi.astype(float) > 0, "egdi"].astype(float)
    assert cw.loc[2003, "n_without_score"] == 18 and len(scored) == 191 - 18
    assert cw.loc[2003, "world_median_egdi"] == pytest.approx(scored.median())
    asia = a03[(a03.region == "Asia") & (a03.egdi.astype(float) > 0)]
    assert cw.loc[2003, "region_mean_egdi"] == pytest.approx(asia.egdi.astype(float).mean())
    # a zero after 2012 is not re-interpreted
    s2 = survey.copy()
    s2.loc[(s2.year == 2016) & (s2.iso3 == "FRA"), "egdi"] = 0.0
    assert egov.egdi_without_score(s2).set_index("year").loc[2016, "n_without_score"] == 0


# World mean of the editions with zeros that mean "no score" (issue 18: a world mean counting them as 0
# passed every test because only 2022, which has none, was checked).
# Known answer, by hand from data/raw/un-egov/EGOV_DATA_2003.csv (193 data rows):
#   - data rows 36 (Montenegro) and 180 (South Sudan) have an empty rank: not assessed, 191 assessed rows;
#   - data rows 1, 10, 17, 18, 49, 54, 55, 83, 107, 112, 117, 118, 123, 137, 150, 152, 159, 169 (Iraq,
#     Kiribati, Liberia, Libya, Dominica, Equatorial Guinea, Eritrea, Chad, Central African Republic,
#     Côte d'Ivoire, DPR Korea, DR Congo, Guinea-Bissau, Haiti, Suriname, Uzbekistan, Tajikistan, Tuvalu)
#     are ranked 174 with E-Government Index 0.00000: no score, 191 - 18 = 173 scored countries;
#   - the E-Government Index column sums to 69.61589 over the 191 assessed rows (the 18 zeros add nothing),
# so the mean over scored countries is 69.61589 / 173 = 0.402404; counting the zeros gives
# 69.61589 / 191 = 0.364481. China (data row 85) has 0.41595, 0.013546 above the world mean.
EGDI_2003_SUM, EGDI_2003_SCORED, EGDI_2003_ASSESSED = 69.61589, 173, 191
EGDI_2003_ZERO_ROWS = [1, 10, 17, 18, 49, 54, 55, 83, 107, 112, 117, 118, 123, 137, 150, 152, 159, 169]


def test_world_mean_2003_by_hand_leaves_out_countries_without_score(survey):
    raw = _raw_rows("un-egov/EGOV_DATA_2003.csv")  # the hand count above, re-read from the file
    assert [i for i, r in enumerate(raw, start=1) if not r["E-Government Rank"].strip()] == [36, 180]
    zero = [i for i, r in enumerate(raw, start=1) if r["E-Government Rank"].strip()
            and float(r["E-Government Index"]) == 0]
    assert zero == EGDI_2003_ZERO_ROWS and all(raw[i - 1]["E-Government Rank"] == "174" for i in zero)
    assert sum(float(r["E-Government Index"]) for r in raw if r["E-Government Rank"].strip()) == \
        pytest.approx(EGDI_2003_SUM, abs=1e-9)
    assert raw[84]["Country Name"].strip() == "China" and raw[84]["E-Government Index"] == "0.41595"

    cw = egov.china_vs_world(survey).set_index("year")
    c03 = cw.loc[2003]
    assert (c03["n_assessed"], c03["n_without_score"]) == (EGDI_2003_ASSESSED, EGDI_2003_ASSESSED - EGDI_2003_SCORED)
    assert c03["world_mean_egdi"] == pytest.approx(EGDI_2003_SUM / EGDI_2003_SCORED, abs=1e-12)
    assert round(float(c03["world_mean_egdi"]), 4) == 0.4024  # not 0.3645 (zeros counted)
    assert c03["country_egdi"] == pytest.approx(0.41595, abs=1e-12)
    assert c03["country_minus_world_mean"] == pytest.approx(0.41595 - EGDI_2003_SUM / EGDI_2003_SCORED, abs=1e-12)


def test_world_mean_every_edition_against_raw_rows(survey):
    # every edition: the mean over ranked rows with a positive EGDI (2003–2012) or over all ranked rows
    # (2014–2022, where a 0 would be a score), computed from the raw files with the csv module only
    cw = egov.china_vs_world(survey).set_index("year")
    for year, rel in egov.SURVEY_FILES.items():
        raw = _raw_rows(rel)
        rank, index = ("Rank", "E_Index") if year == 2024 else ("E-Government Rank", "E-Government Index")
        scores = [float(r[index]) for r in raw if r[rank].strip()]
        if year <= egov.EGDI_ZERO_LAST_EDITION:
            scores = [s for s in scores if s > 0]
        assert cw.loc[year, "world_mean_egdi"] == pytest.approx(sum(scores) / len(scores), abs=1e-12), year
        assert cw.loc[year, "n_assessed"] - cw.loc[year, "n_without_score"] == len(scores), year


def test_china_vs_world_on_a_hand_made_table():
    # 2010: X has EGDI 0 (no score, left out), Y 0.2, Z 0.6, placeholder W not assessed; 2016: a 0 is a score
    t = pd.DataFrame({
        "year": [2010] * 4 + [2016] * 3,
        "iso3": ["CHN", "XXX", "YYY", "WWW", "CHN", "XXX", "YYY"],
        "region": ["Asia", "Asia", "Europe", "Asia", "Asia", "Asia", "Europe"],
        "egdi": pd.array([0.5, 0.0, 0.2, None, 0.5, 0.0, 0.4], dtype="Float64"),
        "rank": pd.array([2, 3, 1, None, 1, 3, 2], dtype="Int64"),
        "assessed": pd.array([True, True, True, False, True, True, True], dtype="boolean"),
    })
    cw = egov.china_vs_world(t).set_index("year")
    assert cw.loc[2010, "n_assessed"] == 3 and cw.loc[2010, "n_without_score"] == 1
    assert cw.loc[2010, "world_mean_egdi"] == pytest.approx((0.5 + 0.2) / 2)   # not (0.5 + 0 + 0.2) / 3
    assert cw.loc[2010, "world_median_egdi"] == pytest.approx(0.35)
    assert cw.loc[2010, "country_minus_world_mean"] == pytest.approx(0.15)
    assert cw.loc[2010, "n_region"] == 2 and cw.loc[2010, "region_mean_egdi"] == pytest.approx(0.5)
    assert cw.loc[2016, "n_without_score"] == 0
    assert cw.loc[2016, "world_mean_egdi"] == pytest.approx(0.9 / 3)           # the 2016 zero counts
    assert cw.loc[2016, "region_mean_egdi"] == pytest.approx(0.25)
