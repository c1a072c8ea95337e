"""Tests of the documents table (data/curated/documents.csv → data/processed/documents.csv)."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from analysis.report.documents import (CURATED_CSV, PROCESSED_CSV, build_documents, normalise_title,
                                read_curated_documents, write_documents)
from analysis.paths import RAW_DIR, REPORT_TXT
from analysis.corpus.report_text import page_of_line, parse_report
from analysis.schemas.documents import DOC_NUMBER_RE
from analysis.tables import DataError

FIXED_IDS = {
    "cybersecurity-law-2016", "data-security-law-2021", "pipl-2021", "ciip-regulation-2021",
    "online-gov-services-regulation-2019", "spc-face-recognition-2021", "shanghai-data-regulation-2021",
    "shenzhen-ai-regulation-2022", "digital-government-guideline-2022", "ai-development-plan-2017",
    "ai-ethics-norms-2021", "ai-standards-guide-2020", "elderly-smart-tech-plan-2020",
}
REPORT_LINES = REPORT_TXT.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return read_curated_documents()


@pytest.fixture(scope="module")
def built() -> pd.DataFrame:
    return build_documents()


@pytest.fixture(scope="module")
def report_chars():
    """The report without any whitespace, and the raw line each character came from."""
    chars, owner = [], []
    for n, line in enumerate(REPORT_LINES, 1):
        for ch in line:
            if not ch.isspace():
                chars.append(ch)
                owner.append(n)
    return "".join(chars), owner


def _squeeze(s: str) -> str:
    return re.sub(r"\s", "", s)


# ----------------------------------------------------------------------------- Table 1
def test_table1_has_20_rows_general_then_six_domains(curated):
    t1 = curated[curated["table1_row"].notna()].sort_values("table1_row")
    assert t1["table1_row"].tolist() == list(range(1, 21))
    assert t1.iloc[0]["table1_domain"] == "总体"
    rest = t1.iloc[1:]
    assert set(rest["table1_domain"]) == {"政务服务", "医疗健康", "民政服务", "知识产权保护", "不动产登记", "旅游"}
    # the report's 领域 column: 政务服务 rows 2-7, 医疗健康 8-15, 民政服务 16-17, then one row each
    expected = ["政务服务"] * 6 + ["医疗健康"] * 8 + ["民政服务"] * 2 + ["知识产权保护", "不动产登记", "旅游"]
    assert rest["table1_domain"].tolist() == expected
    assert set(t1["rule_line"]) == {"技术规则"} and set(t1["category"]) == {"互联网"}


def test_table1_titles_and_dates_match_the_raw_table(curated):
    start = REPORT_LINES.index("表 1 中央出台的主要互联网融合应用制度规范")
    end = REPORT_LINES.index("来源：中国信息通信研究院整理")
    block = REPORT_LINES[start:end]
    # 发布时间 cells in reading order, e.g. "2015年 7月"
    dates = [f"{int(y):04d}-{int(m):02d}" for y, m in re.findall(r"(\d{4})年\s*(\d{1,2})月", "\n".join(block))]
    t1 = curated[curated["table1_row"].notna()].sort_values("table1_row")
    assert dates == t1["date_published"].tolist()
    joined = _squeeze("".join(block))
    positions = [joined.find(_squeeze(title)) for title in t1["title"]]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


# ----------------------------------------------------------------------------- curated table
def test_fixed_ids_exist_and_are_the_full_texts(curated):
    assert FIXED_IDS <= set(curated["doc_id"])
    assert set(curated.loc[curated["full_text_in_project"], "doc_id"]) == FIXED_IDS


def test_doc_numbers_have_a_valid_shape(built):
    numbers = built["doc_number"].dropna()
    assert len(numbers) > 30
    assert numbers.str.match(DOC_NUMBER_RE).all()
    assert not re.match(DOC_NUMBER_RE, "国发[2022]14号")  # ASCII brackets are not a 文号


def test_dates_are_real_and_in_order(built):
    for col in ("date_written", "date_published"):
        vals = built[col].dropna()
        for v in vals:
            parts = [int(x) for x in v.split("-")]
            pd.Timestamp(year=parts[0], month=parts[1] if len(parts) > 1 else 1, day=parts[2] if len(parts) > 2 else 1)
            assert 1990 <= parts[0] <= 2022  # nothing the report cites is later than the report
    both = built.dropna(subset=["date_written", "date_published"])
    for w, p in zip(both["date_written"], both["date_published"]):
        n = min(len(w), len(p))
        assert w[:n] <= p[:n]


def test_every_short_name_is_in_the_report_and_first_page_is_right(curated, report_chars):
    text, owner = report_chars
    # first mention under a different wording (p.33: 深圳市人工智能条例)
    exceptions = {"shenzhen-ai-regulation-2022": 33}
    for row in curated.itertuples():
        key = _squeeze(row.short_name)
        pos = text.find(key)
        assert pos >= 0, f"{row.doc_id}: {row.short_name} not found in the report"
        page = page_of_line(owner[pos])
        while page is None:  # a mention in the 前言 (roman pages): take the next one
            pos = text.find(key, pos + 1)
            page = page_of_line(owner[pos])
        assert exceptions.get(row.doc_id, page) == row.first_page, row.doc_id


def test_cited_sections_cover_every_mention(curated):
    parts = parse_report()
    paras = parts.paragraphs.assign(squeezed=parts.paragraphs["text"].map(_squeeze))
    section_of = dict(zip(parts.paragraphs["para_id"], parts.paragraphs["section_path"]))
    for row in curated.itertuples():
        key = _squeeze(row.short_name)
        found = set(paras.loc[paras["squeezed"].str.contains(key, regex=False), "section_path"])
        found |= {section_of[f.para_id] for f in parts.footnotes.itertuples() if key in _squeeze(f.text)}
        assert found <= set(row.cited_sections.split(";")), row.doc_id
        if pd.isna(row.table1_row):
            assert found, f"{row.doc_id}: no paragraph or footnote names {row.short_name}"


def test_lawrefbook_dates_and_numbers_match_the_files(curated):
    files = {p.stem.split("(")[0]: p for p in (RAW_DIR / "lawrefbook-laws").rglob("*.md")}
    checked = 0
    for row in curated.itertuples():
        for col in ("date_written", "date_published", "doc_number"):
            source = getattr(row, f"{col}_source")
            if pd.isna(source) or not source.startswith("lawrefbook"):
                continue
            name = row.title.removeprefix("中华人民共和国")
            path = files[name]
            value = getattr(row, col)
            head = path.read_text(encoding="utf-8").split("<!-- INFO END -->")[0]
            if col == "doc_number":
                assert f"国务院令第{value.removeprefix('国令第')}" in head
            else:
                y, m, d = (int(x) for x in value.split("-"))
                assert f"({value})" in path.name or f"{y}年{m}月{d}日" in head, (row.doc_id, col)
            checked += 1
    assert checked >= 10


def test_bad_curated_value_is_named_by_line_and_column(tmp_path):
    text = CURATED_CSV.read_text(encoding="utf-8").replace("国发〔2022〕14号", "国发[2022]14号", 1)
    bad = tmp_path / "documents.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_curated_documents(bad)
    line = next(i for i, l in enumerate(text.split("\n"), 1) if "国发[2022]14号" in l)
    assert any(p.line == line and p.column == "doc_number" for p in err.value.problems)


# ----------------------------------------------------------------------------- known answers
def test_digital_government_guideline(curated, built):
    cur = curated.set_index("doc_id").loc["digital-government-guideline-2022"]
    assert cur["doc_number"] == "国发〔2022〕14号"
    assert cur["title"] == "国务院关于加强数字政府建设的指导意见"
    assert cur["date_written"] == "2022-06"  # 前言: 今年 6月，国务院印发
    row = built.set_index("doc_id").loc["digital-government-guideline-2022"]
    assert row["date_written"] == "2022-06-06" and row["date_published"] == "2022-06-23"
    assert row["date_written_source"].startswith("state-council-dates.xlsx row 100 (iss); refines 2022-06")


def test_state_council_numbers_in_metadata(built):
    sc = built[built["doc_number"].str.match(r"^(国发|国办发|国办函)〔", na=False)]
    assert len(sc) == 17  # data/raw/SOURCES.md: 17 国发/国办发/国办函 documents cited
    assert sc["sc_url"].notna().sum() == 16
    assert sc.loc[sc["sc_url"].isna(), "doc_number"].tolist() == ["国办发〔2021〕6号"]
    # numbers filled from the metadata agree with the ones the report prints (no number conflicts)
    assert not built["conflicts"].fillna("").str.contains("doc_number:").any()


def test_table1_row7_conflict_is_reported(built):
    row = built.set_index("doc_id").loc["gov-services-standardisation-guideline-2022"]
    assert row["doc_number"] == "国发〔2022〕5号"
    assert row["date_published"] == "2022-02"  # curated (Table 1) kept
    assert "2022-03-01" in row["conflicts"] and "iss 2022-02-07" in row["conflicts"]


def test_normalise_title():
    assert normalise_title("国务院关于积极推进“互联网＋”行动的指导意见") == "国务院关于积极推进互联网+行动的指导意见"
    assert normalise_title("《关于 加强》") == "关于加强"


# ----------------------------------------------------------------------------- determinism
def test_rebuild_is_byte_identical(built, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_documents(a, built)
    write_documents(b, build_documents())
    assert a.read_bytes() == b.read_bytes()
    assert built["doc_id"].is_monotonic_increasing
    if PROCESSED_CSV.exists():
        assert a.read_bytes() == PROCESSED_CSV.read_bytes()


def test_every_issuer_has_a_source_or_is_missing(curated):
    has_issuer = curated["issuer_zh"].notna()
    assert (has_issuer == curated["issuer_source"].notna()).all()
    # issuers no shipped source gives are missing, and the note says so
    for doc_id in ["mlps-measures-2007", "classified-info-system-protection-measures",
                   "gbt-31167-2014-cloud-security-guide", "gbt-31168-2014-cloud-security-capability",
                   "internet-plus-ip-protection-plan-2018", "internet-plus-tourism-opinions-2020"]:
        row = curated.set_index("doc_id").loc[doc_id]
        assert pd.isna(row["issuer_zh"]) and "not given by any shipped source" in row["notes"], doc_id
    # a source quoting the report holds the issuer (or its short form) and the document's name
    from analysis.corpus.report_text import parse_report
    text = re.sub(r"\s", "", parse_report().text)
    for r in curated[curated["issuer_source"].astype("string").str.startswith("report p.").fillna(False)].itertuples():
        quoted = re.sub(r"\s", "", r.issuer_source.split(": ", 1)[1]).split("(footnote")[0].rstrip("…")
        assert quoted in text, r.doc_id


def test_schema_rejects_an_issuer_without_source(tmp_path):
    from analysis.report.documents import read_curated_documents
    src = CURATED_CSV
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df.loc[df["doc_id"] == "ai-development-plan-2017", "issuer_source"] = ""
    bad = tmp_path / "documents.csv"
    df.to_csv(bad, index=False, lineterminator="\n")
    with pytest.raises(Exception, match="issuer"):
        read_curated_documents(bad)


def test_ai_standards_guide_date_conflict_recorded(built):
    row = built.set_index("doc_id").loc["ai-standards-guide-2020"]
    assert "2020-07" in row["conflicts"] and "signature line 2020-08-04" in row["conflicts"]
    assert "Release Time 2020-08-07" in row["conflicts"]
