"""Checks of data/curated/indicators.csv against the raw report text and known answers.

The report text is re-joined here on its own (not with the curation helper): page-header blocks and
footnote lines are dropped, the marker space of each page-start line is removed, the glued
footnote-reference digits are deleted, and the remaining non-blank lines are concatenated.
"""
from __future__ import annotations

import csv
import math
import re
from decimal import Decimal
from functools import lru_cache

import pandas as pd
import pytest

from analysis.paths import CURATED_DIR, RAW_DIR, REPORT_TXT
from analysis.schemas.indicators import SCHEMAS

CSV = CURATED_DIR / "indicators.csv"
HEADER = "数字时代治理现代化研究报告（2022年）"
N_FOOTNOTES = 15
N_ROWS = 92  # counted by hand when the table was curated
SCALE_FACTOR = {"": 1, "千": 1_000, "万": 10_000, "亿": 100_000_000}
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@lru_cache(maxsize=1)
def rows() -> list[dict]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def report_text() -> tuple[str, tuple[int, ...], tuple[bool, ...]]:
    """Joined body text; per character, the printed page (0 = preface) and whether a raw line starts there."""
    lines = REPORT_TXT.read_text(encoding="utf-8").split("\n")
    keep: list[tuple[str, int]] = []
    page = 0
    next_note = 1
    in_notes = False
    skip_number_line = False
    for lineno, line in enumerate(lines, start=1):
        if skip_number_line:
            if line.strip():
                assert line.strip().isdigit(), f"line {lineno}: expected a page number after the header"
                page = int(line.strip())
                skip_number_line = False
            continue
        if line == HEADER:
            skip_number_line, in_notes = True, False
            continue
        if lineno >= 86 and re.match(r"^ \S", line):
            page, in_notes = page + 1, False
            line = line[1:]
        elif lineno == 1:
            line = line.lstrip(" ")
        if not line.strip():
            continue
        while next_note <= N_FOOTNOTES and lineno >= 86 and line.startswith(f"{next_note} "):
            in_notes = True
            next_note += 1
        if in_notes:
            continue
        keep.append((line, page))
    assert next_note == N_FOOTNOTES + 1, "not all 15 footnotes were found"
    text = "".join(t for t, _ in keep)
    pages = tuple(p for t, p in keep for _ in t)
    line_start = tuple(i == 0 for t, _ in keep for i in range(len(t)))
    # delete footnote references 1..15, in order: digits glued after a CJK char, closing mark or %,
    # followed by 。 or ，
    pos = 0
    for n in range(1, N_FOOTNOTES + 1):
        m = re.compile(rf"(?<=[\u4e00-\u9fff”》）%]){n}(?=[。，])").search(text, pos)
        assert m, f"footnote reference {n} not found"
        text = text[: m.start()] + text[m.end():]
        pages = pages[: m.start()] + pages[m.end():]
        line_start = line_start[: m.start()] + line_start[m.end():]
        pos = m.start()
    return text, pages, line_start


def cn_number(s: str) -> int:
    """Chinese numeral (十, 十二, 四十, 百, 两) -> int."""
    if s == "百":
        return 100
    total, cur = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            raise ValueError(s)
    return total + cur


def parse_value_text(vt: str) -> tuple[float, str]:
    """Number and scale word stated by a value_text such as '超 9亿', '5.3 万余个', '十多个', '约一半'."""
    m = re.search(r"\d+(?:\.\d+)?", vt)
    if m:
        after = vt[m.end():].lstrip(" ")
        scale = after[0] if after[:1] in ("万", "亿", "千") else ""
        return float(m.group()), scale
    if "一半" in vt:
        return 50.0, ""
    if "数十" in vt:  # several tens: at least two tens
        return 20.0, ""
    m = re.search(r"[零一二两三四五六七八九十百]+", vt)
    assert m, f"no number in value_text {vt!r}"
    return float(cn_number(m.group())), ""


def test_table_validates_against_schema():
    df = pd.read_csv(CSV, dtype=str, keep_default_na=False).replace("", pd.NA)
    SCHEMAS["indicators"].validate(df, lazy=True)


def test_schema_rejects_bad_value_base():
    df = pd.read_csv(CSV, dtype=str, keep_default_na=False).replace("", pd.NA)
    df.loc[df["value_text"] == "超 9亿", "value_base"] = "9"
    with pytest.raises(Exception):
        SCHEMAS["indicators"].validate(df, lazy=True)


def test_row_count_and_ids():
    rs = rows()
    assert len(rs) == N_ROWS
    ids = [r["indicator_id"] for r in rs]
    assert len(set(ids)) == len(ids)
    assert ids == [f"ind-{i:03d}" for i in range(1, len(ids) + 1)]


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["indicator_id"])
def test_quote_is_verbatim_and_value_parses(row):
    text, pages, line_start = report_text()
    quote = row["quote"]
    start = text.find(quote)
    assert start >= 0, f"{row['indicator_id']}: quote not found in the joined report text"
    assert quote.endswith(("。", "：")), f"{row['indicator_id']}: quote is not a whole sentence"
    assert start == 0 or text[start - 1] in "。：" or line_start[start], \
        f"{row['indicator_id']}: quote does not start at a sentence start"
    assert quote.count("。") == 1 or quote.count("。") == 0, f"{row['indicator_id']}: quote holds more than one sentence"
    vt = row["value_text"]
    assert vt in quote, f"{row['indicator_id']}: value_text not in quote"
    value, scale = parse_value_text(vt)
    assert math.isclose(float(row["value"]), value), f"{row['indicator_id']}: value {row['value']} != {value} from {vt!r}"
    assert row["scale"] == scale, f"{row['indicator_id']}: scale {row['scale']!r} != {scale!r} from {vt!r}"
    expected_base = Decimal(row["value"]) * SCALE_FACTOR[row["scale"]]
    assert Decimal(row["value_base"]) == expected_base, f"{row['indicator_id']}: value_base"
    if row["qualifier"]:
        assert row["qualifier"] in vt, f"{row['indicator_id']}: qualifier not in value_text"
    if row["unit"] == "%":
        assert "%" in vt or "一半" in vt
    if row["unit"] == "index":
        assert 0 < value < 1
    # page: printed page on which value_text starts (preface -> empty)
    vpos = start + quote.find(vt)
    page = pages[vpos]
    if page == 0:
        assert row["page"] == "" and row["section_path"] == "前言"
    else:
        assert row["page"] == str(page), f"{row['indicator_id']}: page {row['page']} != {page}"
    if row["footnote"]:
        assert 1 <= int(row["footnote"]) <= N_FOOTNOTES


def test_rows_in_report_order():
    text, _, _ = report_text()
    positions = []
    for r in rows():
        start = text.find(r["quote"])
        positions.append(start + r["quote"].find(r["value_text"]))
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions), "two rows point at the same number"


def _one(**conds) -> dict:
    hits = [r for r in rows() if all(r[k] == v for k, v in conds.items())]
    assert len(hits) == 1, (conds, len(hits))
    return hits[0]


def test_known_answers_egdi():
    egdi = _one(value_text="0.8119")
    assert (egdi["value"], egdi["unit"], egdi["year"], egdi["entity"], egdi["page"]) == ("0.8119", "index", "2022", "China", "4")
    rank = _one(value_text="第43位")
    assert (rank["value"], rank["unit"], rank["year"], rank["page"]) == ("43", "rank", "2022", "4")
    assert _one(value_text="0.8876")["page"] == "4"
    assert _one(value_text="0.8837")["entity"] == "Shanghai"


def test_known_answers_elsewhere():
    assert _one(value_text="72个")["year"] == "2020"
    assert _one(value_text="87项")["year"] == "2021"
    assert {_one(value_text=v)["figure"] for v in ("72个", "87项")} == {"图5"}
    health = _one(value_text="超 9亿")
    assert (health["value_base"], health["qualifier_en"], health["page"]) == ("900000000", "more than", "7")
    lic = _one(value_text="56.36%")
    assert (lic["footnote"], lic["figure"], lic["year"]) == ("3", "图3", "2021")
    assert _one(value_text="5.3 万余个")["value_base"] == "53000"
    assert _one(value_text="41项")["topic"] == "城市大脑"


def test_egdi_rows_match_un_survey_files():
    """The report's UN figures agree with the UN E-Government Survey CSVs in data/raw/un-egov."""
    def china(year: int) -> dict:
        df = pd.read_csv(RAW_DIR / "un-egov" / f"EGOV_DATA_{year}.csv")
        hit = df[df["Country Name"].str.strip() == "China"]
        assert len(hit) == 1
        return hit.iloc[0].to_dict()

    c22, c20 = china(2022), china(2020)
    assert math.isclose(float(_one(value_text="0.8119")["value"]), c22["E-Government Index"])
    assert math.isclose(float(_one(value_text="0.8876")["value"]), c22["Online Service Index"])
    assert math.isclose(float(_one(value_text="0.8050")["value"]), c22["Telecommunication Infrastructure Index"])
    assert math.isclose(float(_one(value_text="0.7429")["value"]), c22["Human Capital Index"])
    assert int(_one(value_text="第43位")["value"]) == c22["E-Government Rank"]
    assert int(_one(value_text="2名")["value"]) == c20["E-Government Rank"] - c22["E-Government Rank"]
