"""Issue 19, defects 3, 4 and 7 in detail: Word numbering as Word counts it, every run container of a
.docx read, and the radical blocks mapped by Unicode's own equivalence data (every code point)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

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
