"""Tests of analysis.networks on a toy corpus whose co-occurrence counts are known by hand."""
import math

import networkx as nx
import pytest

from analysis import networks as N

# 4 clauses. Clause counts: a=3, b=2, c=2, d=1; pairs: ab=2, ac=2, bc=1, ad=bd=cd=0.
TOY = [["a", "b", "a"], ["a", "b", "c"], ["a", "c"], ["d"]]


def test_pmi_npmi_by_hand():
    e = N.cooccurrence_edges(TOY, min_count=1, min_length=1).set_index(["term_a", "term_b"])
    assert sorted(e.index) == [("a", "b"), ("a", "c"), ("b", "c")]  # d never co-occurs
    ab = e.loc[("a", "b")]
    assert (ab.n_ab, ab.n_a, ab.n_b, ab.n_clauses) == (2, 3, 2, 4)  # "a" twice in clause 1 counts once
    # PMI(a,b) = log(P(ab)/(P(a)P(b))) = log((2/4)/((3/4)(2/4))) = log(4/3)
    assert ab.pmi == pytest.approx(math.log(4 / 3))
    # NPMI = log(4/3) / -log(1/2) = 0.4150375
    assert ab.npmi == pytest.approx(0.4150375, abs=1e-7)
    bc = e.loc[("b", "c")]
    assert bc.pmi == pytest.approx(0.0) and bc.npmi == pytest.approx(0.0)  # (1/4)/((1/2)(1/2)) = 1


def test_min_count_filters_pairs_and_terms():
    e = N.cooccurrence_edges(TOY, min_count=2, min_length=1)
    assert list(zip(e.term_a, e.term_b)) == [("a", "b"), ("a", "c")]


def test_graph_communities_and_neighbourhoods():
    # two cliques {x1,x2,x3} and {y1,y2,y3} joined by nothing: two communities whatever the seed
    docs = [["x1", "x2", "x3"]] * 5 + [["y1", "y2", "y3"]] * 4 + [["x1", "y1"]]
    e = N.cooccurrence_edges(docs, min_count=2)
    g = N.cooccurrence_graph(e, weight="npmi")
    assert g.number_of_edges() == 6 and not g.has_edge("x1", "y1")
    comm = N.detect_communities(g, seed=1)
    groups = comm.groupby("community")["term"].apply(sorted).tolist()
    assert groups == [["x1", "x2", "x3"], ["y1", "y2", "y3"]]  # largest community first
    greedy = N.detect_communities(g, method="greedy")
    assert greedy.groupby("community")["term"].apply(sorted).tolist() == groups
    nb = N.term_neighbourhoods(g, ["x1"], n_neighbours=5)
    assert set(nb.neighbour) == {"x2", "x3"}


def test_graphml_roundtrip_with_chinese_labels(tmp_path):
    docs = [["数据", "安全", "保护"]] * 3 + [["数据", "共享"]] * 2
    g = N.cooccurrence_graph(N.cooccurrence_edges(docs, min_count=2), weight="n_ab")
    N.detect_communities(g)
    p = N.write_graphml(g, tmp_path / "net.graphml")
    h = nx.read_graphml(p)
    assert set(h.nodes) == {"数据", "安全", "保护", "共享"}
    assert h["数据"]["安全"]["n_ab"] == 3
    assert p.read_bytes() == N.write_graphml(g, tmp_path / "again.graphml").read_bytes()


def test_draw_network_labels(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    docs = [["数据", "安全", "保护"]] * 3 + [["数据", "共享"]] * 2
    g = N.cooccurrence_graph(N.cooccurrence_edges(docs, min_count=2))
    N.detect_communities(g)
    ax = N.draw_network(g, label_top=2)
    labels = sorted(t.get_text() for t in ax.texts)
    # top 2 by clause count: 数据 (5), then 保护/安全 (3 each), tie broken by code point: 保 < 安
    assert labels == ["保护", "数据"]


def test_bad_weight_rejected():
    with pytest.raises(ValueError, match="weight"):
        N.cooccurrence_graph(N.cooccurrence_edges(TOY, min_count=1, min_length=1), weight="lift")
