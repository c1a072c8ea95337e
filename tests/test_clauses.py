"""Clause segmentation: known structures of real laws and policies, exact offsets, stable ids."""
from __future__ import annotations

import pytest

from analysis.corpus.clauses import cn_to_int, segment, structure
from analysis.corpus.corpora import cited_texts
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


# --------------------------------------------------------------------------- hard-wrapped PDF copies
_FILL = "数字政府建设应当坚持以人民为中心推进政务服务标准化规范化便利化提升治理效能"  # 38 chars, no punctuation


def _wrap(sentence: str, width: int = 26) -> str:
    """Hard-wrap a sentence every `width` characters, as a PDF copy does."""
    return "\n".join(sentence[i:i + width] for i in range(0, len(sentence), width))


def _hard_wrapped_policy() -> tuple[str, list[str]]:
    p1 = "为加快推进数字政府建设，" + _FILL + "，" + _FILL + "，制定本方案。"
    p2 = "（一）指导思想。" + _FILL + "，" + _FILL + "。"
    p3 = "各地区各部门要" + _FILL + "，" + _FILL + "，" + _FILL + "。"
    p4 = "1.完善制度规则，" + _FILL + "，" + _FILL + "；"
    text = "\n".join([_wrap(p1), "一、总体要求", _wrap(p2), _wrap(p3), _wrap(p4), "2.强化保障。", ""])
    return text, [p1, p2, p3, p4]


def test_hard_wrapped_policy_lines_are_joined():
    text, paras = _hard_wrapped_policy()
    c = segment(text, "w")
    # one clause per paragraph, not one per printed line
    assert [t.replace("\n", "") for t in c["text"]] == [
        paras[0], paras[1][len("（一）"):], paras[2], paras[3][len("1."):], "强化保障。"]
    # （一）'s own text is its paragraph 1, so the next paragraph is 第2段 (as for unwrapped text)
    assert c["path"].tolist() == ["第1段", "一/（一）", "一/（一）/第2段", "一/（一）/1", "一/（一）/2"]
    assert c.set_index("path").loc["一/（一）", "heading"] == "指导思想"
    # the joined clause spans the line breaks and offsets stay exact
    assert c["text"].str.contains("\n").sum() == 4
    for r in c.itertuples():
        assert text[r.start:r.end] == r.text
    # every clause now ends with clause-final punctuation
    assert c["text"].str[-1].isin(list("。；")).all()


def test_hard_wrap_does_not_cross_numbered_lines_headings_or_blank_lines():
    text, _ = _hard_wrapped_policy()
    # cut the first paragraph after a full open line: the next line is numbered → no join
    lines = text.split("\n")
    cut = "\n".join(lines[:2] + ["二、保障措施", "（一）加强组织领导", "1.完善制度。"] + lines[2:])
    c = segment(cut, "w").set_index("path")
    assert c.loc["第1段", "text"] == "\n".join(lines[:2])
    # the numbered lines open their units; the rest of the cut sentence is a paragraph of 1.
    assert c.loc["二/（一）/1/第1段", "heading"] == "完善制度"
    assert c.loc["二/（一）/1/第1段", "text"].startswith(lines[2] + "\n")
    # a blank line ends the paragraph even after a full open line
    blank = "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:])
    c = segment(blank, "w")
    assert c["text"].iloc[0] == "\n".join(lines[:2])
    for r in c.itertuples():
        assert blank[r.start:r.end] == r.text


def test_table_block_in_hard_wrapped_text_stays_one_line_per_cell():
    # a list of names / numbers (short lines without punctuation) is not a wrapped sentence:
    # it never reaches the wrap width, so each line stays its own clause (as before)
    text, _ = _hard_wrapped_policy()
    table = "附件：联系人名单\n单位\n联系人\n电话\n工业和信息化部\n张三\n010-68205624\n国家标准化管理委员会\n李四\n010-82262634\n"
    full = text + table
    c = segment(full, "w")
    tail = c[c["start"] >= len(text)]
    assert tail["text"].tolist() == table.strip("\n").split("\n")
    for r in c.itertuples():
        assert full[r.start:r.end] == r.text


def test_page_number_inside_a_wrapped_sentence_is_taken_along():
    text, _ = _hard_wrapped_policy()
    lines = text.split("\n")
    paged = "\n".join(lines[:1] + ["12"] + lines[1:])
    c = segment(paged, "w")
    assert c["text"].iloc[0].startswith(lines[0] + "\n12\n" + lines[1])
    assert c["text"].iloc[0].endswith("制定本方案。")
    assert len(c) == len(segment(text, "w"))


def test_no_wrap_width_no_join():
    # two open lines are not enough to call the text hard-wrapped: lines stay paragraphs
    text = "一、总体要求\n" + _FILL[:26] + "\n" + _FILL[:20] + "。\n二、重点任务\n" + _FILL[:26] + "\n补充。\n"
    c = segment(text, "n")
    assert c["path"].tolist() == ["一/第1段", "一/第2段", "二/第1段", "二/第2段"]
    assert c["text"].tolist() == [_FILL[:26], _FILL[:20] + "。", _FILL[:26], "补充。"]


def test_real_hard_wrapped_collection_text():
    from analysis.corpus.corpora import policy_collection
    t = policy_collection().set_index("doc_id")["text"]
    # 智慧健康养老产业发展行动计划 (2021–2025): its opening paragraph is printed on 7 lines
    c = segment(t["central-065"], "central-065")
    first = c[c["text"].str.startswith("智慧健康养老产业是以智能产品和信息系统平台为载")]
    assert len(first) == 1
    assert first["text"].iloc[0].endswith("可持续发展，制定本计划。")
    assert first["text"].iloc[0].count("\n") == 6
    # “十四五”智能制造发展规划, 专栏 2: a sentence broken by the page number 10
    c = segment(t["central-061"], "central-061")
    hit = c[c["text"].str.contains("航空航天大型复\n10\n合材料", regex=False)]
    assert len(hit) == 1 and hit["text"].iloc[0].endswith("新型平\n板显示制造成套装备等。")
    for r in c.itertuples():
        assert t["central-061"][r.start:r.end] == r.text


def test_hard_wrapped_law_keeps_one_kuan_per_paragraph():
    # LawRefBook laws have one 款 per line and no wrap width (their clauses are unchanged);
    # a law copied from a PDF with hard wraps gets its lines joined back into 款
    arts = []
    for k, num in enumerate("一二三四五六", start=1):
        kuan1 = f"第{num}条 " + _FILL + "，" + _FILL + "。"
        kuan2 = "有关部门应当" + _FILL + "，" + _FILL + "。"
        arts += [_wrap(kuan1), _wrap(kuan2)]
    text = "\n".join(["第一章 总则"] + arts) + "\n"
    c = segment(text, "law")
    assert len(c) == 12
    assert c["path"].tolist()[:2] == ["第一章/第一条/第1款", "第一章/第一条/第2款"]
    assert c["text"].str.endswith("。").all()
    for r in c.itertuples():
        assert text[r.start:r.end] == r.text
    s = structure(text, "law")
    assert (s["level"] == "条").sum() == 6
