"""Term co-occurrence networks over policy clauses.

Co-occurrence is binary per clause: two terms co-occur once in a clause however often each
appears in it. With ``N`` clauses, ``n_a`` clauses containing term ``a`` and ``n_ab`` containing
both ``a`` and ``b``::

    PMI(a, b)  = log( n_ab * N / (n_a * n_b) )            (natural log)
    NPMI(a, b) = PMI(a, b) / -log(n_ab / N)               (1 when n_ab = N)

Only pairs with ``n_ab >= min_count`` are edges (so ``n_ab > 0`` and both measures are finite).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ..files import atomic_write, declared_float

DEFAULT_SEED = 20221130  # analysis.plotting.SEED

__all__ = ["cooccurrence_edges", "cooccurrence_graph", "detect_communities", "community_stability", "term_neighbourhoods",
           "backbone", "repel_labels", "draw_network", "write_graphml"]


def _identity(tokens):
    return tokens


def cooccurrence_edges(tokens: Iterable[Sequence[str]], *, min_count: int = 5, min_term_count: int | None = None,
                       stopwords: Iterable[str] | None = None, min_length: int = 2) -> pd.DataFrame:
    """Count clause-level co-occurrences of term pairs and weight them by PMI and NPMI.

    Parameters
    ----------
    tokens : iterable of sequences of str
        One token list per clause.
    min_count : int
        Minimum number of clauses a pair must share to become an edge.
    min_term_count : int, optional
        Minimum number of clauses a term must occur in (default: ``min_count``).
    stopwords : iterable of str, optional
    min_length : int
        Shorter tokens are dropped.

    Returns
    -------
    DataFrame, one row per term pair (``term_a < term_b``), sorted by ``term_a``, ``term_b``, columns:
        ``term_a``, ``term_b``, ``n_ab`` (clauses with both), ``n_a``, ``n_b`` (clauses with each),
        ``n_clauses`` (N), ``pmi``, ``npmi``.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    stop = set(stopwords or ())
    docs = [[t for t in doc if len(t) >= min_length and t not in stop] for doc in tokens]
    n_docs = len(docs)
    if n_docs == 0:
        raise ValueError("cooccurrence_edges: no clauses given")
    mtc = min_count if min_term_count is None else min_term_count
    vec = CountVectorizer(analyzer=_identity, binary=True, min_df=max(int(mtc), 1))
    try:
        x = vec.fit_transform(docs).tocsc().astype(np.int64)
    except ValueError:  # empty vocabulary
        return pd.DataFrame(columns=["term_a", "term_b", "n_ab", "n_a", "n_b", "n_clauses", "pmi", "npmi"])
    vocab = vec.get_feature_names_out().astype(str)
    co = sparse.triu(x.T @ x, k=1).tocoo()
    df = np.asarray(x.sum(axis=0)).ravel()
    keep = co.data >= min_count
    a, b, n_ab = co.row[keep], co.col[keep], co.data[keep].astype(float)
    n_a, n_b = df[a].astype(float), df[b].astype(float)
    pmi = np.log(n_ab * n_docs / (n_a * n_b))
    p_ab = n_ab / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.where(p_ab >= 1.0, 1.0, pmi / -np.log(p_ab))
    out = pd.DataFrame({"term_a": vocab[a], "term_b": vocab[b], "n_ab": n_ab.astype(np.int64),
                        "n_a": n_a.astype(np.int64), "n_b": n_b.astype(np.int64), "n_clauses": n_docs,
                        "pmi": pmi, "npmi": npmi})
    return out.sort_values(["term_a", "term_b"], kind="stable").reset_index(drop=True)


def cooccurrence_graph(edges: pd.DataFrame, *, weight: str = "npmi", min_weight: float | None = 0.0) -> nx.Graph:
    """Build an undirected networkx graph from :func:`cooccurrence_edges`.

    Parameters
    ----------
    edges : DataFrame from :func:`cooccurrence_edges`
    weight : {"npmi", "pmi", "n_ab"}
        Column copied to the edge attribute ``weight`` (used by community detection and layout).
    min_weight : float or None
        Edges with ``weight`` below this are dropped (default 0: keep only positively associated
        pairs, which also keeps weights non-negative for Louvain); None keeps all.

    Returns
    -------
    networkx.Graph with node attribute ``n_clauses`` (clauses containing the term) and edge
    attributes ``weight``, ``n_ab``, ``pmi``, ``npmi``. Nodes and edges are added in sorted order.
    """
    if weight not in ("npmi", "pmi", "n_ab"):
        raise ValueError(f"weight must be 'npmi', 'pmi' or 'n_ab', got {weight!r}")
    e = edges if min_weight is None else edges[edges[weight] >= min_weight]
    g = nx.Graph()
    freq = pd.concat([e[["term_a", "n_a"]].set_axis(["term", "n"], axis=1),
                      e[["term_b", "n_b"]].set_axis(["term", "n"], axis=1)]).drop_duplicates("term")
    for term, n in sorted(zip(freq["term"], freq["n"])):
        g.add_node(term, n_clauses=int(n))
    for r in e.sort_values(["term_a", "term_b"], kind="stable").itertuples(index=False):
        g.add_edge(r.term_a, r.term_b, weight=float(getattr(r, weight)), n_ab=int(r.n_ab),
                   pmi=float(r.pmi), npmi=float(r.npmi))
    return g


def detect_communities(g: nx.Graph, *, method: str = "louvain", seed: int = DEFAULT_SEED,
                       resolution: float = 1.0) -> pd.DataFrame:
    """Find term communities and store them as node attribute ``community``.

    Parameters
    ----------
    g : networkx.Graph with non-negative edge ``weight``
    method : {"louvain", "greedy"}
        ``nx.community.louvain_communities(seed=seed)`` or ``greedy_modularity_communities``
        (deterministic without a seed).
    seed : int
    resolution : float

    Returns
    -------
    DataFrame with columns ``term``, ``community`` (0 = largest community; ties by the
    community's first term), ``n_clauses``, ``degree``, ``strength`` (sum of edge weights);
    sorted by community then strength (descending) then term.
    """
    if g.number_of_nodes() == 0:
        raise ValueError("detect_communities: empty graph")
    if method == "louvain":
        comms = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    elif method == "greedy":
        comms = nx.community.greedy_modularity_communities(g, weight="weight", resolution=resolution)
    else:
        raise ValueError(f"method must be 'louvain' or 'greedy', got {method!r}")
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    rows = []
    for cid, members in enumerate(comms):
        for t in members:
            g.nodes[t]["community"] = cid
            rows.append((t, cid, g.nodes[t].get("n_clauses"), g.degree(t), g.degree(t, weight="weight")))
    out = pd.DataFrame(rows, columns=["term", "community", "n_clauses", "degree", "strength"])
    return out.sort_values(["community", "strength", "term"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


def community_stability(g: nx.Graph, seeds: Sequence[int] = tuple(range(10)), *, reference_seed: int = DEFAULT_SEED,
                        resolution: float = 1.0) -> pd.DataFrame:
    """How much Louvain communities depend on the seed: partitions over several seeds, compared by ARI.

    Louvain visits nodes in a random order, so another seed can give another partition. Each seed's
    partition is compared with the reference seed's (the one the notebook reports) and with every
    other seed's by the adjusted Rand index (:func:`sklearn.metrics.adjusted_rand_score`: 1 = the
    same partition, about 0 = no more alike than chance). The graph is not modified.

    Parameters
    ----------
    g : networkx.Graph with non-negative edge ``weight``
    seeds : sequence of int
        Seeds compared (the reference seed is added if missing).
    reference_seed : int
    resolution : float

    Returns
    -------
    DataFrame, one row per seed (reference first, then the others in the given order):
    ``seed``, ``n_communities``, ``modularity``, ``ari_reference`` (ARI with the reference
    partition), ``ari_mean_others`` (mean ARI with every other seed's partition).
    """
    from sklearn.metrics import adjusted_rand_score

    if g.number_of_nodes() == 0:
        raise ValueError("community_stability: empty graph")
    order = [reference_seed] + [s for s in seeds if s != reference_seed]
    nodes = sorted(g.nodes)
    parts, labels = [], []
    for seed in order:
        comms = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
        member = {t: i for i, c in enumerate(sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0])))
                  for t in c}
        parts.append(comms)
        labels.append(np.array([member[t] for t in nodes]))
    n = len(order)
    ari = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            ari[i, j] = ari[j, i] = adjusted_rand_score(labels[i], labels[j])
    rows = []
    for i, seed in enumerate(order):
        others = [ari[i, j] for j in range(n) if j != i]
        rows.append((seed, len(parts[i]), nx.community.modularity(g, parts[i], weight="weight", resolution=resolution),
                     ari[i, 0], float(np.mean(others)) if others else np.nan))
    out = pd.DataFrame(rows, columns=["seed", "n_communities", "modularity", "ari_reference", "ari_mean_others"])
    return out.astype({"seed": "Int64", "n_communities": "Int64"})


def term_neighbourhoods(g: nx.Graph, terms: Sequence[str] | None = None, *, top_terms: int = 10,
                        n_neighbours: int = 10, by: str = "n_clauses") -> pd.DataFrame:
    """The strongest neighbours of selected terms.

    Parameters
    ----------
    g : networkx.Graph from :func:`cooccurrence_graph`
    terms : sequence of str, optional
        Focal terms; default: the ``top_terms`` nodes with most clauses (``by="n_clauses"``) or
        highest degree (``by="degree"``).
    n_neighbours : int

    Returns
    -------
    DataFrame with columns ``term``, ``rank`` (1 = strongest), ``neighbour``, ``weight``, ``n_ab``,
    ``npmi``; neighbours ranked by weight (descending) then name.
    """
    if terms is None:
        key = (lambda t: g.nodes[t].get("n_clauses", 0)) if by == "n_clauses" else g.degree
        terms = sorted(g.nodes, key=lambda t: (-key(t), t))[:top_terms]
    rows = []
    for t in terms:
        if t not in g:
            raise KeyError(f"term_neighbourhoods: {t!r} is not a node of the graph")
        nbrs = sorted(g[t].items(), key=lambda kv: (-kv[1]["weight"], kv[0]))[:n_neighbours]
        for r, (nb, d) in enumerate(nbrs, start=1):
            rows.append((t, r, nb, d["weight"], d["n_ab"], d["npmi"]))
    return pd.DataFrame(rows, columns=["term", "rank", "neighbour", "weight", "n_ab", "npmi"])


def backbone(g: nx.Graph, k: int = 4, weight: str = "weight") -> nx.Graph:
    """Keep, for every node, its ``k`` strongest edges (an edge survives if either end keeps it).

    A common way to thin a dense co-occurrence graph for drawing: every node keeps its closest
    associates, so clusters stay visible while the hairball of weak links disappears.

    Parameters
    ----------
    g : networkx.Graph
    k : int
        Edges kept per node, ranked by ``weight`` (descending), ties by neighbour name.
    weight : str
        Edge attribute to rank by.

    Returns
    -------
    networkx.Graph with all nodes of ``g`` (and their attributes) and the kept edges (with theirs).
    """
    if k < 1:
        raise ValueError(f"backbone: k must be >= 1, got {k}")
    keep = set()
    for n in sorted(g.nodes):
        nbrs = sorted(g[n].items(), key=lambda kv: (-kv[1].get(weight, 0.0), kv[0]))[:k]
        keep.update(tuple(sorted((n, m))) for m, _ in nbrs)
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes(data=True)))
    h.add_edges_from((a, b, g[a][b]) for a, b in sorted(keep))
    return h


def _overlap(a, b, pad: float) -> tuple[float, float] | None:
    """Minimal (dx, dy) that separates box ``a`` from box ``b`` (display units), or None."""
    ox = min(a.x1, b.x1) - max(a.x0, b.x0) + pad
    oy = min(a.y1, b.y1) - max(a.y0, b.y0) + pad
    if ox <= 0 or oy <= 0:
        return None
    return (ox, oy)


def repel_labels(ax, texts, *, obstacles=(), pad: float = 2.0,
                 radii: Sequence[float] = (0, 4, 8, 12, 16, 22, 28, 36, 46, 58, 72, 90, 110, 135)) -> int:
    """Move text labels so that no label overlaps another label or an obstacle (greedy, deterministic).

    Labels are placed one after another in the order given (put the most important first). Each
    tries its current position, then positions shifted by ``radii`` pixels in 8 directions (up,
    down, right, left, then the diagonals) and takes the first whose box overlaps neither an
    already placed label nor an obstacle and stays inside the axes. A label with no free position
    stays where it was. Call ``fig.canvas.draw()`` first and do not change the figure layout
    afterwards (constrained layout would move the axes and invalidate the placement).

    Parameters
    ----------
    ax : matplotlib Axes holding the texts (data coordinates).
    texts : list of matplotlib.text.Text
    obstacles : list of matplotlib.text.Text or matplotlib.transforms.Bbox (display units)
        Fixed things (other texts, node markers) that labels must avoid but that do not move.
    pad : float
        Minimum gap in pixels.
    radii : sequence of float
        Candidate shift distances in pixels.

    Returns
    -------
    int: the number of labels that could not be placed without overlap (0 = none overlap).
    """
    fig = ax.figure
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    axbox = ax.get_window_extent(renderer)
    fixed = [f if hasattr(f, "x0") else f.get_window_extent(renderer) for f in obstacles]
    dirs = [(0, 1), (0, -1), (1, 0), (-1, 0), (0.71, 0.71), (-0.71, 0.71), (0.71, -0.71), (-0.71, -0.71)]
    placed = []
    failed = 0
    for t in texts:
        b = t.get_window_extent(renderer)
        chosen = None
        for r in radii:
            for dx, dy in (dirs if r else [(0, 0)]):
                c = b.translated(dx * r, dy * r)
                if c.x0 < axbox.x0 or c.x1 > axbox.x1 or c.y0 < axbox.y0 or c.y1 > axbox.y1:
                    continue
                if any(_overlap(c, o, pad) is not None for o in placed) or \
                        any(_overlap(c, o, 0.0) is not None for o in fixed):
                    continue
                chosen = (dx * r, dy * r, c)
                break
            if chosen:
                break
        if chosen is None:
            failed += 1
            placed.append(b)
            continue
        dx, dy, c = chosen
        if dx or dy:
            x, y = ax.transData.transform(t.get_position())
            t.set_position(to_data.transform((x + dx, y + dy)))
        placed.append(c)
    return failed


def draw_network(g: nx.Graph, *, label_top: int | None = None, seed: int = DEFAULT_SEED, ax=None,
                 title: str | None = "词语共现网络（节点形状 = 社区）", layout_k: int | None = 4,
                 edge_k: int | None = None, legend: bool = True, legend_terms: int = 3,
                 font_size: float = 9.0):
    """Draw the graph with a seeded spring layout, communities by marker shape and grey tone, every node labelled.

    Communities take neutral tones and distinct shapes (:func:`analysis.plotting.community_style`), so
    that no community borrows one of the four technology colours.
    Node size ∝ ``n_clauses``; every node (or the ``label_top`` nodes with most clauses) is labelled, with a
    white halo, and moved apart by :func:`repel_labels` so that no two labels overlap (a thin
    leader line joins a label moved away from its node). Call :func:`detect_communities` first to
    colour by community (otherwise all one colour).

    Parameters
    ----------
    g : networkx.Graph
    label_top : int or None
        Label only this many nodes (most clauses first); None labels every node.
    seed : int
        Seed of ``networkx.spring_layout``.
    ax : matplotlib Axes, optional
    title : str or None
    layout_k : int or None
        Compute the layout on :func:`backbone` ``(g, layout_k)`` (clearer clusters); None: on ``g``.
    edge_k : int or None
        Draw only the backbone edges with this ``k``; None draws every edge of ``g``.
    legend : bool
        Legend: one entry per community present, named by its ``legend_terms`` terms with most clauses.
    font_size : float

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from ..plotting import community_style, use_cjk_font

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 8))
    nodes = sorted(g.nodes)
    lay = backbone(g, layout_k) if layout_k else g.subgraph(nodes)
    pos = nx.spring_layout(lay, seed=seed, weight="weight")
    comm = [g.nodes[n].get("community", 0) for n in nodes]
    size = np.array([g.nodes[n].get("n_clauses", 1) for n in nodes], dtype=float)
    size = 20 + 400 * size / size.max() if len(size) else size
    drawn = backbone(g, edge_k) if edge_k else g
    nx.draw_networkx_edges(drawn, pos, ax=ax, alpha=0.25, width=0.6, edge_color="#888888")
    for c in sorted(set(comm)):
        idx = [i for i, k in enumerate(comm) if k == c]
        colour, marker = community_style(c)
        nx.draw_networkx_nodes(g, pos, nodelist=[nodes[i] for i in idx], node_size=size[idx], ax=ax,
                               node_color=colour, node_shape=marker, alpha=0.8, linewidths=0)
    top = sorted(nodes, key=lambda n: (-g.nodes[n].get("n_clauses", 0), n))[:label_top]
    family = plt.rcParams["font.sans-serif"][0] if plt.rcParams["font.sans-serif"] else None
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    if len(xs):
        mx, my = 0.08 * (np.ptp(xs) or 1), 0.06 * (np.ptp(ys) or 1)
        ax.set_xlim(xs.min() - mx, xs.max() + mx)
        ax.set_ylim(ys.min() - my, ys.max() + my)
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    if legend and any("community" in g.nodes[n] for n in nodes):
        handles = []
        for c in sorted(set(comm)):
            members = sorted((n for n in nodes if g.nodes[n].get("community", 0) == c),
                             key=lambda n: (-g.nodes[n].get("n_clauses", 0), n))
            colour, marker = community_style(c)
            handles.append(Line2D([], [], marker=marker, ls="", color=colour, markersize=7,
                                  label=f"{c}: " + "、".join(members[:legend_terms])))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  fontsize=font_size, title="社区 community", title_fontsize=font_size)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    lift = 0.018 * (np.ptp(ys) or 1) if len(ys) else 0.0  # label just above its node
    texts = [ax.text(pos[n][0], pos[n][1] + lift, n, fontsize=font_size, ha="center", va="bottom",
                     family=family, path_effects=halo, zorder=5) for n in top]
    if texts:
        from matplotlib.transforms import Bbox

        ax.figure.canvas.draw()
        # freeze the layout: a layout engine moving the axes later would undo the label placement
        ax.figure.set_layout_engine("none")
        px = ax.figure.dpi / 72.0
        markers = []
        for n, s in zip(nodes, size):
            cx, cy = ax.transData.transform(pos[n])
            r = 0.5 * np.sqrt(s) * px
            markers.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
        repel_labels(ax, texts, obstacles=markers)
        for n, t in zip(top, texts):
            x, y = t.get_position()
            if np.hypot((x - pos[n][0]) / (np.ptp(xs) or 1), (y - pos[n][1] - lift) / (np.ptp(ys) or 1)) > 0.02:
                ax.plot([pos[n][0], x], [pos[n][1], y], color="#555555", lw=0.5, zorder=4)
    return ax


def write_graphml(g: nx.Graph, path: Path | str) -> Path:
    """Write the graph to GraphML atomically (temp file in the same folder, then ``os.replace``).

    Always networkx's ElementTree writer (``write_graphml_xml``), never its lxml writer: ``nx.write_graphml``
    switches to lxml whenever lxml is importable, which changes the file's bytes (whitespace) with the
    environment, not with the graph. Float attributes of the graph, its nodes and its edges are written at
    the declared precision (:func:`analysis.files.declared_float`), so the file does not depend on the last
    bits of a machine's floating-point sums; the graph passed in is not modified.

    Returns
    -------
    pathlib.Path of the written file.
    """
    return atomic_write(path, lambda fh: nx.write_graphml_xml(_declared_floats(g), fh, encoding="utf-8"))


def _declared_floats(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` with every float attribute rounded by :func:`analysis.files.declared_float`."""
    def fix(attrs: dict) -> dict:
        return {k: declared_float(v) if isinstance(v, float) else v for k, v in attrs.items()}

    h = g.__class__()
    h.graph.update(fix(g.graph))
    h.add_nodes_from((n, fix(d)) for n, d in g.nodes(data=True))
    if g.is_multigraph():
        h.add_edges_from((u, v, k, fix(d)) for u, v, k, d in g.edges(keys=True, data=True))
    else:
        h.add_edges_from((u, v, fix(d)) for u, v, d in g.edges(data=True))
    return h
