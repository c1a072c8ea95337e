"""Tests of analysis.text.instruments: scheme, dictionary matching, evaluation arithmetic, sample provenance."""
import re

import pandas as pd
import pytest

from analysis.text import instruments as I
from analysis.paths import ROOT

TOY_DICT = pd.DataFrame({
    "subtype": ["资金投入", "资金投入", "技术支持", "法规管制"],
    "type": ["供给型", "供给型", "供给型", "环境型"],
    "keyword": ["资金", "补贴", "研发", "不得"],
    "note": ["", "", "", ""],
})


def test_taxonomy_matches_guide():
    assert len(I.SUBTYPES) == 17 and I.TYPES == ("供给型", "环境型", "需求型")
    guide = I.GUIDE_MD.read_text(encoding="utf-8")
    for s in I.SUBTYPES:
        assert f"| {s} |" in guide, f"subtype {s} not defined in the coding guide"


def test_dictionary_file_covers_every_subtype():
    d = I.load_instrument_dictionary()
    assert set(d.subtype) == set(I.SUBTYPES)
    assert (d.type == d.subtype.map(I.SUBTYPE_TO_TYPE)).all()


def test_bad_dictionary_row_names_file_row_field(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("subtype,type,keyword,note\n资金投入,供给型,资金,\n资金投入,环境型,补贴,\n", encoding="utf-8")
    with pytest.raises(I.InstrumentDataError, match=r"d\.csv, row 3, field type"):
        I.load_instrument_dictionary(p)


def test_code_clauses_multilabel():
    df = pd.DataFrame({"doc_id": ["x", "x", "y"], "clause_id": [1, 2, 1],
                       "text": ["安排专项资金和补贴支持技术研发", "本法所称数据", "不得出售个人信息"]})
    out = I.code_clauses(df, TOY_DICT)
    assert list(out.columns) == ["doc_id", "clause_id", "instrument_type", "instrument_subtype",
                                 "matched_keywords", "n_keywords"]
    assert out.values.tolist() == [
        ["x", 1, "供给型", "资金投入", "补贴|资金", 2],
        ["x", 1, "供给型", "技术支持", "研发", 1],
        ["y", 1, "环境型", "法规管制", "不得", 1],
    ]
    # token mode: "资金" is not a token of this segmentation, so it does not match
    tok = I.code_clauses(df.iloc[:1], TOY_DICT, tokenizer=lambda t: ["安排", "专项资金", "补贴", "研发"])
    assert tok.matched_keywords.tolist() == ["补贴", "研发"]


def test_crosstab_counts_clauses_once_per_type():
    df = pd.DataFrame({"doc_id": ["x", "x", "y"], "clause_id": [1, 2, 1],
                       "text": ["资金和研发", "补贴", "不得"]})
    tab = I.instrument_crosstab(I.code_clauses(df, TOY_DICT), by="doc_id")
    assert tab.loc["x", "供给型"] == 2  # clause 1 has two supply subtypes but counts once
    assert tab.loc["y", "环境型"] == 1 and tab.loc["y", "需求型"] == 0
    sub = I.instrument_crosstab(I.code_clauses(df, TOY_DICT), by="doc_id", level="instrument_subtype",
                                normalize="index")
    assert sub.loc["x"].sum() == pytest.approx(1.0) and len(sub.columns) == 17


def test_evaluate_coding_arithmetic_by_hand():
    sample = pd.DataFrame({
        "sample_id": ["s1", "s2", "s3", "s4"],
        "clause_text": ["给予资金补贴", "不得收集", "加强研发", "资金"],
        "guide_codes": ["资金投入", "法规管制|技术支持", "", "金融税收"],
    })
    # predictions: s1 资金投入 (TP); s2 法规管制 (TP), 技术支持 missed (FN);
    # s3 技术支持 (FP); s4 资金投入 (FP), 金融税收 missed (FN)
    ev = I.evaluate_coding(sample, TOY_DICT).set_index("instrument")
    r = ev.loc["资金投入"]
    assert (r.support, r.tp, r.fp, r.fn) == (1, 1, 1, 0)
    assert r.precision == 0.5 and r.recall == 1.0 and r.f1 == pytest.approx(2 / 3)
    r = ev.loc["技术支持"]
    assert (r.tp, r.fp, r.fn) == (0, 1, 1) and r.f1 == 0.0
    micro = ev.loc["micro (subtypes)"]
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 2) and micro.f1 == pytest.approx(0.5)
    # types: s1 供给 TP; s2 环境 TP, 供给 FN; s3 供给 FP; s4 供给 FP (金融税收 is 环境型), 环境 FN
    t = ev.loc["供给型"]
    assert (t.tp, t.fp, t.fn) == (1, 2, 1)
    e = ev.loc["环境型"]
    assert (e.tp, e.fp, e.fn) == (1, 0, 1)
    assert ev.loc["exact match", "recall"] == 0.25  # only s1 has identical sets


def test_sample_size_codes_and_verbatim_provenance():
    s = I.load_instrument_sample()
    assert len(s) >= 150
    assert s.sample_id.is_monotonic_increasing
    coded = s.guide_codes.map(I.parse_codes)
    assert all(c in I.SUBTYPE_TO_TYPE for cs in coded for c in cs)
    texts = {}
    for src in s.source.unique():
        if src.startswith("data/raw/lawrefbook-laws/"):
            texts[src] = (ROOT / src).read_text(encoding="utf-8")
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(ROOT / "data/raw/xvshiting-policies/policies-data.xlsx", read_only=True)
    cells = {r[0]: r[5] for r in wb["Central Policies Table"].iter_rows(values_only=True)}
    for src in s.source.unique():
        m = re.search(r"No\. (\d+)$", src)
        if m:
            texts[src] = cells[int(m.group(1))]
    for r in s.itertuples():
        assert r.clause_text in texts[r.source], f"{r.sample_id} not verbatim in {r.source}"


def test_evaluation_on_curated_sample_is_complete():
    ev = I.evaluate_coding()
    assert list(ev.columns) == ["level", "instrument", "support", "predicted", "tp", "fp", "fn",
                                "precision", "recall", "f1"]
    sub = ev[ev.level == "subtype"]
    assert sub.support.sum() == sum(len(I.parse_codes(c)) for c in I.load_instrument_sample().guide_codes)
    assert ((sub.tp + sub.fn) == sub.support).all()


def test_sentence_units_split_like_the_sample():
    df = pd.DataFrame({"doc_id": ["x", "x"], "clause_id": ["x:1", "x:2"],
                       "text": ["国家支持 数据开发利用；鼓励应用。短句。", "到2025年，建成标准体系！其他"]})
    u = I.sentence_units(df)
    assert list(u.columns) == ["doc_id", "clause_id", "unit_no", "text"]
    # spaces removed; "鼓励应用。" (5 chars) and "短句。", "其他" dropped (< 6 characters)
    assert u.text.tolist() == ["国家支持数据开发利用；", "到2025年，建成标准体系！"]
    assert u.unit_no.tolist() == [1, 1]


def test_sentence_units_reproduce_sample_units():
    # the sample's units are verbatim sentences of the cited texts; most must come out of the clause texts
    # unchanged (the rest differ only by article/item numbers the clause splitter strips, or are headings)
    import analysis
    units = I.sentence_units(analysis.load_clauses(analysis.cited_texts()))
    have = set(zip(units.doc_id, units.text))
    s = I.load_instrument_sample()
    strip = re.compile(r"^第[一二三四五六七八九十百零]+条")
    found = sum((d, strip.sub("", t.replace(" ", "").replace("\u3000", ""))) in have
                for d, t in zip(s.doc_id, s.clause_text))
    assert found >= 0.75 * len(s)


def test_wilson_interval_textbook_value():
    lo, hi = I.wilson_interval(8, 10)  # 8/10: Wilson 95 % interval 0.490–0.943
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = I.wilson_interval([0, 5], [0, 5])
    assert pd.isna(lo[0]) and hi[1] == 1.0


def test_adjust_for_accuracy_by_hand():
    ev = pd.DataFrame({"level": ["type", "type"], "instrument": ["供给型", "环境型"],
                       "precision": [0.5, 0.9], "recall": [1.0, 0.6]})
    counts = pd.DataFrame({"供给型": [10, 4], "环境型": [6, 0]}, index=["a", "b"])
    adj = I.adjust_for_accuracy(counts, ev)
    # 供给型: ×0.5/1.0; 环境型: ×0.9/0.6 = ×1.5
    assert adj.loc["a"].tolist() == [5.0, 9.0] and adj.loc["b"].tolist() == [2.0, 0.0]
    with pytest.raises(KeyError, match="需求型"):
        I.adjust_for_accuracy(counts.assign(需求型=1), ev)


def test_evaluation_intervals_bracket_the_estimates():
    ev = I.evaluation_intervals(I.evaluate_coding())
    ok = ev.tp.notna() & (ev.predicted > 0)
    assert (ev.loc[ok, "precision_low"] <= ev.loc[ok, "precision"]).all()
    assert (ev.loc[ok, "precision"] <= ev.loc[ok, "precision_high"]).all()
    assert ev.loc[ev.instrument == "macro (subtypes)", "recall_low"].isna().all()


# --------------------------------------------------------------------------- leftmost-longest matching
@pytest.mark.parametrize("long, short, long_sub, short_sub", [
    ("安全评估", "评估", "法规管制", "组织建设与考核评估"),
    ("应用示范", "示范", "应用推广", "示范试点"),
    ("服务引导", "引导", "公共服务", "策略性措施"),
    ("政府和社会资本合作", "社会资本", "服务外包", "金融税收"),
])
def test_nested_keyword_counts_only_as_the_longer_one(long, short, long_sub, short_sub):
    d = I.load_instrument_dictionary()
    assert {long_sub, short_sub} <= set(d.subtype[d.keyword.isin([long, short])])
    df = pd.DataFrame({"doc_id": ["x"], "clause_id": [1], "text": [f"开展{long}工作"]})
    subs = set(I.code_clauses(df, d).instrument_subtype)
    assert long_sub in subs and short_sub not in subs
    # the shorter keyword standing alone elsewhere in the clause still counts
    df2 = df.assign(text=f"开展{long}工作，加强{short}")
    assert short_sub in set(I.code_clauses(df2, d).instrument_subtype)


def test_match_keywords_leftmost_longest_in_text_order():
    toy = pd.DataFrame({"subtype": ["法规管制", "组织建设与考核评估"], "type": ["环境型", "环境型"],
                        "keyword": ["安全评估", "评估"], "note": ["", ""]})
    assert I.match_keywords("评估安全评估评估", toy) == ["评估", "安全评估", "评估"]


# --------------------------------------------------------------------------- held-out set and agreement
def test_heldout_is_frozen_verbatim_and_outside_the_dictionary_texts():
    h = I.load_heldout_sample()
    assert len(h) >= 150 and h.clause_key.is_monotonic_increasing
    assert all(c in I.SUBTYPE_TO_TYPE for cs in h.guide_codes.map(I.parse_codes) for c in cs)
    # redrawing from the same population with the same seed gives the same units
    redraw = I.draw_heldout_sample()
    cols = ["clause_key", "doc_id", "clause_id", "text"]
    assert redraw[cols].astype(str).values.tolist() == h[cols].astype(str).values.tolist()
    import analysis
    cited = analysis.cited_texts()
    assert not set(h.doc_id) & {"central-056", "central-067", "central-082", "central-086", "central-147"}
    cited_units = set(I.sentence_units(cited.assign(clause_id=1)).text)
    assert not set(h.text) & cited_units and not set(h.text) & set(I.load_instrument_sample().clause_text)


def test_heldout_evaluation_counts_and_differs_from_in_sample():
    h = I.load_heldout_sample()
    ev = I.evaluate_coding(h, id_col="clause_key", text_col="text").set_index("instrument")
    assert ev.loc["exact match", "support"] == len(h)
    assert ev.loc["micro (subtypes)", "support"] == sum(len(I.parse_codes(c)) for c in h.guide_codes)
    # altering the coder's codes changes the evaluation
    h2 = h.assign(guide_codes="")
    ev2 = I.evaluate_coding(h2, id_col="clause_key", text_col="text").set_index("instrument")
    assert ev2.loc["micro (subtypes)", "tp"] == 0


def test_coder_agreement_kappa_by_hand():
    c1 = pd.DataFrame({"clause_key": ["a", "b", "c", "d"], "guide_codes": ["法规管制", "法规管制", "", "标准规范"]})
    c2 = pd.DataFrame({"clause_key": ["a", "b", "c", "d", "e"],
                       "guide_codes": ["法规管制", "", "", "标准规范", "法规管制"]})
    ag = I.coder_agreement(c1, c2).set_index("instrument")
    # 法规管制: coder1 yes,yes,no,no; coder2 yes,no,no,no -> po = 3/4, pe = .5*.25 + .5*.75 = .5, kappa = .5
    r = ag.loc["法规管制"]
    assert (r.n_clauses, r.n_coder1, r.n_coder2, r.n_both) == (4, 2, 1, 1)
    assert r.agreement == 0.75 and r.kappa == pytest.approx(0.5)
    assert ag.loc["标准规范", "kappa"] == pytest.approx(1.0)
    assert pd.isna(ag.loc["政府采购", "kappa"])
    assert ag.loc["exact match", "agreement"] == 0.75


def test_wilson_interval_is_scipys():
    from scipy.stats import binomtest
    lo, hi = I.wilson_interval([3, 17], [9, 20])
    for k, n, l, h in zip([3, 17], [9, 20], lo, hi):
        ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
        assert (l, h) == (ci.low, ci.high)


def test_coder2_codes_are_a_subsample_and_kappa_matches_the_formula():
    h = I.load_heldout_sample()
    c2 = I.load_coder2_codes()
    assert c2 is not None and len(c2) >= 50 and set(c2.clause_key) <= set(h.clause_key)
    ag = I.coder_agreement(h, c2).set_index("instrument")
    both = h.merge(c2, on="clause_key", suffixes=("_1", "_2"))
    y1 = both.guide_codes_1.map(lambda c: any(I.SUBTYPE_TO_TYPE[s] == "环境型" for s in I.parse_codes(c)))
    y2 = both.guide_codes_2.map(lambda c: any(I.SUBTYPE_TO_TYPE[s] == "环境型" for s in I.parse_codes(c)))
    n = len(both)
    po = (y1 == y2).mean()
    pe = y1.mean() * y2.mean() + (1 - y1.mean()) * (1 - y2.mean())
    assert ag.loc["环境型", "kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert ag.loc["环境型", "n_clauses"] == n
