"""The coded set of the stratified coding sample and the supervised instrument coder (issue 21)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.tables import csv_bytes, load_table, table_path
from analysis.text import instrument_model as M
from analysis.text import instruments as ins


@pytest.fixture(scope="module")
def labels():
    return M.load_coding_labels()


def _write_returns(labels: pd.DataFrame, folder):
    for session, (coder, rel) in M._PACKET_FILES.items():
        part = labels[labels["session"] == session][["unit_id", "codes", "note"]]
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        part.fillna("").to_csv(folder / rel, index=False)


def test_committed_labels_are_the_ingested_returns(labels, tmp_path):
    # every session's rows, written back as the coder's file, ingest to the committed table byte for byte
    _write_returns(labels, tmp_path)
    # (round 2, the adjudicator's codes, is added afterwards and is not a coder's return)
    committed = table_path("instrument_coding_labels").read_bytes().splitlines(keepends=True)
    first_round = b"".join(line for line in committed if b",2,adjudicator,adj1," not in line)
    assert len(first_round) < sum(len(x) for x in committed)
    assert csv_bytes(M.ingest_codings(tmp_path)) == first_round


def test_labels_cover_the_sample_as_designed(labels):
    sample = ins.load_coding_sample()
    a, b = M.coder_codes(labels, M.CODER_A), M.coder_codes(labels, M.CODER_B)
    assert sorted(a["unit_id"]) == sorted(sample["unit_id"])
    assert set(b["unit_id"]) == set(sample.loc[sample["second_coding"].astype(bool), "unit_id"])
    assert a["session"].value_counts().to_dict() == {f"a{k}": 200 for k in range(1, 7)}
    assert b["session"].value_counts().sort_index(kind="stable").to_dict() == {"b1": 200, "b2": 100}
    assert set(labels["guide_version"]) == {"v2"} and set(labels["round"]) == {1, 2}


def test_ingest_names_every_problem(labels, tmp_path):
    _write_returns(labels, tmp_path)
    f = tmp_path / "a3" / "packet-03.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df.loc[0, "codes"] = "供给型"            # a type, not a subtype
    df = df.iloc[:-1]                        # a unit missing
    df.to_csv(f, index=False)
    (tmp_path / "b2" / "packet2-02.csv").unlink()
    with pytest.raises(ValueError) as err:
        M.ingest_codings(tmp_path)
    msg = str(err.value)
    assert "packet-03.csv: units differ" in msg and "'供给型'" in msg and "packet2-02.csv: missing" in msg


def test_disagreements_and_agreement_tables_are_current(labels):
    assert csv_bytes(M.coding_disagreements(labels)) == table_path("instrument_coding_disagreements").read_bytes()
    assert csv_bytes(M.coding_agreement(labels)) == table_path("instrument_coding_agreement").read_bytes()
    dis = load_table("instrument_coding_disagreements")
    exact = load_table("instrument_coding_agreement").set_index("instrument").loc["exact match"]
    assert len(dis) == round((1 - exact["agreement"]) * exact["n_clauses"])
    # every disagreement adjudicated (round 2 of the labels; empty = "no instrument"), and only those units
    adj = labels[(labels["coder"] == "adjudicator") & (labels["round"] == 2)]
    assert sorted(adj["unit_id"]) == sorted(dis["unit_id"])


def test_label_matrix_derives_types_from_subtypes():
    Y = M.label_matrix(["法规管制|人才培养", "", "应用推广"])
    assert Y.loc[0, ["供给型", "环境型", "需求型"]].tolist() == [True, True, False]
    assert not Y.loc[1].any()
    assert Y.loc[2, "需求型"] and Y.loc[2, "应用推广"] and Y.loc[2].sum() == 2
    assert list(Y.columns) == list(M.LABELS)


def test_split_is_seeded_disjoint_and_stratified_by_corpus():
    coded = M.coded_set()
    train, test = M.split_coded(coded)
    assert len(test) == 300 and test["corpus"].value_counts().to_dict() == {c: 75 for c in ins.CODING_CORPORA}
    assert not set(train["unit_id"]) & set(test["unit_id"]) and len(train) + len(test) == len(coded)
    pd.testing.assert_frame_equal(test, M.split_coded(coded)[1])
    assert not test["unit_id"].equals(M.split_coded(coded, seed=1)[1]["unit_id"])


def test_dictionary_rows_of_the_evaluation_are_evaluate_coding_on_the_same_units():
    # the committed evaluation's dictionary rows are the dictionary on the seeded test part, counted as in
    # instruments.evaluate_coding
    _, test = M.split_coded(M.coded_set())
    ref = ins.evaluate_coding(test, id_col="unit_id", text_col="text", codes_col="codes")
    ref = ref[ref["level"] != "overall"].set_index("instrument")
    ev = load_table("instrument_model_eval", typed=False)
    got = ev[(ev["coder"] == "dictionary") & (ev["evaluation_set"] == "test")].set_index("instrument")
    for c in ("support", "predicted", "tp", "fp", "fn"):
        assert got[c].astype(int).tolist() == ref.loc[got.index, c].astype(int).tolist(), c
    # and on the earlier held-out set, the dictionary rows are what notebook 06 reports for it (2.1)
    ho = ins.evaluate_coding(ins.load_heldout_sample(), id_col="clause_key", text_col="text")
    ho = ho[ho["level"] != "overall"].set_index("instrument")
    got = ev[(ev["coder"] == "dictionary") & (ev["evaluation_set"] == "heldout")].set_index("instrument")
    for c in ("support", "predicted", "tp", "fp", "fn"):
        assert got[c].astype(int).tolist() == ho.loc[got.index, c].astype(int).tolist(), c


def test_evaluation_table_is_consistent():
    ev = load_table("instrument_model_eval", typed=False)
    assert ev.groupby("evaluation_set")["n_test"].first().to_dict() == {"heldout": 160, "test": 300}
    sup = ev[(ev["coder"] == "supervised") & (ev["evaluation_set"] == "test")].set_index("instrument")
    learned = sup["status"] == "learned"
    assert (sup.loc[learned, "train_support"] >= M.MIN_POSITIVES).all()
    assert sup.loc[~learned, "precision"].isna().all()
    for name, den in (("precision", "predicted"), ("recall", "support")):
        ok = ev[den].fillna(0) > 0
        assert (ev.loc[ok, f"{name}_low"] <= ev.loc[ok, name] + 1e-12).all()
        assert (ev.loc[ok, name] <= ev.loc[ok, f"{name}_high"] + 1e-12).all()
    assert set(ev.loc[ev["level"] == "type", "instrument"]) == set(ins.TYPES)
    cv = load_table("instrument_model_cv", typed=False)
    assert cv.loc[cv["chosen"], "model"].nunique() == 1


def test_dictionary_hits_are_code_clauses():
    texts = ["网信部门应当加强个人信息保护工作", "设立专项资金支持人才培养", "本条例自公布之日起施行"]
    H = M.dictionary_hits(texts)
    coded = ins.code_clauses(pd.DataFrame({"i": range(3), "text": texts}), id_cols=("i",))
    want = {(int(i), s) for i, s in zip(coded["i"], coded["instrument_subtype"])}
    got = {(i, ins.SUBTYPES[j]) for i, j in zip(*np.nonzero(H))}
    assert got == want


def test_reliability_is_sklearns_calibration_curve_with_counts():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(3)
    p = rng.random(200)
    y = rng.random(200) < p
    r = M.reliability(y, p, n_bins=5)
    obs, pred = calibration_curve(y, p, n_bins=5, strategy="quantile")
    np.testing.assert_allclose(r["observed"], obs)
    np.testing.assert_allclose(r["mean_predicted"], pred)
    assert int(r["n"].sum()) == 200


def test_bootstrap_f1_interval_brackets_the_estimate_and_is_seeded():
    y = np.r_[np.ones(30, bool), np.zeros(70, bool)]
    yhat = np.r_[np.ones(20, bool), np.zeros(10, bool), np.ones(10, bool), np.zeros(60, bool)]
    f1 = M._prf_arrays(y, yhat)[-1]
    lo, hi = M._bootstrap_f1(y, yhat, 500, 1)
    assert lo < f1 < hi and (lo, hi) == M._bootstrap_f1(y, yhat, 500, 1)
    # never predicted: F1 undefined, as in evaluate_coding
    assert np.isnan(M._bootstrap_f1(y, np.zeros(100, bool), 200, 1)).all()
