"""Clause-level text reuse (analysis.text.reuse): normalisation, alignment, boilerplate, the whole comparison,
the gold-set evaluation and the committed tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.tables import load_table
from analysis.text import reuse
from analysis.corpus.corpora import load_clauses, national_corpus
from analysis.corpus.local import local_corpus

NATIONAL = """# 中华人民共和国测试法

2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过

<!-- INFO END -->

第一条 为了规范测试活动，保障测试安全，制定本法。

第二条 国家建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。

第三条 国务院有关部门应当依照本法第二条的规定，制定重要数据目录，加强对重要数据的保护。

第四条 本法自2021年9月1日起施行。
"""

LOCAL = """# 某省测试条例

2022年1月1日 某省第十三届人民代表大会常务委员会第三十次会议通过

<!-- INFO END -->

第一条 为了规范测试活动，根据《中华人民共和国测试法》，结合本省实际，制定本条例。

第二条 本省建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。

第三条 省人民政府有关部门应当依照本条例第二条的规定，制定本省重要数据目录，加强对重要数据的保护。

第四条 县级以上人民政府应当支持测试产业园区建设，鼓励社会资本投资测试基础设施。

第五条 本条例自2022年3月1日起施行。
"""


def _corpus(doc_id, text, title):
    return pd.DataFrame({"doc_id": [doc_id], "text": [text], "title": [title]})


@pytest.fixture(scope="module")
def toy_pairs():
    nat = _corpus("nat/测试法", NATIONAL, "中华人民共和国测试法")
    loc = _corpus("山东/某省测试条例", LOCAL, "某省测试条例")
    return reuse.find_reuse(load_clauses(loc), dict(zip(loc.doc_id, loc.text)), load_clauses(nat),
                            dict(zip(nat.doc_id, nat.text)), dict(zip(nat.doc_id, nat.title)))


# --------------------------------------------------------------------------- normalisation
@pytest.mark.parametrize("national, local_", [
    ("国家建立数据分类分级保护制度。", "本省建立数据分类分级保护制度"),
    ("国务院有关部门应当制定目录", "省人民政府有关部门应当制定目录"),
    ("依照本法的规定", "依照本条例的规定"),
    ("依照本法第二十一条的规定", "依照本条例第十五条的规定"),
    ("《中华人民共和国数据安全法》", "《数据安全法》"),
])
def test_substitutions_normalise_alike(national, local_):
    assert reuse.normalize(national) == reuse.normalize(local_)


def test_different_wording_does_not_normalise_alike():
    assert reuse.normalize("国家建立数据分类分级保护制度") != reuse.normalize("本省建立数据分级管理制度")


def test_normalised_offsets_map_back_to_the_text():
    text = "第一条 国务院有关部门应当依照《中华人民共和国数据安全法》第二十一条规定，履行职责。"
    norm, starts, ends = reuse.normalize_offsets(text)
    assert norm == reuse.normalize(text)
    i = norm.index("数据安全法")
    assert text[starts[i]:ends[i + 4]] == "数据安全法"
    j = norm.index("有关部门") - 1  # the jurisdiction/government placeholder
    assert text[starts[j]:ends[j]] == "国务院"


# --------------------------------------------------------------------------- alignment
def test_alignment_finds_a_copy_inside_a_longer_text():
    src = "本市应当加强道路管理。" + "国家建立数据分类分级保护制度根据数据的重要程度实行分类分级保护" + "并定期评估。"
    tgt = "国家建立数据分类分级保护制度根据数据的重要程度实行分类分级保护"
    al = reuse.align(reuse.normalize(src), reuse.normalize(tgt))
    assert al is not None and al.similarity == 1.0
    # the LCS may pair the one-character placeholder (国家 ↔ 本市) with an earlier one: one edge character lost
    assert al.matched >= len(reuse.normalize(tgt)) - 1
    assert reuse.normalize(tgt).endswith(reuse.normalize(src)[al.a0:al.a1])
    plain = "本市应当加强道路管理。" + tgt.replace("国家", "") + "并定期评估。"
    al = reuse.align(reuse.normalize(plain), reuse.normalize(tgt.replace("国家", "")))
    assert al.matched == len(reuse.normalize(tgt)) - 1 and al.b0 == 0


def test_alignment_of_unrelated_texts_is_weak():
    al = reuse.align(reuse.normalize("县级以上人民政府应当支持测试产业园区建设"),
                     reuse.normalize("违反本条例规定的由公安机关依法给予治安管理处罚"))
    assert al is None or al.matched < reuse.DEFAULTS["min_matched"]


def test_alignment_degrades_with_edits():
    base = "国家建立数据分类分级保护制度根据数据在经济社会发展中的重要程度对数据实行分类分级保护"
    rng = np.random.default_rng(0)
    sims = [reuse.align(reuse.normalize(reuse._edit(base, k, rng)), reuse.normalize(base)) for k in (0, 6, 20)]
    assert sims[0].similarity == 1.0
    assert sims[0].matched > sims[1].matched > (sims[2].matched if sims[2] else 0)


# --------------------------------------------------------------------------- boilerplate
@pytest.mark.parametrize("text, kind", [
    ("为了规范测试活动，根据有关法律、行政法规，结合本省实际，制定本条例。", "purpose"),
    ("本条例自2022年3月1日起施行。", "commencement"),
    ("本条例具体应用中的问题由省人民政府负责解释。", "interpretation"),
    ("违反本条例规定，法律、行政法规已有规定的，从其规定。", "deference"),
    ("县级以上人民政府应当支持测试产业园区建设。", None),
    ("为了规范测试活动，制定本条例。" + "县级以上人民政府应当支持测试产业园区建设。" * 10, None),
])
def test_boilerplate_kinds(text, kind):
    assert reuse.boilerplate_kind(text) == kind


# --------------------------------------------------------------------------- the whole comparison
def test_find_reuse_on_a_toy_pair(toy_pairs):
    p = toy_pairs.set_index("source_unit")
    # 第二条 (国家 → 本省) and 第三条 (国务院有关部门 → 省人民政府有关部门, 本法第二条 → 本条例第二条) restate
    assert p.loc["第二条", "target_unit"] == "第二条" and p.loc["第二条", "similarity"] == 1.0
    assert p.loc["第三条", "target_unit"] == "第三条"
    assert pd.isna(p.loc["第二条", "boilerplate"])
    # 第四条 is the local addition: not reported
    assert "第四条" not in p.index
    # offsets slice the restated text out of each file
    r = p.loc["第二条"]
    assert LOCAL[r["source_start"]:r["source_end"]].startswith("本省建立数据分类分级保护制度")
    assert NATIONAL[r["target_start"]:r["target_end"]].startswith("国家建立数据分类分级保护制度")
    assert LOCAL[r["source_start"]:r["source_end"]].endswith("对数据实行分类分级保护")
    assert r["source_clauses"] == "第1款"  # the article's only paragraph
    # commencement clauses differ in their dates: if paired at all, they are boilerplate
    assert p["boilerplate"].dropna().isin(["purpose", "commencement"]).all()


def test_an_edit_to_the_local_copy_changes_the_result():
    nat = _corpus("nat/测试法", NATIONAL, "中华人民共和国测试法")
    changed = LOCAL.replace("本省建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、"
                            "非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。",
                            "本省推进公共数据开放，鼓励企业开展数据交易。")
    loc = _corpus("山东/某省测试条例", changed, "某省测试条例")
    pairs = reuse.find_reuse(load_clauses(loc), dict(zip(loc.doc_id, loc.text)), load_clauses(nat),
                             dict(zip(nat.doc_id, nat.text)), dict(zip(nat.doc_id, nat.title)))
    assert "第二条" not in set(pairs["source_unit"])
    assert "第三条" in set(pairs["source_unit"])


def test_restatement_shares_count_unions(toy_pairs):
    body = pd.Series({"山东/某省测试条例": 1000})
    by_doc, by_src = reuse.restatement_shares(toy_pairs, body)
    sub = toy_pairs[toy_pairs["boilerplate"].isna()]
    expected = int((sub["source_end"] - sub["source_start"]).sum())  # two disjoint articles
    assert by_doc.loc[0, "restated_chars"] == expected
    assert by_doc.loc[0, "restated_share"] == round(expected / 1000, 4)
    assert by_src["target_title"].tolist() == ["中华人民共和国测试法"]
    # overlapping spans are counted once
    dup = pd.concat([toy_pairs, toy_pairs.assign(target_title="另一法")])
    assert reuse.restatement_shares(dup, body)[0].loc[0, "restated_chars"] == expected


def test_candidates_respect_containment():
    s = [reuse.normalize("国家建立数据分类分级保护制度根据数据的重要程度实行分类分级保护"), "完全不同的一段文字内容没有共同片段啊啊"]
    t = [reuse.normalize("国家建立数据分类分级保护制度根据数据的重要程度实行分类分级保护并且定期评估")]
    c = reuse.candidates(s, t)
    assert c["source"].tolist() == [0] and c.loc[0, "containment"] == 1.0


def test_gold_draw_is_seeded():
    units_s = pd.DataFrame({"doc_id": [f"山东/d{i}" for i in range(40)], "unit": ["第一条"] * 40,
                            "norm": [reuse.normalize("国家建立数据分类分级保护制度根据数据的重要程度" + str(i) * 3)
                                     for i in range(40)]})
    units_t = pd.DataFrame({"doc_id": ["nat/a"], "unit": ["第二条"],
                            "norm": [reuse.normalize("国家建立数据分类分级保护制度根据数据的重要程度实行分类分级保护")]})
    a = reuse.draw_gold(units_s, units_t, per_stratum=5)
    b = reuse.draw_gold(units_s, units_t, per_stratum=5)
    c = reuse.draw_gold(units_s, units_t, per_stratum=5, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["source_doc"]) != list(c["source_doc"])


# --------------------------------------------------------------------------- gold set and committed tables
@pytest.fixture(scope="module")
def gold():
    return load_table("reuse_gold", typed=False)


@pytest.fixture(scope="module")
def evaluated():
    return load_table("reuse_gold_evaluation", typed=False)


@pytest.fixture(scope="module")
def corpora_units():
    """Both corpora and their units, computed once for the tests that need the whole of them."""
    loc, nat = local_corpus(), national_corpus()
    lu = reuse.units(load_clauses(loc), dict(zip(loc["doc_id"], loc["text"])))
    nu = reuse.units(load_clauses(nat), dict(zip(nat["doc_id"], nat["text"])))
    return loc, nat, lu, nu


def test_gold_set_has_both_classes_in_every_high_stratum(gold):
    assert len(gold) >= 200
    counts = gold.groupby(["stratum", "label"]).size().unstack(fill_value=0)
    pos = counts[["verbatim", "edited"]].sum(axis=1)
    assert pos.sum() >= 40 and counts["independent"].sum() >= 40
    assert (counts["independent"] > 0).all()


def test_precision_and_recall_on_the_gold_set(evaluated):
    pr = reuse.precision_recall(evaluated).set_index("scope")
    allp = pr.loc["all"]
    assert allp["tp"] + allp["fn"] == int(evaluated["label"].isin(["verbatim", "edited"]).sum())
    # measured (in-sample for the labeller, out-of-sample for the thresholds): precision 0.78, recall 0.90
    assert allp["precision"] >= 0.7 and allp["recall"] >= 0.85
    assert allp["precision_low"] < allp["precision"] < allp["precision_high"]
    # the candidate floor (containment 0.30) loses no labelled restatement: stratum 1 has none
    assert pr.loc["stratum 1", "tp"] + pr.loc["stratum 1", "fn"] == 0


def test_a_stricter_threshold_changes_the_evaluation(gold, evaluated, corpora_units):
    pairs = load_table("reuse_pairs", typed=False)
    loc, nat, _, nu = corpora_units
    strict = reuse.evaluate_gold(gold, loc, nat, pairs, target_units=nu, min_similarity=0.95)
    assert (strict["outcome"] == "tp").sum() < (evaluated["outcome"] == "tp").sum()
    assert (strict["outcome"] == "fp").sum() <= (evaluated["outcome"] == "fp").sum()


def test_committed_pairs_slice_real_text():
    from rapidfuzz.distance import LCSseq

    pairs = load_table("reuse_pairs", typed=False)
    loc = local_corpus().set_index("doc_id")["text"]
    nat = national_corpus().set_index("doc_id")["text"]
    sample = pairs.iloc[:: max(1, len(pairs) // 300)]
    consistent = 0
    for r in sample.itertuples():
        a = reuse.normalize(loc[r.source_doc][r.source_start:r.source_end])
        b = reuse.normalize(nat[r.target_doc][r.target_start:r.target_end])
        # the aligned blocks are a common subsequence of the two spans
        assert LCSseq.similarity(a, b) >= r.matched, r
        consistent += abs(2 * r.matched / (len(a) + len(b)) - r.similarity) < 0.02
    # the spans are the aligned extents (placeholders cut at an edge may shift a character)
    assert consistent >= 0.95 * len(sample)


def test_synthetic_copies_are_found_until_heavy_editing():
    syn = load_table("reuse_synthetic", typed=False)
    by_k = syn.groupby("k")["detected"].mean()
    assert by_k.loc[0] == 1.0 and by_k.loc[10] >= 0.95
    assert by_k.loc[40] < by_k.loc[0]
    exact = syn[(syn["k"] == 0) & syn["same_article"].astype(bool)]
    assert (exact["start_error"] == 0).all() and exact["end_error"].between(0, 2).all()


def test_the_committed_gold_set_is_the_seeded_draw(gold, corpora_units):
    _, _, lu, nu = corpora_units
    drawn = reuse.draw_gold(lu, nu, normalizer=reuse.normalize_draw)
    cols = ["pair_id", "stratum", "source_doc", "source_unit", "target_doc", "target_unit"]
    pd.testing.assert_frame_equal(drawn[cols].astype(str), gold[cols].astype(str))
    assert np.allclose(drawn["containment"].astype(float), gold["containment"].astype(float))


def test_synthetic_edits_with_a_prepared_target_equal_the_plain_call():
    """The build prepares national law once and hands it to synthetic_edits; the table must not change."""
    nat = national_corpus().iloc[::60].reset_index(drop=True)          # 26 national texts
    car = local_corpus().iloc[:20].reset_index(drop=True)
    plain = reuse.synthetic_edits(nat, car, ks=(0, 20), n=6)
    target = reuse.reuse_target(load_clauses(nat), dict(zip(nat["doc_id"], nat["text"])),
                                dict(zip(nat["doc_id"], nat["title"])))
    pd.testing.assert_frame_equal(reuse.synthetic_edits(nat, car, ks=(0, 20), n=6, target=target), plain)
    assert plain["detected"].any()
    other = reuse.synthetic_edits(nat, car, ks=(0, 20), n=6, seed=reuse.SYNTHETIC_SEED + 1, target=target)
    assert not other["national_unit"].equals(plain["national_unit"])    # another draw is told apart
