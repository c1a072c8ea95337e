"""Quantification of instrument shares (issue 21): adjusted classify-and-count recovers known shares.

The simulation: the coded units of the stratified coding sample (the reference labels: adjudicated codes where
adjudicated, else assistant-A's) are split in two halves,
seeded. On the first the supervised coder is fitted and its error rates are measured by cross-validation; from the
second, synthetic corpora are drawn with a *known* share of a type that differs from the first half's (a shifted
class prior: positives and negatives resampled separately). Naive classify-and-count (CC) is then biased beyond
its interval, while ACC and PACC cover the true share within theirs; with the correction replaced by the identity
the same check fails.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.text import instrument_model as M

MODEL = "logreg C=4 balanced"
#: (type, true share) of each synthetic corpus: far from the first half's prevalence (供给型 0.17, 环境型 0.77).
#: Over 40 synthetic corpora per scenario (other seeds), the 95 % intervals of ACC / PACC covered the true share in
#: 100 / 97.5 % (供给型 0.5), 100 / 100 % (环境型 0.3, 0.95), those of CC and PCC in none. Near 0 the clipped ACC
#: covers less often (供给型 0.02: 75 %, PACC 97.5 %), which is why no scenario sits at the boundary.
SCENARIOS = [("供给型", 0.50), ("环境型", 0.30), ("环境型", 0.95)]
N_SYNTHETIC = 2000


def fit_halves() -> dict:
    """The two halves of the coded set (reference labels), the coder fitted on the first, its out-of-fold
    probabilities there and its probabilities on the second."""
    coded = M.coded_set()
    learn, pool = M.split_coded(coded, test_fraction=0.5, seed=M.MODEL_SEED + 7)
    fs = M.FeatureSpace()
    types = sorted({t for t, _ in SCENARIOS}, key=list(M.ins.TYPES).index)
    oof = M.cv_probabilities(learn, types, {MODEL: M.MODEL_GRID[MODEL]}, features=fs)[MODEL]
    coder = M.fit_coder(learn, MODEL, features=fs)
    return {"learn": learn, "pool": pool, "oof": oof, "y_learn": M.label_matrix(learn["codes"], types),
            "y_pool": M.label_matrix(pool["codes"], types), "p_pool": coder.predict_proba(pool["text"].tolist())}


@pytest.fixture(scope="module")
def fitted():
    return fit_halves()


def synthetic(fitted, instrument: str, share: float, seed: int) -> np.ndarray:
    """Probabilities of a synthetic corpus of N_SYNTHETIC pool units with exactly ``share`` positives."""
    y = fitted["y_pool"][instrument].to_numpy()
    p = fitted["p_pool"][instrument].to_numpy()
    rng = np.random.default_rng([M.MODEL_SEED, seed])
    n_pos = int(round(share * N_SYNTHETIC))
    pick = np.concatenate([rng.choice(np.flatnonzero(y), n_pos), rng.choice(np.flatnonzero(~y), N_SYNTHETIC - n_pos)])
    return p[pick]


def run(fitted) -> pd.DataFrame:
    rows = []
    for k, (instrument, share) in enumerate(SCENARIOS):
        q = M.quantify(fitted["y_learn"][instrument].to_numpy(), fitted["oof"][instrument].to_numpy(),
                       synthetic(fitted, instrument, share, k), n_boot=500, seed=M.MODEL_SEED + k)
        q["covers"] = (q["low"] <= share) & (share <= q["high"])
        rows.append(q.assign(instrument=instrument, share=share))
    return pd.concat(rows, ignore_index=True)


def test_the_shift_is_real(fitted):
    prevalence = fitted["y_learn"].mean()
    for instrument, share in SCENARIOS:
        assert abs(prevalence[instrument] - share) > 0.15


def test_corrected_shares_cover_the_truth_and_naive_counting_does_not(fitted):
    res = run(fitted)
    by = res.set_index(["instrument", "share", "method"])
    for instrument, share in SCENARIOS:
        assert by.loc[(instrument, share, "ACC"), "covers"], by.loc[(instrument, share)]
        assert by.loc[(instrument, share, "PACC"), "covers"], by.loc[(instrument, share)]
        assert not by.loc[(instrument, share, "CC"), "covers"], by.loc[(instrument, share)]
        # and the naive error is large, not a near miss
        assert abs(by.loc[(instrument, share, "CC"), "estimate"] - share) > 0.05
        assert (abs(by.loc[(instrument, share, "ACC"), "estimate"] - share)
                < abs(by.loc[(instrument, share, "CC"), "estimate"] - share))


def test_the_check_fails_when_the_correction_is_removed(fitted, monkeypatch):
    monkeypatch.setattr(M, "acc_correct", lambda q, tpr, fpr: np.clip(np.asarray(q, dtype=float), 0, 1))
    res = run(fitted)
    corrected = res[res["method"].isin(["ACC", "PACC"])]
    # without the correction, ACC is CC and PACC is PCC: no scenario is covered any more
    assert not corrected["covers"].any(), corrected
    with pytest.raises(AssertionError):
        test_corrected_shares_cover_the_truth_and_naive_counting_does_not(fitted)


def test_acc_formula_and_clipping():
    assert M.acc_correct(0.5, 0.9, 0.1) == pytest.approx(0.5)
    assert M.acc_correct(0.26, 0.9, 0.1) == pytest.approx(0.2)
    assert M.acc_correct(0.05, 0.9, 0.1) == 0.0 and M.acc_correct(0.95, 0.9, 0.1) == 1.0
    assert np.isnan(M.acc_correct(0.5, 0.1, 0.1))
    np.testing.assert_allclose(M.acc_correct(np.array([0.26, 0.5]), 0.9, 0.1), [0.2, 0.5])


def test_quantify_recovers_an_exact_share_from_known_rates():
    # coded: 100 positives of which 80 score high, 100 negatives of which 10 score high: tpr 0.8, fpr 0.1
    y = np.r_[np.ones(100, bool), np.zeros(100, bool)]
    p = np.r_[np.full(80, 0.9), np.full(20, 0.2), np.full(10, 0.7), np.full(90, 0.1)]
    # target with true share 0.3 and the same rates: 0.3*0.8 + 0.7*0.1 = 0.31 score high
    target = np.r_[np.full(31, 0.9), np.full(69, 0.1)]
    q = M.quantify(y, p, target, n_boot=200).set_index("method")
    assert q.loc["CC", "estimate"] == pytest.approx(0.31)
    assert q.loc["ACC", "estimate"] == pytest.approx(0.3)
    assert q.loc["ACC", ["tpr", "fpr"]].tolist() == pytest.approx([0.8, 0.1])
    assert (q["low"] <= q["estimate"]).all() and (q["estimate"] <= q["high"]).all()
    # seeded: the same call gives the same intervals
    pd.testing.assert_frame_equal(q, M.quantify(y, p, target, n_boot=200).set_index("method"))
