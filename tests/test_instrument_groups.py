"""Reference labels and instrument shares by rule line and year (issue 21, items 1-2 of the second round).

Known answers are read off the committed codes (data/curated/instrument_coding_labels.csv: assistant-A's round-1
codes, the adjudicator's round-2 codes); the by-group shares are checked on constructed inputs whose right answer is
known by hand, and on the simulation of tests/test_instrument_quant.py extended to groups (two rule lines with
different known shares): the corrected share recovers each group's truth, naive counting does not, and removing the
correction breaks the recovery.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.tables import load_table
from analysis.text import instrument_model as M

from test_instrument_quant import N_SYNTHETIC, fit_halves


# --------------------------------------------------------------------------- reference labels
@pytest.fixture(scope="module")
def labels():
    return M.load_coding_labels()


def test_reference_is_adjudicated_where_adjudicated_else_assistant_a(labels):
    ref = M.reference_codes(labels).set_index("unit_id")
    assert len(ref) == 1200
    assert ref["source"].value_counts().to_dict() == {"assistant-A": 1178, "adjudicator": 22}
    # known answers, from the committed codes: A's code replaced by the adjudicator's
    assert ref.loc["ic-0113", "codes"] == "法规管制"            # A: none, B: 法规管制
    assert ref.loc["ic-0435", "codes"] == ""                    # A: none, B: 技术支持, adjudicated none
    assert ref.loc["ic-1057", "codes"] == "组织建设与考核评估"   # A: 法规管制
    assert ref.loc["ic-0780", "codes"] == "金融税收"            # A kept (B: 法规管制)
    # a unit A and B agreed on, and a unit only A coded, keep A's code
    a = M.coder_codes(labels, M.CODER_A).set_index("unit_id")["codes"]
    adjudicated = set(ref.index[ref["source"] == "adjudicator"])
    assert adjudicated == set(M.coding_disagreements(labels)["unit_id"])
    others = ref.index[ref["source"] == "assistant-A"]
    assert (ref.loc[others, "codes"] == a.loc[others]).all()
    # the coded set uses the reference by default
    coded = M.coded_set(labels).set_index("unit_id")
    assert coded.loc["ic-1057", "codes"] == "组织建设与考核评估"
    assert M.coded_set(labels, coder=M.CODER_A).set_index("unit_id").loc["ic-1057", "codes"] == "法规管制"


def test_reference_refuses_an_adjudication_of_an_agreement(labels):
    bad = labels.copy()
    # ic-0002 is double-coded (second_coding) and A and B agree on it: an adjudication there is an error
    row = bad[(bad["coder"] == M.ADJUDICATOR)].iloc[[0]].assign(unit_id="ic-0002")
    bad = pd.concat([bad, row], ignore_index=True)
    with pytest.raises(ValueError, match="ic-0002"):
        M.reference_codes(bad)


def test_built_tables_say_who_coded():
    from analysis.tables import schemas

    for name in ("instrument_model_eval", "instrument_shares_corrected", "instrument_shares_by_group"):
        assert "adjudicator" in schemas()[name].description and "assistant-A" in schemas()[name].description


# --------------------------------------------------------------------------- shares by group, constructed inputs
class StubCoder:
    """A coder whose probability of each text is looked up (the classifier is not what is tested here)."""

    def __init__(self, probs: dict[str, dict[str, float]], labels):
        self.probs = probs
        self.models = {lab: object() for lab in labels}

    def predict_proba(self, texts):
        return pd.DataFrame({lab: [self.probs[t][lab] for t in texts] for lab in self.models})


def _groups(frame: pd.DataFrame, line: list) -> pd.DataFrame:
    out = pd.DataFrame({g: pd.Series(pd.NA, index=frame.index, dtype="string") for g in M.GROUPINGS})
    out["corpus"] = "all"
    out["rule_line"] = pd.array(line, dtype="string")
    return out


def _constructed(tpr=0.8, fpr=0.1):
    """Coded: 100 positives, 100 negatives of 供给型 (cited), half in each rule line, with tpr / fpr exactly as
    given. Target: 共性规则 100 units of true share 0.3, 技术规则 100 units of true share 0.6, scored with the same
    rates (so CC = tpr·p + fpr·(1 − p) exactly)."""
    n_hi_pos, n_hi_neg = int(round(100 * tpr)), int(round(100 * fpr))
    y = np.r_[np.ones(100, bool), np.zeros(100, bool)]
    p = np.r_[np.full(n_hi_pos, 0.9), np.full(100 - n_hi_pos, 0.2), np.full(n_hi_neg, 0.7),
              np.full(100 - n_hi_neg, 0.1)]
    coded = pd.DataFrame({"unit_id": [f"c{i}" for i in range(200)], "corpus": "cited", "doc_id": "d",
                          "text": [f"c{i}" for i in range(200)], "codes": np.where(y, "技术支持", "")})
    oof = pd.DataFrame({"供给型": p})
    line = ["共性规则", "技术规则"] * 100
    texts, probs = [], {}
    for g, share in (("共性规则", 0.3), ("技术规则", 0.6)):
        n_pos = int(round(100 * share))
        hi = int(round(n_pos * tpr + (100 - n_pos) * fpr))
        for i in range(100):
            t = f"{g}{i}"
            texts.append(t)
            probs[t] = {"供给型": 0.9 if i < hi else 0.1}
    targets = pd.DataFrame({"corpus": "cited", "doc_id": "d", "text": texts})
    tline = ["共性规则"] * 100 + ["技术规则"] * 100
    return dict(coded=coded, coder=StubCoder(probs, ["供给型"]), oof=oof, targets=targets, labels=["供给型"],
                coded_groups=_groups(coded, line), target_groups=_groups(targets, tline))


def _cell(out, grouping, group, method):
    row = out[(out["grouping"] == grouping) & (out["group"] == group) & (out["method"] == method)]
    assert len(row) == 1, (grouping, group, method)
    return row.iloc[0]


def test_corrected_share_by_rule_line_is_the_known_answer():
    out = M.shares_by_group(**_constructed(), n_boot=200)
    assert set(out["grouping"]) == {"corpus", "rule_line"}  # no period / year / category for these units
    for g, share in (("共性规则", 0.3), ("技术规则", 0.6)):
        cc = _cell(out, "rule_line", g, "CC")
        acc = _cell(out, "rule_line", g, "ACC")
        assert cc["estimate"] == pytest.approx(share * 0.8 + (1 - share) * 0.1)
        assert acc["estimate"] == pytest.approx(share)
        assert (acc["tpr"], acc["fpr"]) == pytest.approx((0.8, 0.1))
        assert acc["low"] <= share <= acc["high"]
        assert pd.isna(acc["missing_reason"]) and acc["n_units"] == 100
    # the whole corpus: (0.3 + 0.6) / 2
    assert _cell(out, "corpus", "all", "ACC")["estimate"] == pytest.approx(0.45)


def test_corrected_share_by_rule_line_changes_with_the_error_rates():
    base = _constructed()
    out = M.shares_by_group(**base, n_boot=50)
    # the same targets, but the coder's measured error rates are different: fpr 0.1 -> 0.3
    worse = _constructed(fpr=0.3)
    worse.update(targets=base["targets"], coder=base["coder"], target_groups=base["target_groups"])
    out2 = M.shares_by_group(**worse, n_boot=50)
    for g in ("共性规则", "技术规则"):
        assert _cell(out2, "rule_line", g, "CC")["estimate"] == _cell(out, "rule_line", g, "CC")["estimate"]
        a, b = _cell(out, "rule_line", g, "ACC")["estimate"], _cell(out2, "rule_line", g, "ACC")["estimate"]
        assert abs(a - b) > 0.05, (g, a, b)
        # by hand: (q - 0.3) / (0.8 - 0.3)
        q = _cell(out, "rule_line", g, "CC")["estimate"]
        assert b == pytest.approx(min(1.0, max(0.0, (q - 0.3) / 0.5)))


def test_cells_without_enough_units_are_missing_with_the_reason():
    base = _constructed()
    out = M.shares_by_group(**base, n_boot=20, min_group_units=150, min_rate_units=60)
    acc = _cell(out, "rule_line", "共性规则", "ACC")
    assert np.isnan(acc["estimate"]) and np.isnan(acc["low"])
    assert acc["missing_reason"] == "fewer than 150 sampled units in the group (100)"
    assert pd.isna(_cell(out, "corpus", "all", "ACC")["missing_reason"])  # 200 units, rates of 100 + 100
    out = M.shares_by_group(**base, n_boot=20, min_rate_units=60)
    grp = _cell(out, "rule_line", "共性规则", "ACC group")
    assert np.isnan(grp["estimate"]) and "50 coded positives and 50 negatives" in grp["missing_reason"]
    assert not np.isnan(_cell(out, "rule_line", "共性规则", "ACC")["estimate"])
    # a coder that does not separate the label: no correction
    flat = _constructed(tpr=0.3, fpr=0.3)
    out = M.shares_by_group(**flat, n_boot=20)
    assert _cell(out, "rule_line", "共性规则", "ACC")["missing_reason"].startswith("tpr <= fpr")


# --------------------------------------------------------------------------- the recovery test, by group
@pytest.fixture(scope="module")
def fitted():
    return fit_halves()


def _by_group_run(fitted, scenarios, seed=0):
    """Targets in two rule lines, drawn from the pool units with known shares of 供给型; the rates from the learn
    half's out-of-fold probabilities (all learn units treated as one corpus)."""
    y = fitted["y_pool"]["供给型"].to_numpy()
    p = fitted["p_pool"]["供给型"].to_numpy()
    rng = np.random.default_rng([M.MODEL_SEED, 99, seed])
    texts, probs, line = [], {}, []
    for g, share in scenarios.items():
        n_pos = int(round(share * N_SYNTHETIC))
        pick = np.r_[rng.choice(np.flatnonzero(y), n_pos), rng.choice(np.flatnonzero(~y), N_SYNTHETIC - n_pos)]
        for j, i in enumerate(pick):
            t = f"{g}-{j}"
            texts.append(t)
            probs[t] = {"供给型": float(p[i])}
            line.append(g)
    learn = fitted["learn"].assign(corpus="cited")
    targets = pd.DataFrame({"corpus": "cited", "doc_id": "d", "text": texts})
    return M.shares_by_group(learn, StubCoder(probs, ["供给型"]), fitted["oof"][["供给型"]], targets,
                             labels=["供给型"], coded_groups=_groups(learn, [pd.NA] * len(learn)),
                             target_groups=_groups(targets, line), n_boot=300)


#: Known 供给型 shares of two synthetic rule lines, both far from the learn half's prevalence (about 0.17), away from the
#: clipping boundary at 0 (where the clipped ACC covers less often, see tests/test_instrument_quant.py).
SCENARIOS = {"共性规则": 0.40, "技术规则": 0.65}


def test_by_group_correction_recovers_each_groups_known_share(fitted):
    out = _by_group_run(fitted, SCENARIOS)
    for g, share in SCENARIOS.items():
        cc, acc = _cell(out, "rule_line", g, "CC"), _cell(out, "rule_line", g, "ACC")
        assert acc["low"] <= share <= acc["high"], (g, acc)
        assert not (cc["low"] <= share <= cc["high"]), (g, cc)
        assert abs(acc["estimate"] - share) < abs(cc["estimate"] - share)


def test_by_group_recovery_fails_without_the_correction(fitted, monkeypatch):
    monkeypatch.setattr(M, "acc_correct", lambda q, tpr, fpr: np.clip(np.asarray(q, dtype=float), 0, 1))
    out = _by_group_run(fitted, SCENARIOS)
    for g, share in SCENARIOS.items():
        acc = _cell(out, "rule_line", g, "ACC")
        assert not (acc["low"] <= share <= acc["high"]), (g, acc)
    with pytest.raises(AssertionError):
        test_by_group_correction_recovers_each_groups_known_share(fitted)


# --------------------------------------------------------------------------- the built table
def test_by_group_table_is_consistent():
    t = load_table("instrument_shares_by_group", typed=False)
    est = t["estimate"].astype(float)
    assert (est.isna() == t["missing_reason"].notna()).all()
    assert (t.loc[t["clipped"].astype(str) == "True", "estimate"].astype(float).isin([0.0, 1.0])).all()
    ok = est.notna()
    assert (t.loc[ok, "low"].astype(float) <= est[ok] + 1e-9).all()
    assert (est[ok] <= t.loc[ok, "high"].astype(float) + 1e-9).all()
    # the corpus rows' CC, PCC and coded weighted are those of instrument_shares_corrected (same coder, same sampled
    # units, same weights); ACC / PACC differ there: here the rates are weighted by document
    corr = load_table("instrument_shares_corrected", typed=False)
    for method in ("CC", "PCC", "coded weighted"):
        a = corr[corr["method"] == method].set_index(["corpus", "instrument"])["estimate"].astype(float)
        b = (t[(t["grouping"] == "corpus") & (t["method"] == method) & (t["level"] == "type")]
             .set_index(["corpus", "instrument"])["estimate"].astype(float))
        both = b.notna()
        np.testing.assert_allclose(b[both].to_numpy(), a.loc[b.index[both]].to_numpy(), atol=1e-9)
    # every rule line and every cited category with a full text appears
    cited = t[t["corpus"] == "cited"]
    assert set(cited.loc[cited["grouping"] == "rule_line", "group"]) == {"共性规则", "技术规则"}
    assert set(cited.loc[cited["grouping"] == "category", "group"]) == {"运营管理", "数据治理", "安全管理", "数字鸿沟",
                                                                        "互联网", "人工智能"}
