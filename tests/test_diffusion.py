"""Diffusion between local legislatures (analysis.text.diffusion): the flip tests of issue 22 — a text both local
regulations copy from one national article is a common source, not diffusion; without the national article it is
diffusion; swapping the adoption dates flips the direction — and the pair hygiene (own document, own title, each
unordered pair once)."""
from __future__ import annotations

import pandas as pd
import pytest

from test_pipeline import _children, client  # noqa: F401  (the 2-worker LocalCluster fixture)

from analysis.corpus.corpora import load_clauses
from analysis.text import diffusion as D
from analysis.text import reuse

SHARED = ("国家建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、"
          "非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。")
# a provision of the two local texts that no national text has
LOCAL_ONLY = ("市人民政府应当建立公共数据开放清单动态调整机制，每年对开放清单进行评估，根据评估结果增加开放数据集的种类、"
              "提高开放数据的质量和更新频率，并向社会公开评估报告。")

NATIONAL = f"""# 中华人民共和国测试法

2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过

<!-- INFO END -->

第一条 为了规范测试活动，保障测试安全，制定本法。

第二条 {SHARED}

第三条 本法自2021年9月1日起施行。
"""
NATIONAL_WITHOUT = NATIONAL.replace(f"第二条 {SHARED}", "第二条 国家鼓励测试技术研究和推广应用，支持测试产业发展。")


def _local(city: str, extra: str) -> str:
    return f"""# {city}数据条例

2022年1月1日 {city}第十三届人民代表大会常务委员会第三十次会议通过

<!-- INFO END -->

第一条 为了规范本市数据处理活动，结合本市实际，制定本条例。

第二条 {SHARED.replace("国家", "本市")}

第三条 {LOCAL_ONLY.replace("市人民政府", city + "人民政府")}

第四条 {extra}

第五条 本条例自2022年3月1日起施行。
"""


LOCALS = pd.DataFrame({
    "doc_id": ["山东/甲市数据条例", "河南/乙市数据条例"],
    "title": ["甲市数据条例", "乙市数据条例"],
    "province": ["山东", "河南"],
    "text": [_local("甲市", "甲市人民政府应当加强港口物流园区的统一规划，推动冷链仓储设施建设。"),
             _local("乙市", "乙市人民政府应当保护黄河湿地的生态环境，禁止在湿地内开垦和挖沙。")],
})


def _documents(adopted=("2019-05-01", "2021-07-01")) -> pd.DataFrame:
    return LOCALS.assign(adopted=list(adopted), kind="设区的市法规", level="city", digital=False)[
        ["doc_id", "title", "province", "adopted", "kind", "level", "digital"]]


def _national_pairs(national_text: str) -> pd.DataFrame:
    nat = pd.DataFrame({"doc_id": ["nat/测试法"], "title": ["中华人民共和国测试法"], "text": [national_text]})
    return reuse.find_reuse(load_clauses(LOCALS), dict(zip(LOCALS.doc_id, LOCALS.text)), load_clauses(nat),
                            dict(zip(nat.doc_id, nat.text)), dict(zip(nat.doc_id, nat.title)))


@pytest.fixture(scope="module")
def raw_pairs():
    return D.local_pairs(LOCALS)


def _table(raw_pairs, national_text=NATIONAL, adopted=("2019-05-01", "2021-07-01")):
    table, counts = D.diffusion_pairs(raw_pairs, _documents(adopted), _national_pairs(national_text))
    return table.set_index(["earlier_unit", "later_unit"]), counts


def test_both_copy_one_national_article_common_source_not_diffusion(raw_pairs):
    table, _ = _table(raw_pairs)
    row = table.loc[("第二条", "第二条")]
    assert row["category"] == "common_national_source"
    assert row["national_title"] == "中华人民共和国测试法" and row["national_unit"] == "第二条"
    # the text no national article has is diffusion
    assert table.loc[("第三条", "第三条"), "category"] == "diffusion"
    assert pd.isna(table.loc[("第三条", "第三条"), "national_title"])


def test_without_the_national_article_it_is_diffusion(raw_pairs):
    table, _ = _table(raw_pairs, NATIONAL_WITHOUT)
    assert table.loc[("第二条", "第二条"), "category"] == "diffusion"
    assert table.loc[("第三条", "第三条"), "category"] == "diffusion"


def test_swapping_the_adoption_dates_flips_the_direction(raw_pairs):
    table, _ = _table(raw_pairs)
    row = table.loc[("第三条", "第三条")]
    assert (row["earlier_doc"], row["later_doc"]) == ("山东/甲市数据条例", "河南/乙市数据条例")
    assert row["order"] == "ordered" and row["lag_years"] == pytest.approx(2.17, abs=0.01)
    flipped, _ = _table(raw_pairs, adopted=("2021-07-01", "2019-05-01"))
    row = flipped.loc[("第三条", "第三条")]
    assert (row["earlier_doc"], row["later_doc"]) == ("河南/乙市数据条例", "山东/甲市数据条例")
    assert row["lag_years"] == pytest.approx(2.17, abs=0.01)
    # the spans follow the documents: the later side's span lies in the later text
    later_text = dict(zip(LOCALS.doc_id, LOCALS.text))[row["later_doc"]]
    assert "公共数据开放清单" in later_text[int(row["later_start"]):int(row["later_end"])]


def test_ties_and_missing_dates_are_reported_apart_never_guessed(raw_pairs):
    same, _ = _table(raw_pairs, adopted=("2021-07-01", "2021-07-01"))
    assert set(same["order"]) == {"same_date"} and same["lag_years"].isna().all()
    missing, _ = _table(raw_pairs, adopted=(None, "2021-07-01"))
    assert set(missing["order"]) == {"missing_date"}
    edges = D.diffusion_edges(missing.reset_index())
    assert len(edges) == 0


def test_own_document_dropped_each_pair_once_and_formulae_set_apart(raw_pairs):
    assert (raw_pairs["source_doc"] == raw_pairs["target_doc"]).any()       # the detector sees each text itself
    table, counts = _table(raw_pairs)
    assert counts["same_document"] > 0
    assert (table["earlier_doc"] != table["later_doc"]).all()
    assert not table.index.duplicated().any()                               # one row per unordered pair
    assert table["both_ways"].all()
    # the purpose article is a drafting formula, set apart
    assert table.loc[("第一条", "第一条"), "category"] == "formula"
    assert table.loc[("第一条", "第一条"), "formula_kind"] == "purpose"
    # the articles that differ are not paired
    assert ("第四条", "第四条") not in table.index


def test_network_edge_is_earlier_to_later_weighted_by_later_characters(raw_pairs):
    table, _ = _table(raw_pairs, NATIONAL_WITHOUT)
    edges = D.diffusion_edges(table.reset_index())
    assert len(edges) == 1
    e = edges.iloc[0]
    assert (e["earlier_doc"], e["later_doc"]) == ("山东/甲市数据条例", "河南/乙市数据条例")
    d = table.reset_index()
    d = d[d["category"] == "diffusion"]
    assert e["chars"] == int((d["later_end"] - d["later_start"]).sum()) and e["n_pairs"] == len(d)
    assert not e["same_province"]
    g = D.diffusion_network(edges, _documents())
    assert list(g.edges(data="weight")) == [("山东/甲市数据条例", "河南/乙市数据条例", int(e["chars"]))]
    assert g.nodes["河南/乙市数据条例"]["province"] == "河南"


def test_many_titles_formula_corrected_for_the_units_own_title():
    # a unit confirmed against 10 titles, one of them its own: 9 other titles is below formulaic_titles
    row = dict(source_doc="a/x", source_unit="第一条", source_start=0, source_end=20, target_doc="a/x",
               target_unit="第一条", n_target_titles=10, kind="formula", formula_kind="many_titles", rare_shingles=30,
               matched=20)
    other = dict(row, target_doc="b/y")
    pairs = pd.DataFrame([row, other]).astype({"n_target_titles": "Int64", "rare_shingles": "Int64"})
    kept, counts = D.drop_within(pairs, {"a/x": "a/X", "b/y": "b/Y"})
    assert len(kept) == 1 and counts == {"same_document": 1, "same_title": 0, "reclassified": 1}
    assert kept.at[0, "n_target_titles"] == 9 and kept.at[0, "kind"] == "substantive"
    assert pd.isna(kept.at[0, "formula_kind"])


def test_pairs_do_not_depend_on_the_number_of_processes():
    from analysis.corpus.local import local_corpus

    loc = local_corpus()
    sample = loc[loc["doc_id"].str.contains("大气污染防治条例")].head(8).reset_index(drop=True)
    one = D.local_pairs(sample)
    two = D.local_pairs(sample, n_jobs=2)
    assert len(one) > 50
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.slow
def test_dask_path_gives_the_same_local_pairs(client):  # noqa: F811
    """analysis.distributed.run_reuse with a local sample as both source and target (a DataFrame, titles keyed by
    province as local_titles keys them) gives local_pairs' table, and so the same diffusion table."""
    from analysis.corpus.local import local_corpus, local_documents
    from analysis.distributed import run_reuse

    loc = local_corpus()
    sample = loc[loc["doc_id"].str.contains("文明行为促进条例|大气污染防治条例")].iloc[::3].reset_index(drop=True)
    assert len(sample) >= 10
    mem = D.local_pairs(sample)
    target = sample.assign(title=sample["province"] + "/" + sample["title"])
    res = run_reuse(sample[["doc_id", "text"]], target[["doc_id", "title", "text"]], client=client,
                    partition_bytes=20_000, progress=False)
    assert len(res.partitions) >= 3 and len(mem) > 100
    pd.testing.assert_frame_equal(res.pairs, mem)
    docs = local_documents(loc)
    nat = pd.DataFrame(columns=["source_doc", "source_unit", "target_doc", "target_unit", "target_start",
                                "target_end", "kind", "target_title"])
    a, _ = D.diffusion_pairs(mem, docs, nat)
    b, _ = D.diffusion_pairs(res.pairs, docs, nat)
    pd.testing.assert_frame_equal(a, b)


def test_wording_rule_puts_a_frequency_formula_back_into_diffusion(raw_pairs):
    """Sensitivity check: a local article pair the frequency rule called a formula (a template shared by many local
    titles) is set apart by default and is diffusion when only wording formulae are set apart; a purpose article
    (a wording formula) stays a formula under both rules."""
    p = raw_pairs.copy()
    third = (p["source_unit"] == "第三条") & (p["target_unit"] == "第三条") & (p["source_doc"] != p["target_doc"])
    assert third.sum() == 2
    p.loc[third, "kind"] = "formula"
    p.loc[third, "formula_kind"] = "many_titles"
    p.loc[third, "n_target_titles"] = 30
    docs, nat = _documents(), _national_pairs(NATIONAL)
    default, _ = D.diffusion_pairs(p, docs, nat)
    wording, counts = D.diffusion_pairs(p, docs, nat, formulae="wording")
    default, wording = (t.set_index(["earlier_unit", "later_unit"]) for t in (default, wording))
    assert default.loc[("第三条", "第三条"), "category"] == "formula"
    assert wording.loc[("第三条", "第三条"), "category"] == "diffusion"
    assert pd.isna(wording.loc[("第三条", "第三条"), "formula_kind"])
    assert counts["frequency_reclassified"] == 2
    for t in (default, wording):
        assert t.loc[("第一条", "第一条"), "category"] == "formula"
        assert t.loc[("第二条", "第二条"), "category"] == "common_national_source"
    # too few rare shingles: stock, not substantive
    few, _ = D.wording_formulae_only(p.assign(rare_shingles=p["rare_shingles"].where(~third, 3)))
    assert set(few.loc[third, "kind"]) == {"stock"}
    e_all = D.diffusion_edges(default.reset_index())
    e_w = D.diffusion_edges(wording.reset_index())
    assert len(e_all) == 0 and len(e_w) == 1
    s = D.sensitivity_table({"all": default.reset_index(), "wording": wording.reset_index()},
                            {"all": e_all, "wording": e_w}, docs).set_index("rule")
    assert s.loc["all formulae", "n_edges"] == 0 and s.loc["wording formulae only", "n_edges"] == 1
    assert s.loc["wording formulae only", "diffusion_pairs"] == 1
    assert s.loc["wording formulae only", "formula_pairs"] == s.loc["all formulae", "formula_pairs"] - 1
    assert s.loc["wording formulae only", "edges_in_default"] == 0
    with pytest.raises(ValueError, match="formulae="):
        D.diffusion_pairs(p, docs, nat, formulae="none")
