"""Tests for analysis.corpus_stats: keyword timing rule, corpus summaries, law outlines."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.clauses import segment, structure
from analysis.corpus_stats import (
    TECH_KEYWORDS, corpus_summary, document_year, law_outline, technology_mentions,
    technology_mentions_by_year, technology_timing,
)


def _meta(rows):
    return pd.DataFrame(rows, columns=["url", "title", "sc_date_written", "sc_date_published"]).astype("string")


SMALL = _meta([
    ("u1", "国务院关于积极推进“互联网+”行动的指导意见", "2015-07-01", "2015-07-04"),
    ("u2", "国务院关于加快推进“互联网＋政务服务”工作的指导意见", "2016-09-25", "2016-09-29"),
    ("u3", "国务院办公厅关于加强互联网领域侵权假冒行为治理的意见", "2015-10-26", "2015-11-07"),
    ("u4", "国务院关于印发促进大数据发展行动纲要的通知", "2015-08-31", "2015-09-05"),
    ("u5", "关于政务数据共享的大数据意见", None, "2017-01-02"),
    ("u6", "国务院关于印发新一代人工智能发展规划的通知", "2017-07-08", "2017-07-20"),
    ("u7", "无日期的区块链文件", None, None),
    ("u8", "国务院关于某事的通知", "2013-05-01", "2013-05-02"),
])


def test_keyword_sets_are_the_stated_rule():
    assert list(TECH_KEYWORDS) == ["互联网", "大数据", "人工智能", "区块链"]
    assert set(TECH_KEYWORDS["互联网"]) == {"互联网+", "互联网＋"}
    assert set(TECH_KEYWORDS["大数据"]) == {"大数据", "数据共享", "政务数据"}
    assert set(TECH_KEYWORDS["人工智能"]) == {"人工智能", "智能"}
    assert TECH_KEYWORDS["区块链"] == ("区块链",)


def test_document_year_falls_back_to_published_date():
    y = document_year(SMALL).set_index("url")
    assert y.loc["u1", "year"] == 2015 and y.loc["u1", "year_basis"] == "written"
    assert y.loc["u5", "year"] == 2017 and y.loc["u5", "year_basis"] == "published"
    assert pd.isna(y.loc["u7", "year"]) and pd.isna(y.loc["u7", "year_basis"])


def test_mentions_match_plus_signs_not_bare_internet():
    m = technology_mentions(SMALL)
    internet = m[m["technology"] == "互联网"]
    assert sorted(internet["url"]) == ["u1", "u2"]  # u3 has 互联网 but not 互联网+
    big = m[m["technology"] == "大数据"].set_index("url")
    assert sorted(big.index) == ["u4", "u5"]
    assert big.loc["u5", "keywords"] == "大数据 / 数据共享 / 政务数据"
    assert list(m.loc[m["technology"] == "区块链", "url"]) == ["u7"]  # listed, but undated


def test_by_year_counts_grid_and_share():
    by = technology_mentions_by_year(SMALL)
    assert list(by.columns) == ["technology", "year", "n_titles", "n_documents", "share"]
    assert by["year"].min() == 2013 and by["year"].max() == 2017
    assert len(by) == 4 * 5  # every technology × every year 2013–2017
    row = by[(by["technology"] == "互联网") & (by["year"] == 2015)].iloc[0]
    assert row["n_titles"] == 1 and row["n_documents"] == 3  # u1, u3, u4 dated 2015
    assert row["share"] == pytest.approx(1 / 3)
    assert by.loc[by["technology"] == "区块链", "n_titles"].sum() == 0  # the only match is undated
    assert by.loc[by["year"] == 2014, "share"].isna().all()  # no document in 2014


def test_custom_keywords_and_bad_keywords():
    by = technology_mentions_by_year(SMALL, {"通知": ["通知"]})
    assert by["n_titles"].sum() == 3  # u4, u6, u8
    with pytest.raises(ValueError, match="list of strings"):
        technology_mentions_by_year(SMALL, {"x": "通知"})
    with pytest.raises(ValueError, match="missing column"):
        technology_mentions_by_year(SMALL.drop(columns="title"))


def test_timing_summary():
    by = technology_mentions_by_year(SMALL)
    t = technology_timing(by, window=(2015, 2016)).set_index("technology")
    assert t.loc["互联网", "n_titles"] == 2
    assert t.loc["互联网", "first_year"] == 2015 and t.loc["互联网", "last_year"] == 2016
    assert t.loc["互联网", "share_in_window"] == 1.0
    assert t.loc["大数据", "n_in_window"] == 1 and t.loc["大数据", "share_in_window"] == 0.5
    assert t.loc["人工智能", "median_year"] == 2017
    assert pd.isna(t.loc["区块链", "first_year"])


def test_real_state_council_titles():
    from analysis.documents import read_state_council_metadata

    meta = read_state_council_metadata()
    assert len(meta) == 5781
    m = technology_mentions(meta)
    # known documents from the State Council library
    net = m[m["technology"] == "互联网"]
    assert "国务院关于积极推进“互联网+”行动的指导意见" in set(net.loc[net["year"] == 2015, "title"])
    ai = m[m["technology"] == "人工智能"]
    assert "国务院关于印发新一代人工智能发展规划的通知" in set(ai.loc[ai["year"] == 2017, "title"])
    by = technology_mentions_by_year(meta)
    assert by.groupby("technology")["n_documents"].sum().eq(5781 - 52).all()  # 52 undated


def test_corpus_summary_totals_and_groups():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_chars": [10, 20, 5],
                           "kind": ["law", "law", None]})
    clauses = pd.DataFrame({"doc_id": ["a", "a", "b"], "n_chars": [3, 5, 7]})
    one = corpus_summary(corpus, clauses).iloc[0]
    assert (one["documents"], one["clauses"], one["characters"]) == (3, 3, 35)
    assert one["median_clause_chars"] == 5 and one["documents_without_clauses"] == 1
    by = corpus_summary(corpus, clauses, by="kind")
    law = by[by["kind"] == "law"].iloc[0]
    assert (law["documents"], law["clauses"], law["clause_characters"]) == (2, 3, 15)
    assert by["kind"].isna().sum() == 1
    with pytest.raises(ValueError, match="not in the corpus"):
        corpus_summary(corpus, pd.DataFrame({"doc_id": ["z"], "n_chars": [1]}))


LAW = """# 示例法

<!-- INFO END -->
## 第一章 总  则
第一条 为了测试，制定本法。
第二条 本法适用于：
（一）甲；
（二）乙。
前款规定之外的，依照其他规定。
## 第二章 附则
第三条 本法自公布之日起施行。
"""


def test_law_outline_counts_articles_kuan_xiang():
    out = law_outline(structure(LAW, "x"), segment(LAW, "x"))
    assert list(out["chapter"]) == ["第一章", "第二章"]
    assert list(out["heading"]) == ["总则", "附则"]
    first = out.iloc[0]
    assert (first["articles"], first["first_article"], first["last_article"]) == (2, 1, 2)
    assert (first["kuan"], first["xiang"]) == (3, 2)  # 第一条 1款, 第二条 2款; 2 项
    with pytest.raises(ValueError, match="no 章"):
        law_outline(structure("第一条 甲。\n第二条 乙。", "y"), segment("第一条 甲。\n第二条 乙。", "y"))


def test_law_outline_data_security_law():
    import analysis

    texts = analysis.cited_texts().set_index("doc_id")
    text = texts.loc["data-security-law-2021", "text"]
    out = law_outline(structure(text, "dsl"), segment(text, "dsl"))
    # 数据安全法: 七章五十五条; 第三章 数据安全制度 is articles 21–26; 第七章 附则 articles 53–55
    assert len(out) == 7 and out["articles"].sum() == 55
    ch3 = out[out["chapter"] == "第三章"].iloc[0]
    assert (ch3["heading"], ch3["first_article"], ch3["last_article"]) == ("数据安全制度", 21, 26)
    assert out.iloc[-1]["heading"] == "附则" and out.iloc[-1]["first_article"] == 53


def test_cited_document_year_uses_published_then_written():
    import analysis
    from analysis.corpus_stats import cited_document_year

    docs = cited_document_year(analysis.load_documents()).set_index("doc_id")
    # 国务院关于积极推进“互联网+”行动的指导意见: 成文 2015-07-01, 发布 2015-07-04
    assert docs.loc["internet-plus-action-guideline-2015", "year"] == 2015
    assert docs.loc["internet-plus-action-guideline-2015", "year_basis"] == "published"
    # 数据安全法: adopted 2021-06-10, no publication date recorded -> year from date_written
    assert docs.loc["data-security-law-2021", "year"] == 2021
    assert docs.loc["data-security-law-2021", "year_basis"] == "written"
    # a research report the documents table gives no date for stays <NA>
    assert pd.isna(docs.loc["un-egov-survey-2022", "year"])


def test_unterminated_clauses_flags_hard_wrapped_text():
    from analysis.corpus_stats import unterminated_clauses

    wrapped = "一、总体要求\n推动政务数据共享，提升\n治理能力。\n二、保障措施\n加强组织领导。"
    text_ok = "第一条 为了测试，制定本法。\n第二条 本法适用于：\n（一）甲；"
    cl = pd.concat([segment(wrapped, "w"), segment(text_ok, "ok")], ignore_index=True)
    out = unterminated_clauses(cl).set_index("doc_id")
    assert out.loc["w", "clauses"] == 3 and out.loc["w", "unterminated"] == 1  # "推动…，提升" is cut
    assert out.loc["ok", "unterminated"] == 0 and out.loc["ok", "share_unterminated"] == 0.0
