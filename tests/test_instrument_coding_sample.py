"""The stratified coding sample of issue 21 (data/curated/instrument_coding_sample.csv) is the seeded draw."""
import pandas as pd
import pytest

from analysis.text import instruments as I

COLS = ["unit_id", "corpus", "doc_id", "title", "clause_id", "path", "unit_no", "text", "second_coding"]


def _rows(frame: pd.DataFrame) -> list[list[str]]:
    return frame[COLS].astype(str).values.tolist()


@pytest.fixture(scope="module")
def population():
    return I.coding_population()


@pytest.fixture(scope="module")
def committed():
    return I.load_coding_sample()


@pytest.mark.rebuild  # the corpus-wide population takes half a CPU-minute: make test-rebuild (CI)
def test_committed_sample_is_the_seeded_draw(population, committed):
    redraw = I.draw_instrument_coding_sample(population)
    assert _rows(redraw) == _rows(committed)


@pytest.mark.rebuild
def test_another_seed_draws_another_sample(population, committed):
    other = I.draw_instrument_coding_sample(population, random_state=I.CODING_SEED + 1)
    assert set(other["text"]) != set(committed["text"])
    assert len(set(other["text"]) & set(committed["text"])) < len(committed) // 2
    # the second-coder subset is seeded too
    same_units = I.draw_instrument_coding_sample(population)
    assert _rows(same_units) == _rows(committed)


def test_design_strata_bounds_exclusions_and_document_cap(committed):
    counts = committed.groupby("corpus").size()
    assert counts.to_dict() == {c: I.CODING_N_PER_CORPUS for c in I.CODING_CORPORA}
    second = committed[committed["second_coding"]].groupby("corpus").size()
    assert second.to_dict() == {c: I.SECOND_CODING_N_PER_CORPUS for c in I.CODING_CORPORA}
    n = committed["text"].str.len()
    assert n.between(I.CODING_MIN_CHARS, I.CODING_MAX_CHARS).all() and committed["text"].is_unique
    per_doc = committed.groupby(["corpus", "doc_id"]).size()
    assert per_doc.drop("cited", level="corpus").max() <= I.CODING_MAX_PER_DOC
    assert per_doc.loc["cited"].max() <= -(-2 * I.CODING_N_PER_CORPUS // 13)  # 13 cited texts: no text dominates
    coded = I._already_coded_texts()
    assert not any(c in t or t in c for t in committed["text"] for c in coded)
    assert list(committed["unit_id"]) == [f"ic-{i:04d}" for i in range(1, len(committed) + 1)]


def test_units_are_verbatim_units_of_their_clauses(committed):
    import analysis

    cited = analysis.load_clauses(analysis.cited_texts())
    units = I.sentence_units(cited, id_cols=("doc_id", "clause_id"))
    got = committed[committed["corpus"] == "cited"].merge(units, on=["doc_id", "clause_id", "unit_no"],
                                                          suffixes=("", "_clause"))
    assert len(got) == I.CODING_N_PER_CORPUS and (got["text"] == got["text_clause"]).all()


def test_draw_rules_on_a_toy_population():
    pop = pd.DataFrame({"corpus": ["a"] * 12 + ["b"] * 6,
                        "doc_id": ["a1"] * 10 + ["a2"] * 2 + [f"b{i}" for i in range(6)],
                        "title": "t", "clause_id": [f"c{i}" for i in range(18)], "path": "p",
                        "unit_no": 1, "text": [f"text{i}" for i in range(18)]})
    s = I.draw_instrument_coding_sample(pop, 4, max_per_doc=1, n_second=2, random_state=1)
    per_doc = s.groupby("doc_id").size()
    # corpus a: 2 documents, so the cap rises from 1 to 2 (the smallest that reaches 4 units)
    assert per_doc[["a1", "a2"]].tolist() == [2, 2] and (per_doc.drop(["a1", "a2"]) == 1).all()
    assert s.groupby("corpus")["second_coding"].sum().tolist() == [2, 2]
    with pytest.raises(ValueError, match="fewer than 7"):
        I.draw_instrument_coding_sample(pop, 7, n_second=0)


def test_packets_hold_every_unit_once_and_nothing_else():
    s = pd.DataFrame({"unit_id": [f"ic-{i:04d}" for i in range(1, 6)], "corpus": "local", "doc_id": "d",
                      "title": ["条例", None, "条例", "条例", "条例"], "text": [f"第{i}句。" for i in range(5)]})
    packets = I.coding_packets(s, size=2, random_state=3)
    assert [name for name, _ in packets] == ["packet-01.md", "packet-02.md", "packet-03.md"]
    body = "".join(text for _, text in packets)
    assert sorted(l[3:] for l in body.splitlines() if l.startswith("## ")) == list(s["unit_id"])
    assert "- document: d" in body  # no title: the doc_id stands in
    assert I.coding_packets(s, size=2, random_state=3) == packets
    assert I.coding_packets(s, size=2, random_state=4) != packets
