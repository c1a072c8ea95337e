"""Tests for analysis.corpus.stats: keyword timing rule, corpus summaries, law outlines."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.clauses import segment, structure
from analysis.corpus.stats import (
    TECH_KEYWORDS, corpus_summary, document_year, law_outline, technology_mentions, technology_mentions_by_year,
    technology_timing,
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
    ("u9", "国务院办公厅印发关于切实解决老年人运用智能技术困难实施方案的通知", "2020-11-15", "2020-11-24"),
])


def test_keyword_sets_are_the_stated_rule():
    assert TECH_KEYWORDS == {"互联网": ("互联网+",), "大数据": ("大数据",), "人工智能": ("人工智能",),
                             "区块链": ("区块链",)}


def test_claims_uses_the_same_definition():
    from analysis.report import claims
    from analysis.corpus import stats as corpus_stats

    assert claims.TECH_KEYWORDS is corpus_stats.TECH_KEYWORDS
    assert not hasattr(claims, "keyword_titles") and not hasattr(claims, "_sc_year")


def test_document_year_falls_back_to_published_date():
    y = document_year(SMALL).set_index("url")
    assert y.loc["u1", "year"] == 2015 and y.loc["u1", "year_basis"] == "written"
    assert y.loc["u5", "year"] == 2017 and y.loc["u5", "year_basis"] == "published"
    assert pd.isna(y.loc["u7", "year"]) and pd.isna(y.loc["u7", "year_basis"])
    # only the two date columns are needed
    assert list(document_year(SMALL[["sc_date_written", "sc_date_published"]])["year"])[:2] == [2015, 2016]


def test_mentions_match_plus_signs_not_bare_internet():
    m = technology_mentions(SMALL)
    internet = m[m["technology"] == "互联网"]
    # u2 has the full-width ＋ (NFKC makes it +); u3 has 互联网 but not 互联网+
    assert list(internet["url"]) == ["u1", "u2"]
    assert internet.iloc[1]["title"] == SMALL.loc[1, "title"]  # title shown as published, not normalised
    big = m[m["technology"] == "大数据"].set_index("url")
    assert sorted(big.index) == ["u4", "u5"]
    assert big.loc["u5", "keywords"] == "大数据"
    assert list(m.loc[m["technology"] == "人工智能", "url"]) == ["u6"]  # not u9 (智能技术: smart devices)
    assert list(m.loc[m["technology"] == "区块链", "url"]) == ["u7"]  # listed, but undated
    assert m["sc_doc_number"].isna().all()  # not in this metadata: column kept, empty
    assert list(m.columns) == ["technology", "year", "year_basis", "sc_date_written", "sc_date_published",
                               "sc_doc_number", "sc_dates_row", "title", "keywords", "url"]


def test_full_width_keyword_and_broader_mapping():
    m = technology_mentions(SMALL, {"互联网": ["互联网＋"], "智能": ["智能"], "数据": ["数据共享", "政务数据"]})
    assert list(m.loc[m["technology"] == "互联网", "url"]) == ["u1", "u2"]  # keyword normalised too
    assert list(m.loc[m["technology"] == "智能", "url"]) == ["u6", "u9"]
    assert m.loc[m["technology"] == "数据", "keywords"].tolist() == ["数据共享 / 政务数据"]


def test_by_year_counts_grid_and_share():
    by = technology_mentions_by_year(SMALL)
    assert list(by.columns) == ["technology", "year", "n_titles", "n_documents", "share"]
    assert by["year"].min() == 2013 and by["year"].max() == 2020
    assert len(by) == 4 * 8  # every technology × every year 2013–2020
    row = by[(by["technology"] == "互联网") & (by["year"] == 2015)].iloc[0]
    assert row["n_titles"] == 1 and row["n_documents"] == 3  # u1, u3, u4 dated 2015
    assert row["share"] == pytest.approx(1 / 3)
    assert by.loc[by["technology"] == "区块链", "n_titles"].sum() == 0  # the only match is undated
    assert by.loc[by["year"] == 2014, "share"].isna().all()  # no document in 2014
    short = technology_mentions_by_year(SMALL, years=(2015, 2016))
    assert list(short["year"].drop_duplicates()) == [2015, 2016]
    assert short.loc[short["technology"] == "互联网", "n_titles"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="first <= last"):
        technology_mentions_by_year(SMALL, years=(2016, 2015))


def test_custom_keywords_and_bad_keywords():
    by = technology_mentions_by_year(SMALL, {"通知": ["通知"]})
    assert by["n_titles"].sum() == 4  # u4, u6, u8, u9
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
    assert t.loc["人工智能", "median_year"] == 2017 and t.loc["人工智能", "n_titles"] == 1
    assert pd.isna(t.loc["区块链", "first_year"])
    # 8 dated documents (all but u7), 4 of them (u1-u4) in 2015–2016
    assert t.loc["互联网", "baseline_share_in_window"] == pytest.approx(4 / 8)


def test_real_state_council_titles():
    from analysis.report.documents import read_state_council_metadata

    meta = read_state_council_metadata()
    assert len(meta) == 5781
    m = technology_mentions(meta)
    # known documents from the State Council library
    net = m[m["technology"] == "互联网"]
    assert "国务院关于积极推进“互联网+”行动的指导意见" in set(net.loc[net["year"] == 2015, "title"])
    assert net.iloc[0]["sc_doc_number"] == "国发〔2015〕40号" and net.iloc[0]["sc_date_written"] == "2015-07-01"
    ai = m[m["technology"] == "人工智能"]
    assert "国务院关于印发新一代人工智能发展规划的通知" in set(ai.loc[ai["year"] == 2017, "title"])
    # 国办发〔2020〕45号 (older people and smart technology) is in the library but is not an AI title
    elderly = meta[meta["title"].str.contains("老年人运用智能技术", regex=False)]
    assert len(elderly) == 1 and elderly.iloc[0]["url"] not in set(m["url"])
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
    from analysis.corpus.stats import cited_document_year

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
    from analysis.corpus.stats import unterminated_clauses

    wrapped = "一、总体要求\n推动政务数据共享，提升\n治理能力。\n二、保障措施\n加强组织领导。"
    text_ok = "第一条 为了测试，制定本法。\n第二条 本法适用于：\n（一）甲；"
    cl = pd.concat([segment(wrapped, "w"), segment(text_ok, "ok")], ignore_index=True)
    out = unterminated_clauses(cl).set_index("doc_id")
    assert out.loc["w", "clauses"] == 3 and out.loc["w", "unterminated"] == 1  # "推动…，提升" is cut
    assert out.loc["ok", "unterminated"] == 0 and out.loc["ok", "share_unterminated"] == 0.0
