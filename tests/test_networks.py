"""Tests of analysis.text.networks on a toy corpus whose co-occurrence counts are known by hand."""
import math

import networkx as nx
import pytest

from analysis.text import networks as N

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


def _cliques(*blocks, bridge=0.01):
    """Cliques of weight-1 edges, consecutive cliques joined by one edge of weight ``bridge``."""
    g = nx.Graph()
    for block in blocks:
        g.add_edges_from(((u, v) for i, u in enumerate(block) for v in block[i + 1:]), weight=1.0)
    for left, right in zip(blocks, blocks[1:]):
        g.add_edge(left[-1], right[0], weight=bridge)
    return g


def test_community_ids_largest_first_ties_by_first_term():
    # Four cliques of unequal size, listed so that neither insertion order nor the names agree with the
    # documented order (0 = largest; equal sizes by the community's first term): z (5 terms) -> 0,
    # m (4) -> 1, then the two 3-cliques a -> 2 and b -> 3 (a1 < b1). A reversed sort, a reversed
    # tie-break or ordering by name alone each give another numbering.
    z, m = [f"z{i}" for i in range(1, 6)], [f"m{i}" for i in range(1, 5)]
    a, b = [f"a{i}" for i in range(1, 4)], [f"b{i}" for i in range(1, 4)]
    expected = {**dict.fromkeys(z, 0), **dict.fromkeys(m, 1), **dict.fromkeys(a, 2), **dict.fromkeys(b, 3)}
    for method, kw in [("louvain", {"seed": 1}), ("louvain", {"seed": 7}), ("greedy", {})]:
        g = _cliques(b, z, a, m)  # bridges b3–z1, z5–a1, a3–m1
        comm = N.detect_communities(g, method=method, **kw)
        assert dict(zip(comm["term"], comm["community"])) == expected, method
        assert {t: g.nodes[t]["community"] for t in g} == expected  # stored on the graph too
        # rows: community, then strength (descending), then term
        assert comm["term"].tolist() == ["z1", "z5", "z2", "z3", "z4", "m1", "m2", "m3", "m4",
                                         "a1", "a3", "a2", "b3", "b1", "b2"], method
        assert comm.loc[comm.term == "z1", "strength"].item() == pytest.approx(4.01)
        assert comm.loc[comm.term == "z1", "degree"].item() == 5


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


def test_backbone_keeps_each_nodes_strongest_edges():
    import networkx as nx
    g = nx.Graph()
    # hub h linked to a (0.9), b (0.5), c (0.1); a–b 0.2
    for u, v, w in [("h", "a", 0.9), ("h", "b", 0.5), ("h", "c", 0.1), ("a", "b", 0.2)]:
        g.add_edge(u, v, weight=w)
    bb = N.backbone(g, k=1)
    # h keeps h–a; a keeps h–a; b keeps h–b (0.5 > 0.2); c keeps h–c (its only edge)
    assert sorted(tuple(sorted(e)) for e in bb.edges) == [("a", "h"), ("b", "h"), ("c", "h")]
    assert set(bb.nodes) == set(g.nodes)
    assert N.backbone(g, k=2).has_edge("a", "b")  # a's second-strongest link
    with pytest.raises(ValueError, match="k must be"):
        N.backbone(g, k=0)


def test_repel_labels_removes_overlaps():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    texts = [ax.text(0.5, 0.5, f"标签{i}", fontsize=10, ha="center", va="center") for i in range(6)]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    before = [t.get_window_extent(r) for t in texts]
    assert N._overlap(before[0], before[1], 0.0) is not None  # all six start on the same spot
    assert N.repel_labels(ax, texts) == 0
    after = [t.get_window_extent(r) for t in texts]
    assert all(N._overlap(after[i], after[j], 0.0) is None for i in range(6) for j in range(i + 1, 6))
    assert texts[0].get_position() == (0.5, 0.5)  # the first label keeps its free spot
    plt.close(fig)


def test_draw_network_labels_do_not_overlap_nodes_or_each_other():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    # a dense toy graph: 12 terms all co-occurring
    terms = [f"词{i:02d}" for i in range(12)]
    docs = [terms[i:i + 4] for i in range(9)] * 3
    g = N.cooccurrence_graph(N.cooccurrence_edges(docs, min_count=2))
    N.detect_communities(g)
    fig, ax = plt.subplots(figsize=(4, 4))
    N.draw_network(g, label_top=12, ax=ax, legend=False, title=None)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ax.texts]
    assert len(boxes) == 12
    assert all(N._overlap(boxes[i], boxes[j], 0.0) is None for i in range(12) for j in range(i + 1, 12))
    plt.close(fig)


def test_community_stability_ari():
    import networkx as nx
    from analysis.text import networks as N
    # two cliques joined by one weak edge: every seed finds the same two communities
    g = nx.Graph()
    for block in (["a", "b", "c", "d"], ["e", "f", "g", "h"]):
        for i, u in enumerate(block):
            for v in block[i + 1:]:
                g.add_edge(u, v, weight=1.0)
    g.add_edge("d", "e", weight=0.05)
    st = N.community_stability(g, seeds=(1, 2, 3), reference_seed=7)
    assert st["seed"].tolist() == [7, 1, 2, 3]
    assert (st["n_communities"] == 2).all() and (st["ari_reference"] == 1.0).all()
    assert "community" not in g.nodes["a"]  # the graph is left untouched
    # a graph with no structure: partitions differ between seeds, ARI well below 1
    r = nx.gnm_random_graph(60, 240, seed=3)
    nx.set_edge_attributes(r, 1.0, "weight")
    st2 = N.community_stability(r, seeds=range(6), reference_seed=10)
    assert st2["ari_mean_others"].mean() < 0.9
