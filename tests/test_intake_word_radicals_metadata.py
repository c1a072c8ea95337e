"""Issue 19, defects 3, 4, 6, 7 and 10 in detail: Word numbering as Word counts it, every run container of a
.docx read, the radical blocks mapped by Unicode's own equivalence data (every code point), order pages and
order notes, and titles from the document's title lines (each value with its evidence line)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from analysis.corpus.metadata import text_metadata
from analysis.corpus.readers import (EQUIVALENT_UNIFIED_IDEOGRAPH_FILE, IDEOGRAPH_TABLE, RADICALS_WITHOUT_EQUIVALENT,
                                     equivalent_unified_ideographs, read_docx, standard_ideographs)
from analysis.text.tokens import normalize

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --------------------------------------------------------------------------- radicals (defect 7)
#: the CJK Unified Ideographs blocks (main block and extensions A–H; by range, as the Python in use may
#: know an older Unicode than the UCD file: U+2B739 joined extension C in Unicode 14)
_UNIFIED = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
            (0x2B820, 0x2CEAF), (0x2CEB0, 0x2EBEF), (0x30000, 0x3134F), (0x31350, 0x323AF))


def _is_unified_ideograph(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _UNIFIED)


@pytest.mark.parametrize("lo,hi", [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF)], ids=["radicals-supplement", "kangxi"])
def test_every_radical_code_point_maps_to_an_ideograph_or_has_none(lo, hi):
    eui = equivalent_unified_ideographs()
    for cp in range(lo, hi + 1):
        ch = chr(cp)
        if cp in RADICALS_WITHOUT_EQUIVALENT:
            assert cp not in IDEOGRAPH_TABLE and standard_ideographs(ch) == ch, hex(cp)
            # documented: U+2E80 is listed by the UCD as without equivalent, the rest are unassigned
            assert cp == 0x2E80 or unicodedata.category(ch) == "Cn", hex(cp)
            continue
        out = standard_ideographs(ch)
        assert len(out) == 1 and _is_unified_ideograph(out), f"U+{cp:04X} {unicodedata.name(ch, '?')} → {out!r}"
        assert out == eui[cp], f"U+{cp:04X}: not the Equivalent_Unified_Ideograph value"
        nfkc = unicodedata.normalize("NFKC", ch)
        assert nfkc == ch or nfkc == out, f"U+{cp:04X}: NFKC gives {nfkc!r}, the UCD {out!r}"


def test_radicals_supplement_in_a_text():
    text = "人⺠法院 ⻔户 ⻓期 ⻛险 ⻋辆 ⻅证 ⻜机 ⻢上 ⻚⾯"
    assert standard_ideographs(text) == "人民法院 门户 长期 风险 车辆 见证 飞机 马上 页面"
    assert "人民法院" in normalize("人⺠法院在线诉讼规则")
    assert standard_ideographs("，（）《》：") == "，（）《》："


def test_equivalence_file_is_the_ucd_file():
    head = EQUIVALENT_UNIFIED_IDEOGRAPH_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert head == "# EquivalentUnifiedIdeograph-15.0.0.txt"
    eui = equivalent_unified_ideographs()
    assert eui[0x2EA0] == "民" and eui[0x2F2F] == "工" and 0x2E80 not in eui
    assert len([cp for cp in eui if 0x2E80 <= cp <= 0x2FDF]) == 114 + 214


# --------------------------------------------------------------------------- numbering (defect 3)
def _lvl(i: int, text: str, restart: str = "", fmt: str = "chineseCounting") -> str:
    return (f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{restart}'
            f'<w:lvlText w:val="{text}"/><w:suff w:val="space"/></w:lvl>')


def _numbered(path: Path, levels: str, nums: dict[int, str], paragraphs: list[tuple[str, int, int]]) -> Path:
    """A .docx with one abstractNum (id 97) of ``levels``, w:num instances ``{numId: extra xml}`` and
    paragraphs (text, numId, ilvl)."""
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="97">{levels}</w:abstractNum>'))
    for nid, extra in nums.items():
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="97"/>{extra}</w:num>'))
    for text, nid, ilvl in paragraphs:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{nid}"/></w:numPr>'))
    d.save(str(path))
    return path


def test_numbering_runs_per_abstract_definition(tmp_path):
    p = _numbered(tmp_path / "a.docx", _lvl(0, "第%1条"), {91: "", 92: "", 93: ""},
                  [("甲。", 91, 0), ("乙。", 91, 0), ("丙。", 92, 0), ("丁。", 93, 0)])
    assert read_docx(p).text.split("\n") == ["第一条 甲。", "第二条 乙。", "第三条 丙。", "第四条 丁。"]


def test_an_empty_numbered_paragraph_takes_its_number(tmp_path):
    p = _numbered(tmp_path / "e.docx", _lvl(0, "第%1条"), {91: ""}, [("甲。", 91, 0), ("", 91, 0), ("丙。", 91, 0)])
    assert read_docx(p).text.split("\n") == ["第一条 甲。", "第三条 丙。"]


def test_start_override_is_a_list_of_its_own(tmp_path):
    over = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    p = _numbered(tmp_path / "b.docx", _lvl(0, "%1、"), {91: "", 92: over},
                  [("甲", 91, 0), ("乙", 91, 0), ("丙", 92, 0), ("丁", 92, 0), ("戊", 91, 0)])
    assert read_docx(p).text.split("\n") == ["一、 甲", "二、 乙", "一、 丙", "二、 丁", "三、 戊"]


@pytest.mark.parametrize("restart,want", [
    ("", ["第一章 总则", "第一条 甲", "第二条 乙", "第二章 分则", "第一条 丙"]),      # default: restarts
    ('<w:lvlRestart w:val="0"/>', ["第一章 总则", "第一条 甲", "第二条 乙", "第二章 分则", "第三条 丙"]),  # never
    ('<w:lvlRestart w:val="1"/>', ["第一章 总则", "第一条 甲", "第二条 乙", "第二章 分则", "第一条 丙"]),
    ('<w:lvlRestart w:val="5"/>', ["第一章 总则", "第一条 甲", "第二条 乙", "第二章 分则", "第一条 丙"]),  # ignored
])
def test_lvl_restart(tmp_path, restart, want):
    p = _numbered(tmp_path / "c.docx", _lvl(0, "第%1章") + _lvl(1, "第%2条", restart), {91: ""},
                  [("总则", 91, 0), ("甲", 91, 1), ("乙", 91, 1), ("分则", 91, 0), ("丙", 91, 1)])
    assert read_docx(p).text.split("\n") == want


def test_lvl_restart_names_a_higher_level(tmp_path):
    """Level 2 restarts after level 0 only (lvlRestart=1), not after level 1."""
    levels = _lvl(0, "第%1章") + _lvl(1, "第%2节") + _lvl(2, "第%3条", '<w:lvlRestart w:val="1"/>')
    p = _numbered(tmp_path / "d.docx", levels, {91: ""},
                  [("章", 91, 0), ("节", 91, 1), ("甲", 91, 2), ("节", 91, 1), ("乙", 91, 2), ("章", 91, 0), ("丙", 91, 2)])
    assert read_docx(p).text.split("\n") == ["第一章 章", "第一节 节", "第一条 甲", "第二节 节", "第二条 乙",
                                             "第二章 章", "第一条 丙"]


# --------------------------------------------------------------------------- run containers (defect 4)
def _r(t: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'


def test_every_run_container_read_deleted_and_moved_away_hidden(tmp_path):
    d = docx.Document()
    body = d.element.body
    sect = body[-1]
    R = ('http://schemas.openxmlformats.org/officeDocument/2006/relationships')
    paras = [
        _r("甲") + f'<w:hyperlink xmlns:r="{R}" w:anchor="x">{_r("链接")}</w:hyperlink>',
        _r("乙") + '<w:ins w:id="1" w:author="a">' + _r("插入") + "</w:ins>"
        + '<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>',
        '<w:moveFrom w:id="3" w:author="a">' + _r("移走") + "</w:moveFrom>"
        + '<w:moveTo w:id="4" w:author="a">' + _r("移来") + "</w:moveTo>",
        '<w:smartTag w:element="chsdate"><w:smartTagPr/>' + _r("2018年10月1日") + "</w:smartTag>",
        "<w:sdt><w:sdtPr><w:alias w:val=\"x\"/></w:sdtPr><w:sdtContent>" + _r("控件") + "</w:sdtContent></w:sdt>",
        '<w:customXml w:element="x">' + _r("自定义") + "</w:customXml>",
        '<w:fldSimple w:instr=" TITLE ">' + _r("域结果") + "</w:fldSimple>",
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _r("复杂域") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ]
    for inner in paras:
        sect.addprevious(parse_xml(f'<w:p xmlns:w="{W}">{inner}</w:p>'))
    sect.addprevious(parse_xml(f'<w:customXml xmlns:w="{W}" w:element="b"><w:p>{_r("块级自定义")}</w:p></w:customXml>'))
    sect.addprevious(parse_xml(f'<w:sdt xmlns:w="{W}"><w:sdtContent><w:p>{_r("块级控件")}</w:p></w:sdtContent></w:sdt>'))
    tbl = d.add_table(rows=1, cols=1)
    tbl.cell(0, 0)._tc.remove(tbl.cell(0, 0)._tc.findall(f"{{{W}}}p")[0])
    tbl.cell(0, 0)._tc.append(parse_xml(f'<w:p xmlns:w="{W}"><w:ins w:id="5" w:author="a">{_r("表内插入")}</w:ins></w:p>'))
    d.save(str(tmp_path / "m.docx"))
    lines = read_docx(tmp_path / "m.docx").text.split("\n")
    assert lines == ["甲链接", "乙插入", "移来", "2018年10月1日", "控件", "自定义", "域结果", "复杂域", "块级自定义",
                     "块级控件", "表内插入"]


# --------------------------------------------------------------------------- metadata (defects 6, 10)
_ARTICLES = "第一章　总　　则\n　　第一条　为了……，制定本条例。\n　　第二条　本条例自2015年3月1日起施行。"


@pytest.mark.parametrize("note,number,issuer", [
    ("（2014年11月24日中华人民共和国国务院令第656号公布）", "中华人民共和国国务院令第656号", "国务院"),
    ("（2014年11月24日 中华人民共和国国务院令第656号公布）", "中华人民共和国国务院令第656号", "国务院"),
    ("（2021年7月22日国家市场监督管理总局令第43号公布）", "国家市场监督管理总局令第43号", "国家市场监督管理总局"),
    ("（二〇一四年十一月二十四日国务院令第656号公布）", "国务院令第656号", "国务院"),
])
def test_order_note_without_a_space(note, number, issuer):
    md = text_metadata(f"不动产登记暂行条例\n{note}\n{_ARTICLES}")
    assert md["doc_number"] == number and md["issuer"] == issuer
    assert md["doc_number_line"] == note and md["date_promulgated_line"] == note
    assert md["title"] == "不动产登记暂行条例"


@pytest.mark.parametrize("head,number,issuer,date,signer", [
    ("中华人民共和国国务院令\n第620号", "中华人民共和国国务院令第620号", "国务院", "2012-06-04", "总理　温家宝"),
    ("中华人民共和国主席令\n第一一九号", "中华人民共和国主席令第一一九号", "中华人民共和国主席", "2012-06-04",
     "中华人民共和国主席　习近平"),
    ("国家市场监督管理总局令\n（第43号）", "国家市场监督管理总局令第43号", "国家市场监督管理总局", "2012-06-04", "局长　张工"),
])
def test_order_page_first(head, number, issuer, date, signer):
    date_line = "二〇一二年六月四日" if "国务院" in head else "2012年6月4日"
    text = (f"{head}\n　　《对外劳务合作管理条例》已经2012年5月16日国务院第203次常务会议通过，现予公布，"
            f"自2012年8月1日起施行。\n{signer}\n{date_line}\n\n对外劳务合作管理条例\n{_ARTICLES}")
    md = text_metadata(text)
    assert md["title"] == "对外劳务合作管理条例" and md["title_line"] == "对外劳务合作管理条例"
    assert md["doc_number"] == number and md["doc_number_line"] == head.replace("\n", " ")
    assert md["issuer"] == issuer and md["date_promulgated"] == date and md["date_promulgated_line"] == date_line
    assert md["date_adopted"] == "2012-05-16" and md["date_effective"] == "2012-08-01"


def test_order_page_title_from_the_order_text_when_no_title_line_follows():
    md = text_metadata("国家市场监督管理总局令\n第43号\n《家用汽车产品修理更换退货责任规定》现予公布，自2022年1月1日起施行。"
                       "\n局长　张工\n2021年7月22日\n第一条　为了……")
    assert md["title"] == "家用汽车产品修理更换退货责任规定"
    assert md["title_line"].startswith("《家用汽车产品修理更换退货责任规定》现予公布")


def test_title_of_a_flattened_text():
    flat = ("商用密码管理条例（1999年10月7日中华人民共和国国务院令第273号发布　2023年4月27日中华人民共和国国务院令"
            "第760号修订）第一章 总 则第一条 为了规范商用密码应用和管理，制定本条例。" * 3)
    md = text_metadata(flat)
    assert md["title"] == "商用密码管理条例" and md["title_line"] == flat
    md = text_metadata("数据安全管理办法第一条 为了规范数据处理活动，制定本办法。第二条 本办法自公布之日起施行。" * 4)
    assert md["title"] == "数据安全管理办法"
    assert text_metadata("为了规范数据处理活动，" * 20)["title"] is None  # no title line: none
    # a revision year in brackets is part of the title, not a note
    assert text_metadata("中华人民共和国职业病防治法（2018年修正）\n" + _ARTICLES)["title"] == "中华人民共和国职业病防治法（2018年修正）"


def test_title_row_of_a_metadata_table():
    text = ("索 引 号：\t000014349/2013-00153\t主题分类：\t城乡建设\n发文机关：\t国务院\t成文日期：\t2013年10月02日\n"
            "标\u3000\u3000题：\t城镇排水与污水处理条例\n" + _ARTICLES)
    md = text_metadata(text)
    assert md["title"] == "城镇排水与污水处理条例" and md["title_line"].startswith("标")


def test_two_line_title_joined_running_head_skipped():
    text = ("山东省人民代表大会常务委员会公报\n山东省实施《中华人民共和国\n村民委员会组织法》办法\n"
            "（2000年12月22日山东省第九届人民代表大会常务委员会第十八次会议通过）\n" + _ARTICLES)
    md = text_metadata(text)
    assert md["title"] == "山东省实施《中华人民共和国村民委员会组织法》办法"
    assert md["title_line"] == "山东省实施《中华人民共和国\n村民委员会组织法》办法"
    assert md["date_adopted"] == "2000-12-22"
    md = text_metadata("关于加强数字政府建设的\n指导意见\n" + _ARTICLES)
    assert md["title"] == "关于加强数字政府建设的指导意见"
    # one-line titles stay one line
    md = text_metadata("国务院关于加强数字政府建设的指导意见\n各省、自治区、直辖市人民政府：\n" + _ARTICLES)
    assert md["title"] == "国务院关于加强数字政府建设的指导意见"
