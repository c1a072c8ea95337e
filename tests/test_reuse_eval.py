"""Evaluation of the reuse detector (analysis.text.reuse_eval): corpus-weighted precision and recall from the
stratified gold set, agreement between labellings, synthetic drafting edits. Known answers are computed by hand
in the comments."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.corpus.corpora import load_clauses
from analysis.text import reuse
from analysis.text import reuse_eval as ev
from analysis.text.instruments import wilson_interval


# --------------------------------------------------------------------------- 1. corpus precision and recall
def _gold():
    """Stratum 1: 10 gold pairs — predicted positive: 1 TP (100 chars) + 4 FP (50 each); not predicted: 1 FN
    (300 chars) + 4 TN. Stratum 2: 4 gold pairs — predicted: 2 TP (200 each); not predicted: 1 FN (100) + 1 TN."""
    rows = ([(1, True, True, 100)] + [(1, False, True, 50)] * 4 + [(1, True, False, 300)] + [(1, False, False, 0)] * 4
            + [(2, True, True, 200)] * 2 + [(2, True, False, 100), (2, False, False, 0)])
    g = pd.DataFrame(rows, columns=["stratum", "truth", "predicted", "chars"])
    g.insert(0, "pair_id", [f"g{i:02d}" for i in range(len(g))])
    return g


WEIGHTS = pd.DataFrame({"pairs": [50, 50], "chars": [3000, 1000]}, index=pd.Index([1, 2], name="stratum"))
POOL = {1: 1000, 2: 100}


@pytest.fixture(scope="module")
def pr():
    return ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=500).set_index(["measure", "unit"])


def test_known_precision_by_pairs(pr):
    r = pr.loc[("precision", "pairs")]
    assert r["estimate"] == 0.6                            # 0.5·(1/5) + 0.5·(2/2)
    assert r["naive"] == round(3 / 7, 4)                   # the sample pools the strata: 3 TP of 7 predicted
    assert r["n_gold"] == 7
    # weights 0.5/5 for five pairs, 0.5/2 for two: (Σw)²/Σw² = 1 / (5·0.01 + 2·0.0625)
    assert r["effective_n"] == round(1 / 0.175, 4)


def test_known_precision_by_chars(pr):
    r = pr.loc[("precision", "chars")]
    assert r["estimate"] == 0.5                            # 0.75·(100/300) + 0.25·(400/400)
    assert r["naive"] == round(500 / 700, 4)
    # weights 0.75·c/300: 0.25, 0.125 ×4; 0.25·200/400: 0.125 ×2 → 1 / (0.0625 + 6·0.015625)
    assert r["effective_n"] == 6.4


def test_known_recall(pr):
    r = pr.loc[("recall", "pairs")]
    # (1000·1/10 + 100·2/4) / (1000·2/10 + 100·3/4) = 150 / 275
    assert r["estimate"] == round(150 / 275, 4) and r["naive"] == 0.6 and r["n_gold"] == 5
    assert r["effective_n"] == round(275 ** 2 / (2 * 100 ** 2 + 3 * 25 ** 2), 4)
    c = pr.loc[("recall", "chars")]
    # (1000·100/10 + 100·400/4) / (1000·400/10 + 100·500/4) = 20000 / 52500
    assert c["estimate"] == round(20000 / 52500, 4) and c["naive"] == round(500 / 900, 4)


def test_output_columns_and_order():
    out = ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=50)
    assert list(out.columns) == ["measure", "unit", "estimate", "low", "high", "naive", "n_gold", "effective_n"]
    assert list(zip(out["measure"], out["unit"])) == [("precision", "pairs"), ("precision", "chars"),
                                                      ("recall", "pairs"), ("recall", "chars")]
    # without chars only the by-pairs rows
    plain = ev.stratified_precision_recall(_gold().drop(columns="chars"), WEIGHTS["pairs"], POOL, n_boot=50)
    assert plain["unit"].tolist() == ["pairs", "pairs"]
    assert plain["estimate"].tolist() == out.loc[out["unit"] == "pairs", "estimate"].tolist()


def test_other_output_weights_change_the_precision():
    w = pd.DataFrame({"pairs": [90, 10], "chars": [3000, 1000]}, index=[1, 2])
    out = ev.stratified_precision_recall(_gold(), w, POOL, n_boot=50).set_index(["measure", "unit"])
    assert out.loc[("precision", "pairs"), "estimate"] == 0.28   # 0.9·0.2 + 0.1·1.0
    assert out.loc[("precision", "pairs"), "naive"] == round(3 / 7, 4)
    # and another pool changes the recall: (100·1/10 + 100·2/4) / (100·2/10 + 100·3/4) = 60 / 95
    out = ev.stratified_precision_recall(_gold(), w, {1: 100, 2: 100}, n_boot=50).set_index(["measure", "unit"])
    assert out.loc[("recall", "pairs"), "estimate"] == round(60 / 95, 4)


def test_same_seed_same_table_other_seed_other_intervals():
    a = ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=300)
    b = ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=300)
    pd.testing.assert_frame_equal(a, b)
    c = ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=300, seed=1)
    assert a["estimate"].equals(c["estimate"])
    assert not a[["low", "high"]].equals(c[["low", "high"]])


def test_intervals_contain_the_estimate(pr):
    assert (pr["low"] <= pr["estimate"]).all() and (pr["estimate"] <= pr["high"]).all()
    assert (pr["low"] < pr["high"]).all()
    wide = ev.stratified_precision_recall(_gold(), WEIGHTS, POOL, n_boot=500, confidence=0.99).set_index(
        ["measure", "unit"])
    assert ((wide["high"] - wide["low"]) >= (pr["high"] - pr["low"])).all()


def test_a_stratum_of_the_output_without_predicted_gold_pairs_raises():
    w = pd.DataFrame({"pairs": [50, 50, 5], "chars": [3000, 1000, 100]}, index=[1, 2, 0])
    with pytest.raises(ValueError, match="stratum 0"):
        ev.stratified_precision_recall(_gold(), w, POOL, n_boot=10)
    # a gold stratum the output does not list is not dropped either (an explicit 0 is allowed)
    with pytest.raises(ValueError, match="stratum 2"):
        ev.stratified_precision_recall(_gold(), WEIGHTS.loc[[1]], POOL, n_boot=10)
    zero = WEIGHTS.assign(pairs=[100, 0], chars=[4000, 0])
    out = ev.stratified_precision_recall(_gold(), zero, POOL, n_boot=10).set_index(["measure", "unit"])
    assert out.loc[("precision", "pairs"), "estimate"] == 0.2


def test_pool_strata_must_match_the_gold_strata():
    with pytest.raises(ValueError, match="stratum 0"):
        ev.stratified_precision_recall(_gold(), WEIGHTS, {0: 5000, **POOL}, n_boot=10)
    with pytest.raises(ValueError, match="stratum 2"):
        ev.stratified_precision_recall(_gold(), WEIGHTS, {1: 1000}, n_boot=10)
    with pytest.raises(ValueError, match="fewer"):
        ev.stratified_precision_recall(_gold(), WEIGHTS, {1: 1000, 2: 3}, n_boot=10)


def test_stratum_zero_and_chars_given_apart():
    g = _gold()
    g0 = pd.concat([g, pd.DataFrame({"pair_id": ["z1", "z2"], "stratum": [0, 0], "truth": [False, True],
                                     "predicted": [True, True], "chars": [10, 30]})], ignore_index=True)
    w = pd.DataFrame({"pairs": [50, 50, 100], "chars": [3000, 1000, 4000]}, index=[1, 2, 0])
    out = ev.stratified_precision_recall(g0.drop(columns="chars"), w, {0: 10, **POOL},
                                         chars=g0.set_index("pair_id")["chars"], n_boot=50)
    p = out.set_index(["measure", "unit"])
    assert p.loc[("precision", "pairs"), "estimate"] == round(0.25 * 0.2 + 0.25 * 1.0 + 0.5 * 0.5, 4)
    assert p.loc[("precision", "chars"), "estimate"] == round(0.375 / 3 + 0.125 + 0.5 * 30 / 40, 4)


def test_missing_chars_of_a_positive_pair_raise():
    g = _gold()
    g.loc[0, "chars"] = np.nan
    with pytest.raises(ValueError, match="g00"):
        ev.stratified_precision_recall(g, WEIGHTS, POOL, n_boot=10)


def test_strata_helpers():
    assert ev.assign_strata([0.05, 0.10, 0.30, 0.5, 0.65, 1.0, 1.2]).tolist() == [0, 1, 2, 3, 4, 4, 4]
    t = ev.stratum_totals([2, 1, 2, 0], chars=[10, 20, 30, 5])
    assert t.index.tolist() == [0, 1, 2] and t["pairs"].tolist() == [1, 1, 2] and t["chars"].tolist() == [5, 20, 40]


# --------------------------------------------------------------------------- 2. agreement
def _ab():
    ids = [f"g{i:02d}" for i in range(10)]
    a = pd.Series(list("xxxxyyyzzz"), index=ids)
    b = pd.Series(list("xxxyyyzzzx"), index=ids)
    return a, b


def test_kappa_known_values():
    a, b = _ab()
    k = ev.kappa_by_class(a, b, ["x", "y", "z"]).set_index("class")
    # observed 7/10; expected (4·4 + 3·3 + 3·3)/100 = 0.34; κ = 0.36/0.66 = 6/11
    assert k.loc["overall", "kappa"] == round(6 / 11, 4) and k.loc["overall", "agree"] == 7
    # x vs not-x: observed 8/10, expected 0.4² + 0.6² = 0.52; κ = 0.28/0.48 = 7/12
    assert k.loc["x", "kappa"] == round(7 / 12, 4)
    assert (k.loc["x", "n_a"], k.loc["x", "n_b"], k.loc["x", "agree"]) == (4, 4, 3)
    # y (and z) vs the rest: observed 8/10, expected 0.3² + 0.7² = 0.58; κ = 0.22/0.42 = 11/21
    assert k.loc["y", "kappa"] == k.loc["z", "kappa"] == round(11 / 21, 4)
    assert k.loc["y", "agree"] == 2 and k["n_pairs"].eq(10).all()


def test_kappa_aligns_on_pair_ids_and_changes_with_one_label():
    a, b = _ab()
    shuffled = b.iloc[::-1]
    pd.testing.assert_frame_equal(ev.kappa_by_class(a, shuffled, "xyz"), ev.kappa_by_class(a, b, "xyz"))
    b2 = b.copy()
    b2.iloc[-1] = "z"                                     # the one disagreement on g09 resolved
    k1 = ev.kappa_by_class(a, b, "xyz").set_index("class")
    k2 = ev.kappa_by_class(a, b2, "xyz").set_index("class")
    assert k2.loc["overall", "kappa"] > k1.loc["overall", "kappa"]
    assert k2.loc["z", "kappa"] != k1.loc["z", "kappa"]


def test_kappa_refuses_different_pairs_and_unknown_labels():
    a, b = _ab()
    with pytest.raises(ValueError, match="different pairs"):
        ev.kappa_by_class(a, b.iloc[1:], "xyz")
    with pytest.raises(ValueError, match="not in labels"):
        ev.kappa_by_class(a, b.replace("z", "w"), "xyz")


def test_confusion_is_labelled():
    a, b = _ab()
    m = ev.confusion(a.rename("coder1"), b.rename("coder2"), ["x", "y", "z"])
    assert m.index.name == "coder1" and m.columns.name == "coder2"
    assert m.loc["x", "x"] == 3 and m.loc["x", "y"] == 1 and m.loc["z", "x"] == 1
    assert int(m.to_numpy().sum()) == 10 and int(np.trace(m.to_numpy())) == 7


def test_kappa_by_kind():
    ids = [f"p{i}" for i in range(6)]
    a = pd.Series(["verbatim", "edited", "formula", "boilerplate", "independent", "stock"], index=ids)
    b = pd.Series(["edited", "verbatim", "boilerplate", "formula", "independent", "independent"], index=ids)
    assert ev.to_kind(a).tolist() == ["substantive", "substantive", "formula", "formula", "none", "stock"]
    k = ev.kappa_by_class(ev.to_kind(a), ev.to_kind(b), ev.KINDS).set_index("class")
    # 5 of 6 agree; expected (2·2 + 2·2 + 1·2 + 1·0)/36 = 10/36; κ = (20/36)/(26/36) = 10/13
    assert k.loc["overall", "kappa"] == round(10 / 13, 4)
    assert k.loc["substantive", "kappa"] == 1.0
    assert ev.kappa_by_class(a, b, list(ev.KIND_OF_LABEL)).set_index("class").loc["overall", "kappa"] < 0.5
    with pytest.raises(ValueError, match="without a kind"):
        ev.to_kind(pd.Series(["verbatim", "copied"]))


# --------------------------------------------------------------------------- 3. drafting edits
ARTICLE = "国务院有关部门应当依照本法第二条的规定，制定重要数据目录，加强对重要数据的保护。"
DUTIES = ("县级以上人民政府应当履行下列职责：\n（一）组织编制测试发展规划，推动测试基础设施建设；\n"
          "（二）协调解决测试工作中的重大问题，督促检查各项措施落实；\n（三）监督检查测试安全制度的实施情况，依法查处违法行为。")
HEALTH = ("国务院卫生健康主管部门负责全国的医疗、预防、保健、康复工作的监督管理，会同有关部门制定测试安全标准和技术规范。"
          "县级以上地方人民政府应当加强对本行政区域测试工作的领导。")


def rng(seed=0):
    return np.random.default_rng(seed)


def test_local_detail_puts_local_bodies_and_a_detail():
    (out,) = ev.drafting_edits(ARTICLE, "local_detail", rng())
    assert out.startswith("市人民政府有关部门应当依照本法第二条的规定") and "国务院" not in out
    assert any(d in out for d in ev._DETAIL_PROCEDURE) and len(out) > len(ARTICLE)
    (h,) = ev.drafting_edits(HEALTH, "local_detail", rng())
    assert h.startswith("市卫生健康主管部门负责本市的医疗") and "市、区人民政府应当加强" in h
    (d,) = ev.drafting_edits(DUTIES, "local_detail", rng())
    assert d.startswith("市、区人民政府应当履行下列职责")
    (fine,) = ev.drafting_edits("违反本法规定，未履行测试安全保护义务的，由有关主管部门责令改正。", "local_detail", rng())
    assert fine == "违反本法规定，未履行测试安全保护义务的，由有关主管部门责令改正，处五千元以上五万元以下罚款。" or \
        fine.endswith("责令改正；情节严重的，处五万元以上二十万元以下罚款。")


def test_reorder_list_keeps_the_items():
    (out,) = ev.drafting_edits(DUTIES, "reorder_list", rng())
    items = lambda t: [ln[3:].rstrip("；。") for ln in t.split("\n")[1:]]          # noqa: E731
    assert out != DUTIES and Counter(items(out)) == Counter(items(DUTIES))
    assert [ln[:3] for ln in out.split("\n")[1:]] == ["（一）", "（二）", "（三）"]  # markers stay in place
    assert out.split("\n")[-1].endswith("。") and out.split("\n")[1].endswith("；")
    (h,) = ev.drafting_edits(HEALTH, "reorder_list", rng(3))
    start, end = "国务院卫生健康主管部门负责全国的", "工作的监督管理"
    lst = h[len(start):h.index(end)]
    assert h != HEALTH and sorted(lst.split("、")) == sorted(["医疗", "预防", "保健", "康复"])
    assert h.replace(lst, "") == HEALTH.replace("医疗、预防、保健、康复", "")
    assert ev.drafting_edits(ARTICLE, "reorder_list", rng()) == (ARTICLE,)       # no list: unchanged
    assert not ev.edit_applies(ARTICLE, "reorder_list") and ev.edit_applies(DUTIES, "reorder_list")


def test_split_gives_two_articles_at_a_sentence_boundary():
    for seed in range(5):
        a, b = ev.drafting_edits(HEALTH, "split", rng(seed))
        assert a and b and a + b == HEALTH and a.endswith("。")
        parts = ev.drafting_edits(DUTIES, "split", rng(seed))
        assert len(parts) == 2 and all(parts) and parts[0][-1] in "；。"
        assert "".join(parts).replace("\n", "") == DUTIES.replace("\n", "")
    assert not ev.edit_applies(ARTICLE, "split") and ev.edit_applies(HEALTH, "split")


def test_merge_and_random_chars_and_purity():
    assert ev.drafting_edits(ARTICLE, "merge", rng(), next_text=HEALTH) == (ARTICLE + HEALTH,)
    with pytest.raises(ValueError, match="next_text"):
        ev.drafting_edits(ARTICLE, "merge", rng())
    assert ev.drafting_edits(ARTICLE, "random_chars", rng(7), k=5) == (reuse._edit(ARTICLE, 5, rng(7)),)
    assert ev.drafting_edits(ARTICLE, "verbatim", rng()) == (ARTICLE,)
    for kind in ev.DRAFTING_EDIT_KINDS:
        nt = HEALTH if kind == "merge" else None
        assert ev.drafting_edits(DUTIES, kind, rng(11), nt) == ev.drafting_edits(DUTIES, kind, rng(11), nt)
    with pytest.raises(ValueError, match="unknown edit kind"):
        ev.drafting_edits(ARTICLE, "paraphrase", rng())


# --------------------------------------------------------------------------- synthetic trials, end to end
NATIONAL = f"""# 中华人民共和国测试法

2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过

<!-- INFO END -->

第一条 为了规范测试活动，保障测试安全，制定本法。

第二条 国家建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。国家数据安全工作协调机制统筹协调有关部门制定重要数据目录，加强对重要数据的保护。

第三条 {DUTIES}

第四条 {HEALTH}

第五条 违反本法规定，未履行测试安全保护义务的，由有关主管部门责令改正，给予警告，可以并处五万元以上五十万元以下罚款；拒不改正或者造成大量数据泄露等严重后果的，处五十万元以上二百万元以下罚款。

第六条 本法自2021年9月1日起施行。
"""

UNRELATED = """# 中华人民共和国测试法

<!-- INFO END -->

第一条 机动车驾驶人应当遵守道路交通安全法律、法规的规定，按照操作规范安全驾驶、文明驾驶，不得在高速公路上倒车、逆行、穿越中央分隔带掉头。

第二条 公安机关交通管理部门应当对道路交通事故现场进行勘验，及时制作事故认定书，送达当事人，并告知其申请复核的权利和期限。
"""

CARRIER = """# 某市测试条例

<!-- INFO END -->

第一条 为了规范测试活动，根据《中华人民共和国测试法》，结合本市实际，制定本条例。

第二条 本市建立数据分类分级保护制度，根据数据在经济社会发展中的重要程度，以及一旦遭到篡改、破坏、泄露或者非法获取、非法利用，对国家安全、公共利益或者个人、组织合法权益造成的危害程度，对数据实行分类分级保护。

第三条 市人民政府应当支持测试产业园区建设，鼓励社会资本投资测试基础设施。
"""


def _corpus(doc_id, text, title):
    return pd.DataFrame({"doc_id": [doc_id], "text": [text], "title": [title]})


def _target(corpus):
    return reuse.reuse_target(load_clauses(corpus), dict(zip(corpus.doc_id, corpus.text)),
                              dict(zip(corpus.doc_id, corpus.title)))


@pytest.fixture(scope="module")
def tiny():
    nat = _corpus("nat/测试法", NATIONAL, "中华人民共和国测试法")
    car = pd.concat([_corpus("地方/某市测试条例", CARRIER, "某市测试条例"),
                     _corpus("地方/另一条例", CARRIER.replace("某市", "另一市"), "另一条例")], ignore_index=True)
    return nat, car, _target(nat)


@pytest.fixture(scope="module")
def tiny_trials(tiny):
    nat, car, target = tiny
    return ev.synthetic_drafting_trials(nat, car, target, n=2)


def test_trials_on_a_tiny_corpus(tiny, tiny_trials):
    t = tiny_trials
    assert t["edit"].tolist() == [k for k in ev.DRAFTING_EDIT_KINDS for _ in range(2)]
    assert t["national_doc"].eq("nat/测试法").all()
    assert set(t["national_unit"]) <= {"第二条", "第三条", "第四条", "第五条"}     # not the boilerplate
    assert t.loc[t["edit"] == "reorder_list", "national_unit"].isin(["第三条", "第四条"]).all()
    assert not t.loc[t["edit"] == "merge", "national_unit"].eq("第五条").any()    # its next is boilerplate
    v = t[t["edit"] == "verbatim"]
    assert v["detected"].all() and v["same_article"].all()
    # a copied duty is a substantive restatement; the copied penalty article (第五条) is found as a formula
    penalty = v["national_unit"] == "第五条"
    assert v.loc[~penalty, "substantive"].all() and not v.loc[penalty, "substantive"].any()
    assert (v["similarity"] == 1.0).all() and not v["changed"].any()
    assert t.loc[t["edit"] != "verbatim", "changed"].all()
    assert t[t["edit"] != "verbatim"]["detected"].all()
    pd.testing.assert_frame_equal(ev.synthetic_drafting_trials(tiny[0], tiny[1], tiny[2], n=2), t)


def test_the_carriers_own_restatement_does_not_count(tiny):
    """The carrier's 第二条 restates 第二条 of the same title: without the inserted copy's pairs, nothing is found."""
    nat, car, target = tiny

    def carrier_only(c, x, tg):
        p = reuse.reuse_against(c, x, tg)
        own = p[p["source_unit"] == "第二条"]
        assert len(own) == len(ev.DRAFTING_EDIT_KINDS) * 2           # one per synthetic text
        return own

    t = ev.synthetic_drafting_trials(nat, car, target, n=2, find=carrier_only)
    assert not t["detected"].any()


def test_an_unrelated_text_is_not_detected(tiny):
    """The same title with unrelated articles: the inserted copies restate nothing in it."""
    nat, car, target = tiny
    other = _target(_corpus("nat/测试法", UNRELATED, "中华人民共和国测试法"))
    t = ev.synthetic_drafting_trials(nat, car, target, n=2,
                                     find=lambda c, x, _: reuse.reuse_against(c, x, other))
    assert not t["detected"].any() and t["similarity"].isna().all()


def test_a_kind_column_decides_what_counts_as_substantive(tiny):
    nat, car, target = tiny
    t = ev.synthetic_drafting_trials(nat, car, target, n=1, kinds=("verbatim",),
                                     find=lambda c, x, tg: reuse.reuse_against(c, x, tg).assign(kind="formula"))
    assert t["detected"].all() and not t["substantive"].any()


def test_too_few_articles_for_an_edit_raise(tiny):
    with pytest.raises(ValueError, match="reorder_list"):
        ev.synthetic_drafting_trials(*tiny, n=3, kinds=("reorder_list",))


def test_recall_by_edit(tiny_trials):
    r = ev.recall_by_edit(tiny_trials)
    assert r["edit"].tolist() == list(ev.DRAFTING_EDIT_KINDS) and r["n"].eq(2).all()
    v = r.set_index("edit").loc["verbatim"]
    assert v["recall"] == 1.0 and v["n_changed"] == 0
    hand = pd.DataFrame({"edit": ["split", "split", "verbatim", "split"], "detected": [True, False, True, True],
                         "same_article": [True, False, True, False], "substantive": [True, False, True, True],
                         "changed": [True] * 4, "similarity": [0.9, np.nan, 1.0, 0.7]})
    h = ev.recall_by_edit(hand).set_index("edit")
    assert h.index.tolist() == ["verbatim", "split"]
    lo, hi = wilson_interval(2, 3)
    assert h.loc["split", "recall"] == round(2 / 3, 4)
    assert (h.loc["split", "recall_low"], h.loc["split", "recall_high"]) == (round(lo, 4), round(hi, 4))
    assert h.loc["split", "same_article"] == round(1 / 3, 4) and h.loc["split", "median_similarity"] == 0.8
