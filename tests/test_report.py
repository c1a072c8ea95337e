"""Tests for analysis.corpus.report_text: known answers read by hand from the raw report text."""
from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from analysis.paths import REPORT_TXT
from analysis.corpus.report_text import RUNNING_HEADER, find_quote, page_of_line, parse_report, write_report_tables
from analysis.schemas.report import SCHEMAS


@pytest.fixture(scope="module")
def parts():
    return parse_report()


@pytest.fixture(scope="module")
def raw_lines():
    return REPORT_TXT.read_text(encoding="utf-8").split("\n")


def _para_with(parts, needle):
    hit = parts.paragraphs[parts.paragraphs["text"].str.contains(needle, regex=False)]
    assert len(hit) == 1, f"{needle!r} found in {len(hit)} paragraphs"
    return hit.iloc[0]


# --- cleaning --------------------------------------------------------------------------------
def test_no_running_header_page_number_or_line_break(parts):
    texts = parts.paragraphs["text"]
    assert not texts.str.contains(RUNNING_HEADER, regex=False).any()
    assert not texts.str.contains("\n", regex=False).any()
    assert not texts.str.match(r"^\s").any()
    assert not texts.str.contains(r"\s$").any()
    # the page-number lines "5", "19", "23", "27", "38" are not paragraphs
    assert not texts.isin(["5", "19", "23", "27", "38"]).any()


def test_schemas_validate(parts):
    SCHEMAS["report_paragraphs"].validate(parts.paragraphs, lazy=True)
    SCHEMAS["report_footnotes"].validate(parts.footnotes, lazy=True)
    SCHEMAS["report_captions"].validate(parts.captions, lazy=True)


def test_sentences_rejoined_across_page_breaks(parts):
    # each pair of pieces sits on two pages of the raw text (space-led page start, running
    # header, footnotes, or the front-matter page break at lines 49/53)
    for quote in [
        "这些规范从我国早期政府信息化至今",                 # lines 49 | 53 (前言)
        "要求协同推动经济、社会、治理等领域数字化发展",       # lines 174 | 175
        "位于“非常高”水平的省级政府数量呈逐年上升趋势",     # lines 274 | header | 282
        "提供信息共享和便民服务应用项目。通过上网",          # lines 122 | footnote 1 | 126
        "不同技术制度出台的时间分布也不一致",                # 921 | footnote 15 | header | 931
        "第三批于 2020年制定发布",                          # lines 1114 | header | 1122
        "还要充分利用、管理好广泛的社会和企业数据",           # lines 1950 | header | 1958
    ]:
        _para_with(parts, quote)


def test_internal_spaces_kept_and_no_width_normalisation(parts):
    t = parts.text
    for s in ["今年 6月", "2022 年电子政务发展指数得分 0.8119", "5.3 万余个", "163/169网",
              "（国办发〔2016〕23号 ）", "从 PC端走向手机端"]:
        assert s in t, s
    # the ASCII word broken at a line end gets its space back
    assert "（Robotic process automation，RPA）" in t


def test_quotes_copied_from_raw_are_found(parts, raw_lines):
    # a quote copied from the raw text, blank lines and line breaks included
    quote = "\n".join(raw_lines[251:256])  # lines 252-256
    assert "0.8119" in quote and "\n\n" in quote
    hits = find_quote(quote, parts)
    assert len(hits) == 1
    # every pair of consecutive raw body lines inside a paragraph is a substring of it
    lines = parts.lines
    body = lines[lines["kind"] == "body"]
    by_line = dict(zip(body["lineno"].astype(int), body["raw"].str.lstrip(" ")))
    checked = 0
    for p in parts.paragraphs[~parts.paragraphs["is_heading"]].itertuples():
        nums = [n for n in range(p.line_start, p.line_end + 1) if n in by_line]
        for a, b in zip(nums, nums[1:]):
            piece = by_line[a] + by_line[b]
            if re.search(r"[A-Za-z]$", by_line[a]) and re.match(r"[A-Za-z]", by_line[b]):
                continue  # the Robotic/process join, tested above
            if re.search(r"\d[。，]", piece):
                continue  # may hold a footnote reference, removed from the text
            assert piece in p.text, (p.para_id, a, b)
            checked += 1
    assert checked > 500


def test_character_conservation(parts, raw_lines):
    """Every non-blank raw character is in a paragraph, footnote or caption, except the running
    headers, page-number lines and Table 1's body (lines 1502-1624, read by hand)."""
    header_lines = {278, 280, 927, 929, 1118, 1120, 1321, 1323, 1954, 1956}
    table_body = set(range(1502, 1625))
    for n in header_lines:
        assert raw_lines[n - 1].strip() in (RUNNING_HEADER, "5", "19", "23", "27", "38")

    def nws(s):
        return len(re.sub(r"\s", "", s))

    raw_total = sum(nws(ln) for i, ln in enumerate(raw_lines, start=1)
                    if i not in header_lines and i not in table_body)
    fn = parts.footnotes
    caps = parts.captions
    parsed_total = (
        sum(nws(t) for t in parts.paragraphs["text"])
        + sum(nws(f"{n}{t}") for n, t in zip(fn["number"], fn["text"]))   # footnote lines
        + sum(len(str(n)) for n in fn["number"])                          # removed references
        + sum(nws(f"{k}{n}{t}") for k, n, t in zip(caps["kind"], caps["number"], caps["title"]))
        + sum(nws(f"来源：{s}") for s in caps["source"])
    )
    assert parsed_total == raw_total
    assert nws(parts.table1_raw) == sum(nws(raw_lines[i - 1]) for i in table_body)


# --- footnotes -------------------------------------------------------------------------------
def test_fifteen_footnotes(parts):
    fn = parts.footnotes
    assert fn["number"].tolist() == list(range(1, 16))
    assert fn.loc[0, "text"].startswith("黄璜.中国“数字政府”的政策演变")
    assert fn.loc[0, "text"].endswith("2020, 27(03):47-55.")  # continuation line joined
    assert fn.loc[14, "text"].startswith("Lum K,Isaac W. To Predict and Serve?")
    # pages read by hand: footnote 1 at line 124 (page 1), 15 at line 923 (page 18)
    assert fn.set_index("number").loc[[1, 2, 9, 12, 15], "page"].tolist() == [1, 5, 11, 16, 18]


def test_footnote_references_removed(parts):
    t = parts.text
    p = parts.paragraphs.set_index("para_id")
    fn = parts.footnotes.set_index("number")
    cases = {1: "等重大经济信息化工程。对", 3: "“最多跑一次”。与", 5: "产业发展快速，大数据",
             10: "政务区块链项目达 72个，2021年", 12: "仿冒页面 5.3 万余个。多地",
             13: "占比超 80%。最后", 14: "东部城市占 80%。中西部", 15: "引发广泛争议。国内"}
    for n, s in cases.items():
        assert s in p.loc[fn.loc[n, "para_id"], "text"], n
    for glued in ["工程1。", "一次”3。", "快速5，", "72个10，", "万余个12。", "80%13。",
                  "80%14。", "争议15。"]:
        assert glued not in t
    # a real number that looks like a reference stays
    assert "全球排名第10，折射出" in t


# --- captions --------------------------------------------------------------------------------
FIGURES = {
    1: ("政府信息化建设中的数字技术应用演进", "中国信息通信研究院"),
    2: ("省级政府网上政务服务能力年度对比图", "中央党校（国家行政学院）电子政务研究中心"),
    3: ("2019-2021年我国省级行政许可事项办理情况", "中央党校（国家行政学院）电子政务研究中心"),
    4: ("不同地区政务服务智能化建设的覆盖情况", "中山大学数字治理研究中心、科大讯飞"),
    5: ("近几年政务区块链项目数变化情况", "智慧城市生态圈、赛迪研究院"),
    6: ("数字技术治理的制度体系架构", "中国信息通信研究院"),
}


def test_captions(parts):
    caps = parts.captions
    figs = caps[caps["kind"] == "图"].set_index("number")
    assert figs.index.tolist() == [1, 2, 3, 4, 5, 6]
    for n, (title, source) in FIGURES.items():
        assert (figs.loc[n, "title"], figs.loc[n, "source"]) == (title, source)
    tab = caps[caps["kind"] == "表"]
    assert tab[["number", "title", "source", "page"]].values.tolist() == [
        [1, "中央出台的主要互联网融合应用制度规范", "中国信息通信研究院整理", 30]]
    # figure 6 follows the page-19 header; figure 4's 来源 line opens page 10
    assert figs.loc[6, "page"] == 19 and figs.loc[4, "page"] == 10
    texts = parts.paragraphs["text"]
    assert not texts.str.startswith("来源：").any()
    assert not texts.str.match(r"^[图表] \d").any()


def test_table1_body_not_in_paragraphs(parts):
    texts = parts.paragraphs["text"]
    for s in ["序号 领域 文件名称 发布时间", "国务院关于在线政务服务的若干规定 2019年 4月",
              "国务院办公厅关于转发国家发展改革委等部门推进"]:
        assert not texts.str.contains(s, regex=False).any()
        assert s in parts.table1_raw
    assert parts.table1_raw.startswith("序号 领域 文件名称 发布时间")
    assert parts.table1_raw.endswith("20 旅游 关于深化“互联网+旅游”推动旅游业高质量发展的意见 2020年 11月")


# --- pages and outline -----------------------------------------------------------------------
def test_pages_of_anchors(parts):
    # 0.8119 is on raw line 252: after the page start at line 224 (page 4), before the page-5
    # running header at line 278
    assert _para_with(parts, "0.8119")["page"] == 4
    p = _para_with(parts, "有望实现弯道超车")          # lines 268-294, header at 278
    assert (p["page"], p["page_end"]) == (4, 5)
    assert _para_with(parts, "数字技术驱动政府治理变革")["page"] == 1
    assert _para_with(parts, "实现以网管网")["page"] == 38    # after the page-38 header
    front = parts.paragraphs[parts.paragraphs["section_path"] == "前言"]
    assert len(front) == 6 and front["page"].isna().all()
    assert parts.paragraphs.loc[parts.paragraphs["section_path"] != "前言", "page"].notna().all()


def test_page_of_line():
    assert [page_of_line(n) for n in (50, 86, 125, 126, 175, 224, 278, 280, 282, 929, 1956)] == \
        [None, 1, 1, 2, 3, 4, 5, 5, 5, 19, 38]
    with pytest.raises(IndexError):
        page_of_line(10_000)


def test_outline(parts):
    p = parts.paragraphs
    heads = p[p["is_heading"]]
    chapters = heads[~heads["section_path"].str.contains("/") & (heads["section_path"] != "前言")]
    assert chapters["text"].tolist() == [
        "一、数字技术驱动政府治理变革", "二、数字技术在政府治理中的应用情况",
        "三、数字技术在政府治理中应用的规则建设情况", "四、完善数字技术规则的政策建议"]
    ch3 = heads[heads["section_path"].str.startswith("三/")]
    assert ch3["section_path"].tolist() == [
        "三/（一）", "三/（二）", "三/（二）/1", "三/（二）/2", "三/（二）/3", "三/（二）/4",
        "三/（二）/5", "三/（三）", "三/（三）/1", "三/（三）/2", "三/（三）/3", "三/（三）/4"]
    assert ch3["text"].iloc[2] == "1.立项建设：强化统筹规划和集约创新"
    # "2.5万笔" (line 644) starts with "2." but is body text, not a heading
    assert not heads["text"].str.startswith("2.5").any()
    body = _para_with(parts, "《办法》规定，对于已纳入国家政务信息化建设规划的项目")
    assert body["section_path"] == "三/（二）/1"
    assert body["heading"] == "1.立项建设：强化统筹规划和集约创新"
    assert p["order"].tolist() == list(range(1, len(p) + 1))


def test_paragraph_boundaries(parts):
    # "…进行预警、研判和应对指挥" (line 1687) ends a paragraph although the PDF has no 。
    assert _para_with(parts, "研判和应对指挥")["text"].endswith("研判和应对指挥")
    assert _para_with(parts, "三是推进大数据基础技术创新")["text"].startswith("三是推进")
    # a paragraph whose indented first line ends with 。 continues (lines 596 → 598)
    assert "但尚处初级阶段。2020年全国落地" in parts.text
    # new paragraphs after short last lines
    for start in ["区块链+数据共享。", "在监督管理环节，", "2022年 9 月，《深圳经济特区",
                  "一是明确区块链服务的安全评估", "中端：自动流转分析。"]:
        assert parts.paragraphs["text"].str.startswith(start).sum() == 1, start


# --- output ----------------------------------------------------------------------------------
def test_write_is_deterministic_and_readable(tmp_path):
    a = write_report_tables(tmp_path / "a")
    b = write_report_tables(tmp_path / "b")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes()
        df = pd.read_csv(a[name])
        SCHEMAS[f"report_{name}"].validate(df, lazy=True)
    again = write_report_tables(tmp_path / "a")
    assert again["paragraphs"].read_bytes() == b["paragraphs"].read_bytes()
    assert not list((tmp_path / "a").glob("*.tmp"))


def test_parse_is_fast():
    t0 = time.perf_counter()
    parse_report()
    assert time.perf_counter() - t0 < 1.0


def test_bad_input_names_the_line(tmp_path, raw_lines):
    bad = list(raw_lines)
    assert bad[279] == "5"
    bad[279] = "6"   # wrong printed page number under the running header at line 278
    f = tmp_path / "bad.txt"
    f.write_text("\n".join(bad), encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 280"):
        parse_report(f)
    missing = [ln for i, ln in enumerate(raw_lines, start=1) if i != 587]  # drop footnote 9
    f.write_text("\n".join(missing), encoding="utf-8")
    with pytest.raises(ValueError, match=r"footnotes 1\.\.8"):
        parse_report(f)
