"""Clause segmentation: known structures of real laws and policies, exact offsets, stable ids."""
from __future__ import annotations

import pytest

from analysis.clauses import cn_to_int, segment, structure
from analysis.corpus import cited_texts
from analysis.paths import RAW_DIR

LAWS = RAW_DIR / "lawrefbook-laws"


def _read(rel: str) -> str:
    return (LAWS / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cited():
    return cited_texts().set_index("doc_id")


@pytest.mark.parametrize("s,n", [("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("二十一", 21),
                                 ("一百", 100), ("一百零五", 105), ("一百二十三", 123),
                                 ("二百四十四", 244), ("一千零三十四", 1034), ("一〇五", 105), ("37", 37)])
def test_cn_to_int(s, n):
    assert cn_to_int(s) == n


def test_cn_to_int_rejects_non_numerals():
    with pytest.raises(ValueError):
        cn_to_int("第三")


@pytest.mark.parametrize("rel,chapters,articles", [
    ("行政法/数据安全法(2021-06-10).md", 7, 55),
    ("行政法/个人信息保护法(2021-08-20).md", 8, 74),
    ("行政法/网络安全法(2016-11-07).md", 7, 79),
])
def test_known_law_structure(rel, chapters, articles):
    text = _read(rel)
    s = structure(text, "x")
    assert (s["level"] == "章").sum() == chapters
    arts = s[s["level"] == "条"]
    assert len(arts) == articles
    # articles are numbered 1..N in order (Chinese numerals parsed)
    assert arts["number"].tolist() == list(range(1, articles + 1))
    # every article holds at least one clause and chapters partition the articles
    assert (arts["n_clauses"] >= 1).all()
    chap = s[s["level"] == "章"]
    assert chap["number"].tolist() == list(range(1, chapters + 1))


def test_pipl_article_13_items():
    text = _read("行政法/个人信息保护法(2021-08-20).md")
    c = segment(text, "pipl-2021").set_index("path")
    base = "第二章/第一节/第十三条"
    # art. 13 para. 1 lists seven lawful bases (（一）…（七）) and has a second paragraph
    assert [f"{base}/第1款/（{n}）" in c.index for n in "一二三四五六七八"] == [True] * 7 + [False]
    assert f"{base}/第2款" in c.index
    assert c.loc[f"{base}/第1款/（一）", "text"].startswith("取得个人的同意")
    assert c.loc[f"{base}/第1款/（一）", "level"] == "项"
    # heading of a clause = title of the innermost titled division (第一节 一般规定)
    assert c.loc[f"{base}/第1款", "heading"] == "一般规定"


def test_digital_government_guideline_has_parts_one_to_eight(cited):
    text = cited.loc["digital-government-guideline-2022", "text"]
    s = structure(text, "dg")
    parts = s[s["level"] == "part"]
    assert parts["path"].tolist() == list("一二三四五六七八")
    assert parts["heading"].iloc[0] == "发展现状和总体要求"
    assert parts["heading"].iloc[-1] == "加强党对数字政府建设工作的领导"
    c = segment(text, "dg")
    # 2.基本原则 under （二）总体要求 holds six 坚持… principles as paragraphs
    principles = c[c["parent_path"] == "一/（二）/2"]
    assert len(principles) == 6
    assert principles["text"].str.startswith("坚持").all()


def test_synthetic_law_paths_and_offsets():
    text = ("# 示例法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范。\n\n"
            "## 第三章 规则\n\n第二十一条 第一款内容。\n\n有下列情形之一的：\n\n（一）甲；\n\n（二）乙。\n\n"
            "第一百二十三条 长编号。\n\n第一百二十三条之一 增补条文。\n")
    c = segment(text, "t").set_index("path")
    assert "第三章/第二十一条/第2款/（一）" in c.index
    assert c.loc["第三章/第二十一条/第2款/（二）", "text"] == "乙。"
    assert c.loc["第三章/第二十一条/第2款", "text"] == "有下列情形之一的："
    assert c.loc["第三章/第一百二十三条/第1款", "text"] == "长编号。"
    assert c.loc["第三章/第一百二十三条之一/第1款", "text"] == "增补条文。"
    s = structure(text, "t").set_index("path")
    assert s.loc["第三章/第一百二十三条", "number"] == 123
    assert s.loc["第三章", "heading"] == "规则"
    for r in c.itertuples():
        assert text[r.start:r.end] == r.text


def test_cross_reference_line_is_not_an_article():
    text = "第一条 总则内容。\n第十条的规定不适用于下列情形。\n"
    c = segment(text, "t")
    assert c["path"].tolist() == ["第一条/第1款", "第一条/第2款"]


def test_policy_numbering_levels():
    text = ("一、总体要求\n（一）指导思想。以某某为指导。\n二、重点任务\n（一）加强建设。\n"
            "1.完善制度。建立规则。\n（1）细化条款。\n（2）明确责任。\n2.强化保障。\n补充说明段落。\n")
    c = segment(text, "p").set_index("path")
    assert c.loc["一/（一）", "heading"] == "指导思想"
    assert c.loc["二/（一）/1/（2）", "text"] == "明确责任。"
    assert c.loc["二/（一）/1/（1）", "level"] == "subitem"
    # a short title-like item line with content below it is a heading, not a clause
    assert c.loc["二/（一）/2/第1段", "text"] == "补充说明段落。"
    assert c.loc["二/（一）/2/第1段", "heading"] == "强化保障"
    assert "二/（一）" not in c.index
    s = structure(text, "p").set_index("path")
    assert s.loc["二/（一）", "heading"] == "加强建设"
    assert s.loc["二/（一）", "n_clauses"] == 4


def test_sentence_fallback():
    text = "第一句话。第二句话！\n  第三句；第四句？没有句号"
    c = segment(text, "s")
    assert c["level"].unique().tolist() == ["sentence"]
    assert c["text"].tolist() == ["第一句话。", "第二句话！", "第三句；", "第四句？", "没有句号"]
    assert c["path"].tolist() == ["第1段/第1句", "第1段/第2句", "第2段/第1句", "第2段/第2句", "第2段/第3句"]


def test_ids_are_stable_when_other_text_changes():
    text = _read("行政法/数据安全法(2021-06-10).md")
    before = segment(text, "dsl")
    # rewrite article 10 and add a paragraph to article 30: no other clause id may change
    a10 = before[before["path"].str.contains("/第十条/")].iloc[0]
    edited = text[:a10.start] + "改写后的第十条内容，长度不同。" + text[a10.end:]
    a30 = segment(edited, "dsl")
    a30 = a30[a30["path"].str.contains("/第三十条/")]
    k = len(a30)
    last = a30.iloc[-1]
    edited = edited[:last.end] + "\n\n新增的一款。" + edited[last.end:]
    after = segment(edited, "dsl")
    old = set(before["clause_id"])
    new = set(after["clause_id"])
    assert old <= new
    assert new - old == {f"dsl:第四章/第三十条/第{k + 1}款"}
    # offsets stay exact after the edit
    for r in after.itertuples():
        assert edited[r.start:r.end] == r.text


def test_columns_and_dtypes(cited):
    c = segment(cited.loc["pipl-2021", "text"], "pipl-2021")
    assert list(c.columns) == ["doc_id", "clause_id", "path", "parent_path", "level", "order", "number",
                               "heading", "text", "start", "end", "n_chars"]
    assert str(c["order"].dtype) == "Int64" and str(c["start"].dtype) == "Int64"
    assert c["order"].tolist() == list(range(1, len(c) + 1))
    assert (c["n_chars"] == c["end"] - c["start"]).all()
    assert c["clause_id"].is_unique
    assert c["start"].is_monotonic_increasing
