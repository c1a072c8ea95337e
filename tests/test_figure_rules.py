"""The figures for students: the colour rule, the redrawn figures' data, and the drawing helpers that replace the
old ones (swimlanes, bands, dot plots, equal-aspect map, stability, pooled years, hollow sub-threshold bars)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex, to_rgb

import analysis
from analysis import plotting as P
from analysis.report import claims
from analysis.report import figures as rf
from analysis.report import indicators as ind
from analysis.text import keywords as K
from analysis.text import networks as N
from analysis.text import topics as T
from analysis.text.tokens import tokenize


@pytest.fixture(autouse=True)
def _close():
    import matplotlib.pyplot as plt

    analysis.setup()
    yield
    plt.close("all")


def _lab(color: str) -> np.ndarray:
    rgb = np.array(to_rgb(color))
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856 ** 3))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


# ----------------------------------------------------------------------------- the colour rule
def test_no_other_palette_colour_can_be_taken_for_a_technology_colour():
    others = {**{f"category {k}": v for k, v in P.CATEGORY_COLORS.items()},
              **{f"rule line {k}": v for k, v in P.RULE_LINE_COLORS.items()},
              **{f"issuer {k}": v for k, v in P.ISSUER_COLORS.items()},
              **{f"capability level {k}": v for k, v in rf.LEVEL_COLORS.items()},
              **{f"report stage {k}": v for k, v in rf.STAGE_COLORS.items()},
              **{f"instrument {k}": v for k, v in P.INSTRUMENT_COLORS.items()},
              **{f"group {i}": v for i, v in enumerate(P.GROUP_COLORS)},
              **{f"community {i}": P.community_style(i)[0] for i in range(len(P.COMMUNITY_GREYS))},
              **{f"band {k}": v for k, v in P.BAND_COLORS.items()}, "neutral": P.NEUTRAL,
              **{f"lane {k}": rf.LANE_NEUTRAL for k in rf.TECH_LANES if k not in P.TECH_COLORS},
              **{f"kind {k}": c for k, (_, c) in ind.KIND_STYLE.items()},
              **{f"verdict {k}": c for k, c in claims.VERDICT_COLORS.items()}}
    close = [(name, color, tech, round(float(np.linalg.norm(_lab(color) - _lab(tc))), 1))
             for name, color in others.items() for tech, tc in P.TECH_COLORS.items()
             if np.linalg.norm(_lab(color) - _lab(tc)) < 30]  # CIE76 ΔE: below ~30 two colours read as one family
    assert close == []


def test_the_colour_check_would_catch_the_old_clashes():
    # the rule-line blue and the instrument teal this issue replaced sit within ΔE 30 of Internet blue / AI green
    assert np.linalg.norm(_lab("#0F6E8C") - _lab(P.TECH_COLORS["互联网"])) < 30
    assert np.linalg.norm(_lab("#44AA99") - _lab(P.TECH_COLORS["人工智能"])) < 30


# ----------------------------------------------------------------------------- fig01 swimlanes
def test_fig01_lanes_hold_every_technology_each_sentence_names():
    lanes = rf.technology_lanes_data(analysis.load_milestones())
    assert list(dict.fromkeys(lanes["lane"])) == list(rf.TECH_LANES)  # each lane has at least one milestone
    by = lanes.groupby("milestone_id")["lane"].apply(list)
    assert by["ms-08"] == ["互联网", "移动互联网"]  # 2009: mobile Internet and the Internet
    assert by["ms-13"] == ["大数据", "人工智能", "区块链"]
    assert by["stage-01"] == ["计算机"]
    colours = dict(zip(lanes["lane"], lanes["color"]))
    assert colours["云计算"] == rf.LANE_NEUTRAL and colours["区块链"] == P.TECH_COLORS["区块链"]


def test_fig01_lanes_reject_an_unknown_technology():
    m = analysis.load_milestones().copy()
    m["technology"] = m["technology"].astype("object")
    m.loc[m["milestone_id"] == "ms-03", "technology"] = "量子计算"
    with pytest.raises(ValueError, match="ms-03.*量子计算"):
        rf.technology_lanes_data(m)


def test_fig01_draws_the_first_stage_start_as_uncertain_and_its_end_as_unstated():
    fig = rf.fig01_timeline(analysis.load_milestones(), analysis.load_captions())
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "起点 start" in texts and "终点未说明 end not stated" in texts
    assert any(t.startswith("互联网 Internet") for t in texts) and any("计算机 Computers" == t for t in texts)


# ----------------------------------------------------------------------------- EGDI bands
def test_vs_world_bands_leave_scoreless_countries_out():
    survey = analysis.load_egov_survey()
    base = ind.vs_world_bands(survey).set_index("year")
    assert base.loc[2008, "n_countries"] == 192 - 10   # 2008: 192 assessed, 10 listed with EGDI 0 (no score)
    zeroed = survey.copy()
    scored = (zeroed["year"] == 2008) & zeroed["assessed"].fillna(False).astype(bool) & zeroed["egdi"].gt(0)
    zeroed.loc[zeroed.index[scored][:20], "egdi"] = 0.0
    after = ind.vs_world_bands(zeroed).set_index("year")
    assert after.loc[2008, "n_countries"] == base.loc[2008, "n_countries"] - 20  # zeros are not scores
    assert after.loc[2020, "median"] == base.loc[2020, "median"]
    b = base.loc[2022]
    assert b["p10"] < b["p25"] < b["median"] < b["p75"] < b["p90"]
    assert b["country_egdi"] == pytest.approx(0.8119, abs=5e-5)  # the value the report prints (p. 4)


def test_vs_world_figure_uses_no_technology_colour():
    fig, ax = ind.plot_vs_world(analysis.load_egov_survey())
    used = {to_hex(line.get_color()).upper() for line in ax.get_lines()}
    assert not used & {c.upper() for c in P.TECH_COLORS.values()}
    assert all(t.get_rotation() == 0 for t in ax.get_xticklabels())


def test_topics_and_kinds_count_all_92_numbers():
    indicators = analysis.load_indicators()
    fig, ax = ind.plot_topics_and_kinds(indicators)
    totals = [int(t.get_text()) for t in ax.texts if t.get_text().isdigit()]
    assert sum(totals) == len(indicators) == 92
    bad = indicators.copy()
    bad["topic"] = bad["topic"].astype("object")
    bad.loc[bad.index[0], "topic"] = "新主题"
    odd = indicators.copy()
    odd["kind"] = odd["kind"].astype("object")
    odd.loc[odd.index[0], "kind"] = "新类型"
    with pytest.raises(ValueError, match="新类型"):   # a kind without a style is an error, not a dropped row
        ind.plot_topics_and_kinds(odd)
    with pytest.raises(ValueError, match="新主题"):
        ind.plot_topics_and_kinds(bad)


# ----------------------------------------------------------------------------- keywords
def test_list_markers_are_dropped_and_other_words_kept():
    assert tokenize("一是加强数据共享，二是完善制度，三是统一标准") == ["加强", "数据共享", "完善", "制度", "统一标准"]
    assert "统一" in tokenize("统一是非标准")  # 统一 is a word, not a list marker


def test_term_dots_show_counts_and_glosses_with_ties_broken_by_term():
    import matplotlib.pyplot as plt

    freqs = pd.DataFrame({"term": ["区块链", "应用", "发展", "试点"], "tf": [18, 9, 5, 5]})
    top = K.top_terms(freqs, n=3)
    assert top["term"].tolist() == ["区块链", "应用", "发展"]  # 发展 before 试点 at the tie
    fig, ax = plt.subplots()
    K.plot_term_dots(ax, freqs, n=3, glosses=K.term_glosses())
    labels = [t.get_text() for t in ax.texts]
    assert labels[-1] == "18  blockchain" and [t.get_text() for t in ax.get_yticklabels()][-1] == "区块链"


def test_keyness_bars_below_the_critical_value_are_hollow():
    import matplotlib.pyplot as plt

    res = pd.DataFrame({"feature": ["甲", "乙", "丙"], "G2": [30.0, 20.0, 10.0], "n_target": [9, 6, 3],
                        "n_reference": [1, 1, 1]})
    fig, ax = plt.subplots()
    K.plot_keyness(ax, res, critical=15.0)
    hollow = [p for p in ax.patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(hollow) == 1 and hollow[0].get_width() == 10.0
    fig, ax = plt.subplots()
    K.plot_keyness(ax, res, critical=5.0)
    assert not [p for p in ax.patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]


def test_kwic_table_aligns_contexts_towards_the_keyword():
    kw = pd.DataFrame({"clause_id": ["c1"], "left": ["加强"], "keyword": ["数据共享"], "right": ["工作"]})
    html = K.style_kwic(kw).to_html()
    assert "#T_kwic_row0_col1 {\n  text-align: right;" in html  # left context
    assert "text-align: center" in html and html == K.style_kwic(kw).to_html()  # fixed ids: same HTML twice


# ----------------------------------------------------------------------------- topics and networks
def _toy_model():
    rng = np.random.default_rng(0)
    blocks = [["人工智能", "算法", "模型"], ["数据", "共享", "目录"], ["安全", "保护", "等级"]]
    docs = [list(rng.choice(b, 6)) for b in blocks for _ in range(30)]
    dtm, vocab = T.build_dtm(docs, min_df=1)
    return T.fit_topic_model(dtm, vocab, 3, model="lda", random_state=1), dtm, vocab


def test_intertopic_map_has_equal_scales_no_ticks_and_a_label_per_topic():
    model, dtm, _ = _toy_model()
    coords, _ = T.intertopic_distances(model, labels=["甲", "乙", "丙"])
    ax = T.plot_intertopic_map(coords, title=None)
    assert ax.get_aspect() == 1.0 and list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    assert sorted(t.get_text() for t in ax.texts) == ["T00 甲", "T01 乙", "T02 丙"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["5%", "10%", "20%"]


def test_stability_plot_marks_each_refit():
    _, dtm, vocab = _toy_model()
    pairs = T.topic_stability(dtm, vocab, 3, model="lda", seeds=(1, 2, 3))
    ax = T.plot_topic_stability(pairs)
    markers = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert len(markers) == 2 and all(len(m.get_xdata()) == 3 for m in markers)


def test_pooled_years_are_not_joined_to_the_yearly_line():
    prev = pd.DataFrame([{"topic": t, "covariate": c, "prevalence": 0.2, "ci_low": 0.1, "ci_high": 0.3}
                         for t in (0, 1) for c in ("2013–16", "2017", "2018", "2019")])
    fig = T.plot_prevalence_trend(prev, ncols=2, pooled=("2013–16",), partial=("2019",))
    ax = fig.axes[0]
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 1]
    assert len(solid) == 1 and len(solid[0].get_xdata()) == 2  # 2017–2018 only
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2013–16", "2017", "2018", "2019*"]


def test_network_communities_are_shapes_in_neutral_tones_and_every_node_is_labelled():
    import matplotlib.pyplot as plt
    import networkx as nx

    g = nx.Graph()
    for i in range(8):
        g.add_node(f"词{i}", n_clauses=10 + i, community=i % 3)
    g.add_weighted_edges_from([(f"词{i}", f"词{(i + 1) % 8}", 0.5) for i in range(8)])
    fig, ax = plt.subplots(figsize=(6, 5))
    N.draw_network(g, ax=ax, title=None, layout_k=None)
    assert {t.get_text() for t in ax.texts} == set(g.nodes)
    face = {to_hex(c).upper() for coll in ax.collections[1:] for c in coll.get_facecolors()}
    assert face and not face & {c.upper() for c in P.TECH_COLORS.values()}
