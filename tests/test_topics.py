"""Tests of analysis.text.topics: hand-computed NPMI, diagnostics, determinism, stability, maps."""
import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.text import topics as T
from analysis.paths import RAW_DIR

# 4 clauses; clause counts a=3, b=2, c=2, d=1; pairs ab=2, ac=2, bc=1, ad=0.
TOY = [["a", "b"], ["a", "b", "c"], ["a", "c"], ["d"]]


def toy_dtm():
    dtm, vocab = T.build_dtm(TOY, min_df=1, min_length=1)
    assert list(vocab) == ["a", "b", "c", "d"]
    return dtm, vocab


def test_npmi_by_hand():
    dtm, _ = toy_dtm()
    npmi_ab = math.log((2 / 4) / ((3 / 4) * (2 / 4))) / -math.log(2 / 4)  # = log(4/3)/log 2 = 0.41504
    npmi_bc = 0.0  # P(bc)=1/4 = P(b)P(c)
    got = T.npmi_coherence(np.array([[0, 1, 2], [0, 3, 1]]), dtm)
    assert got[0] == pytest.approx((npmi_ab + npmi_ab + npmi_bc) / 3)  # pairs ab, ac, bc
    assert got[0] == pytest.approx(0.2766917, abs=1e-7)
    # topic (a, d, b): ad never co-occur -> -1 by definition; bd -> -1; ab = 0.41504
    assert got[1] == pytest.approx((-1 - 1 + npmi_ab) / 3)


def test_npmi_all_documents_is_one():
    dtm, _ = T.build_dtm([["x", "y"], ["x", "y"]], min_df=1, min_length=1)
    assert T.npmi_coherence(np.array([[0, 1]]), dtm)[0] == 1.0


def test_diversity_and_exclusivity_by_hand():
    assert T.topic_diversity(np.array([[0, 1], [1, 2]])) == 0.75
    phi = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    ex = T.topic_exclusivity(phi, np.array([[0, 1], [2, 1]]))
    assert ex == pytest.approx([(1 + 0.5) / 2, (1 + 0.5) / 2])


def block_corpus(n_per_block=40, seed=0):
    """Three disjoint vocabularies: any decent 3-topic model recovers the blocks."""
    rng = np.random.default_rng(seed)
    blocks = [[f"{p}{i}" for i in range(8)] for p in ("数据", "人工", "政务")]
    docs = []
    for b in blocks:
        for _ in range(n_per_block):
            docs.append(list(rng.choice(b, size=6)))
    return docs


def test_lda_nmf_deterministic_and_recover_blocks():
    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    for kind in ("lda", "nmf"):
        m1 = T.fit_topic_model(dtm, vocab, 3, model=kind, random_state=7)
        m2 = T.fit_topic_model(dtm, vocab, 3, model=kind, random_state=7)
        assert np.array_equal(m1.phi, m2.phi) and np.array_equal(m1.theta, m2.theta)
        top = T.top_terms(m1, n=8)
        prefixes = top.groupby("topic")["term"].agg(lambda s: {t[:2] for t in s})
        assert sorted(p for s in prefixes for p in s) == ["人工", "政务", "数据"]  # one block per topic
        assert np.allclose(m1.phi.sum(axis=1), 1)


def test_stability_hungarian_matching():
    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    pairs = T.topic_stability(dtm, vocab, 3, model="lda", seeds=(0, 1, 2))
    assert len(pairs) == 6 and set(pairs.seed) == {1, 2}
    for _, g in pairs.groupby("seed"):
        assert sorted(g.matched_topic) == [0, 1, 2]  # one-to-one
    assert pairs.cosine.min() > 0.95
    summ = T.summarise_stability(pairs)
    assert list(summ.columns) == ["topic", "mean_cosine", "min_cosine", "n_seeds", "n_refits_matched"]
    assert (summ.n_seeds == 3).all() and (summ.n_refits_matched == 2).all()  # three seeds: reference + two refits


def test_k_selection_panel_shape():
    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    p = T.k_selection_panel(dtm, vocab, ks=[2, 3, 4], top_n=5)
    assert list(p.columns) == ["k", "model", "npmi", "diversity", "exclusivity", "perplexity", "seconds"]
    assert len(p) == 6
    assert p.loc[p.model == "nmf", "perplexity"].isna().all()
    assert p.loc[p.model == "lda", "perplexity"].notna().all()
    # k=3 matches the 3 blocks: top-5 terms of each topic are exclusive to it
    best = p[(p.k == 3) & (p.model == "nmf")].iloc[0]
    assert best.diversity == 1.0 and best.npmi > 0


def test_k_selection_panel_returns_the_models_fit_topic_model_gives():
    """Notebook 05 takes the all-clause models from the panel instead of fitting them again."""
    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    p, models = T.k_selection_panel(dtm, vocab, ks=[2, 3], models=("lda",), heldout_fraction=0,
                                    max_iter=5, return_models=True)
    assert list(models) == [("lda", 2), ("lda", 3)]
    for k in (2, 3):
        direct = T.fit_topic_model(dtm, vocab, k, model="lda", max_iter=5)
        np.testing.assert_array_equal(models[("lda", k)].phi, direct.phi)
    other = T.fit_topic_model(dtm, vocab, 3, model="lda", max_iter=5, random_state=1)
    assert not np.array_equal(models[("lda", 3)].phi, other.phi)      # a different fit is told apart
    _, held = T.k_selection_panel(dtm, vocab, ks=[3], models=("lda",), max_iter=5, return_models=True)
    assert held[("lda", 3)].phi.shape == models[("lda", 3)].phi.shape
    assert not np.array_equal(held[("lda", 3)].phi, models[("lda", 3)].phi)   # fitted on 80 % only
    assert p.equals(T.k_selection_panel(dtm, vocab, ks=[2, 3], models=("lda",), heldout_fraction=0,
                                        max_iter=5).assign(seconds=p["seconds"]))


def test_relevance_by_hand():
    phi = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    dtm = T.sparse.csr_matrix(np.array([[6, 2, 0], [0, 1, 1]]))  # p(w) = 6/10, 3/10, 1/10
    m = T.TopicModel("lda", 2, phi, np.full((2, 2), .5), np.array(["甲", "乙", "丙"]), estimator=None)
    r = T.relevance_table(m, dtm, lam=0.5, n=3)
    first = r[(r.topic == 0) & (r.term == "乙")].iloc[0]
    assert first.relevance == pytest.approx(0.5 * math.log(0.3) + 0.5 * math.log(0.3 / 0.3))
    assert first.lift == pytest.approx(1.0)
    # lam=0 ranks topic 1 by lift: 丙 (8.0) > 乙 (0.333) > 甲 (0.1667)
    assert list(T.relevance_table(m, dtm, lam=0.0, n=3).query("topic == 1").term) == ["丙", "乙", "甲"]
    assert list(T.relevance_table(m, dtm, lam=1.0, n=3).query("topic == 0").term) == ["甲", "乙", "丙"]
    assert T.topic_labels(m, dtm, lam=1.0, n=2).tolist() == ["T00 甲·乙", "T01 丙·甲"]


def test_prevalence_bootstrap():
    dt = pd.DataFrame({"T00": [1.0, 1.0, 0.0, 0.5], "T01": [0.0, 0.0, 1.0, 0.5]})
    out = T.prevalence_by_covariate(dt, [2020, 2020, 2021, 2021], n_boot=200)
    row = out[(out.covariate == 2020) & (out.topic == "T00")].iloc[0]
    assert row.prevalence == 1.0 and row.ci_low == 1.0 and row.ci_high == 1.0  # no variance
    row = out[(out.covariate == 2021) & (out.topic == "T01")].iloc[0]
    assert row.prevalence == 0.75 and 0.5 <= row.ci_low <= row.ci_high <= 1.0
    again = T.prevalence_by_covariate(dt, [2020, 2020, 2021, 2021], n_boot=200)
    assert out.equals(again)


def test_intertopic_js_and_mds():
    phi = np.array([[0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25]])
    m = T.TopicModel("lda", 3, phi, np.full((1, 3), 1 / 3), np.array(list("abcd")), estimator=None)
    coords, d = T.intertopic_distances(m)
    assert d.iloc[0, 1] == pytest.approx(1.0)  # disjoint supports: JS distance (base 2) = 1
    # P=(.5,.5,0,0), Q=uniform, M=(.375,.375,.125,.125):
    # KL(P||M) = log2(4/3); KL(Q||M) = .5*log2(2/3) + .5*log2(2); JSD = mean = 0.311278 bits
    jsd = 0.5 * (math.log2(4 / 3) + 0.5 * math.log2(2 / 3) + 0.5)
    assert d.iloc[0, 2] == pytest.approx(math.sqrt(jsd), abs=1e-12)
    assert d.iloc[0, 2] == pytest.approx(0.557923, abs=1e-6)
    xy = coords[["x", "y"]].to_numpy()
    emb = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    assert np.allclose(emb, d.to_numpy(), atol=1e-9)  # 3 points of a metric embed exactly in 2-D


def test_plot_map_runs():
    import matplotlib
    matplotlib.use("Agg")
    phi = np.array([[0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25]])
    m = T.TopicModel("lda", 3, phi, np.full((1, 3), 1 / 3), np.array(list("abcd")), estimator=None)
    coords, _ = T.intertopic_distances(m, labels=["数据", "人工智能", "政务"])
    ax = T.plot_intertopic_map(coords)
    assert sorted(t.get_text() for t in ax.texts) == ["T00 数据", "T01 人工智能", "T02 政务"]


def test_real_law_articles():
    """数据安全法 has 55 articles (第一条 … 第五十五条); topic model runs on them."""
    jieba = pytest.importorskip("jieba")
    text = (RAW_DIR / "lawrefbook-laws" / "行政法" / "数据安全法(2021-06-10).md").read_text(encoding="utf-8")
    body = text.split("<!-- INFO END -->", 1)[1]
    articles = re.split(r"\n(?=第[一二三四五六七八九十百]+条\s)", "\n" + body)
    articles = [a for a in articles if re.match(r"第[一二三四五六七八九十百]+条", a)]
    assert len(articles) == 55
    dtm, vocab = T.build_dtm([jieba.lcut(a) for a in articles], min_df=2)
    p = T.k_selection_panel(dtm, vocab, ks=[3, 5], top_n=8)
    assert np.isfinite(p[["npmi", "diversity", "exclusivity"]].to_numpy()).all()
    assert p.npmi.between(-1, 1).all()


def test_build_dtm_fixed_vocabulary():
    dtm, vocab = T.build_dtm([["数据", "安全", "未知"], ["安全", "安全"]], vocabulary=["安全", "数据", "伦理"])
    assert list(vocab) == ["安全", "数据", "伦理"]
    assert dtm.toarray().tolist() == [[1, 1, 0], [2, 0, 0]]  # "未知" is outside the vocabulary
    with pytest.raises(ValueError, match="repeated"):
        T.build_dtm([["a"]], vocabulary=["a", "a"])


def test_prevalence_cluster_bootstrap_by_hand():
    # group A: document d1 has 3 clauses all T00 = 1, document d2 has 1 clause T00 = 0.
    # clause mean = 3/4; the cluster bootstrap can only draw {d1,d1} -> 1, {d2,d2} -> 0, {d1,d2} -> 3/4.
    dt = pd.DataFrame({"T00": [1.0, 1.0, 1.0, 0.0, 0.5], "T01": [0.0, 0.0, 0.0, 1.0, 0.5]})
    out = T.prevalence_by_covariate(dt, ["A", "A", "A", "A", "B"], clusters=["d1", "d1", "d1", "d2", "d3"],
                                    n_boot=400)
    a = out[(out.covariate == "A") & (out.topic == "T00")].iloc[0]
    assert (a.n_docs, a.n_clusters, a.prevalence) == (4, 2, 0.75)
    assert a.ci_low == 0.0 and a.ci_high == 1.0  # each of {d2,d2}, {d1,d1} has probability 1/4
    clause_level = T.prevalence_by_covariate(dt, ["A", "A", "A", "A", "B"], n_boot=400)
    c = clause_level[(clause_level.covariate == "A") & (clause_level.topic == "T00")].iloc[0]
    assert c.n_clusters == 4 and c.ci_low > 0.0  # 4 zero clauses out of 4 draws: probability 1/256
    with pytest.raises(ValueError, match="span several"):
        T.prevalence_by_covariate(dt, ["A", "A", "A", "B", "B"], clusters=["d1", "d1", "d1", "d1", "d3"])


def test_cluster_bootstrap_draws_as_many_clusters_as_the_group_has():
    # Group A: three documents of unequal size. d1: 1 clause (T00 = 1); d2: 2 clauses (T00 = 1, 0);
    # d3: 4 clauses (T00 = 0). Prevalence 2/7. A replicate draws 3 clusters with replacement and is
    # (T00 summed over the drawn clauses) / (clauses drawn). The 27 equally likely ordered draws give
    #   0 {d3,d3,d3} 1/27 | 1/10 {d2,d3,d3} 3/27 | 1/9 {d1,d3,d3} 3/27 | 1/4 {d2,d2,d3} 3/27 |
    #   2/7 {d1,d2,d3} 6/27 | 1/3 {d1,d1,d3} 3/27 | 1/2 {d2,d2,d2} 1/27 | 3/5 {d1,d2,d2} 3/27 |
    #   3/4 {d1,d1,d2} 3/27 | 1 {d1,d1,d1} 1/27
    # so the 10 % quantile is 1/10 (CDF 4/27 = 0.148 > 0.1 > 1/27) and the 90 % quantile 3/4
    # (CDF 23/27 = 0.852 < 0.9 < 26/27): with ci=0.8 the interval is exactly [1/10, 3/4], each bound
    # ≥ 0.048 in probability from the next atom (10 standard errors at n_boot = 4000).
    # Drawing 2 clusters gives [0, 1], 4 clusters [1/13, 2/3], 7 (one per clause) [1/7, 1/2].
    # Group B (two clusters of 1 clause each, T00 = 0 and 1) uses the same generator afterwards.
    t00 = [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    dt = pd.DataFrame({"T00": t00, "T01": [1 - v for v in t00]})
    cov = ["A"] * 7 + ["B"] * 2
    clusters = ["d1", "d2", "d2", "d3", "d3", "d3", "d3", "e1", "e2"]
    for seed in (0, 1, 2):
        out = T.prevalence_by_covariate(dt, cov, clusters=clusters, n_boot=4000, ci=0.8, random_state=seed)
        a = out[(out.covariate == "A") & (out.topic == "T00")].iloc[0]
        assert (a.n_docs, a.n_clusters) == (7, 3)
        assert a.prevalence == pytest.approx(2 / 7)
        assert (a.ci_low, a.ci_high) == (pytest.approx(1 / 10, abs=1e-12), pytest.approx(3 / 4, abs=1e-12)), seed
        a1 = out[(out.covariate == "A") & (out.topic == "T01")].iloc[0]  # T01 = 1 - T00 on every clause
        assert (a1.ci_low, a1.ci_high) == (pytest.approx(1 / 4, abs=1e-12), pytest.approx(9 / 10, abs=1e-12))
        b = out[(out.covariate == "B") & (out.topic == "T00")].iloc[0]
        assert (b.n_docs, b.n_clusters, b.prevalence) == (2, 2, 0.5)


def test_stability_reference_reused():
    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    ref = T.fit_topic_model(dtm, vocab, 3, model="lda", random_state=0, max_iter=10)
    a = T.topic_stability(dtm, vocab, 3, seeds=(0, 1), max_iter=10)
    b = T.topic_stability(dtm, vocab, 3, seeds=(0, 1), max_iter=10, reference=ref)
    assert a.equals(b)
    with pytest.raises(ValueError, match="reference model"):
        T.topic_stability(dtm, vocab, 3, seeds=(5, 1), reference=ref)


def test_panel_max_iter_applies_to_lda_only():
    import warnings

    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NMF with max_iter=2 would raise a ConvergenceWarning
        p = T.k_selection_panel(dtm, vocab, ks=[3], max_iter=2)
    assert len(p) == 2


def test_plot_helpers_run():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dtm, vocab = T.build_dtm(block_corpus(), min_df=1)
    m = T.fit_topic_model(dtm, vocab, 3, model="nmf")
    labels = T.topic_labels(m, dtm)
    fig = T.plot_topic_terms(T.relevance_table(m, dtm, n=5), labels, n=5, ncols=2)
    assert [ax.get_title(loc="left").replace("\n", "") for ax in fig.axes if ax.get_visible()] == list(labels)
    prev = T.prevalence_by_covariate(T.document_topics(m), np.repeat([2020, 2021, 2022], 40), n_boot=50)
    fig2 = T.plot_prevalence_trend(prev, labels=labels, ncols=3)
    assert [t.get_text() for t in fig2.axes[0].get_xticklabels()] == ["2020", "2021", "2022"]
    ax = T.plot_prevalence(prev[prev.covariate != 2022], labels=labels)
    assert len(ax.get_yticklabels()) == 3
    coords, _ = T.intertopic_distances(m, labels=labels)
    ax = T.plot_intertopic_map(coords, key=True)
    texts = sorted(t.get_text() for t in ax.texts)  # each circle labelled with topic, label and share
    assert [t[:3] for t in texts] == ["T00", "T01", "T02"] and all(lab in " ".join(texts) for lab in labels)
    assert all(t.endswith("%") for t in texts)
    plt.close("all")


def test_separated_intervals_by_hand():
    prev = pd.DataFrame({"covariate": ["a", "b", "c", "a", "b", "c"], "topic": ["T0"] * 3 + ["T1"] * 3,
                         "prevalence": [0.1, 0.5, 0.2, 0.3, 0.3, 0.3],
                         "ci_low": [0.05, 0.4, 0.1, 0.2, 0.2, 0.2], "ci_high": [0.15, 0.6, 0.3, 0.4, 0.4, 0.4]})
    out = T.separated_intervals(prev)
    # T0: a (0.05–0.15) vs b (0.4–0.6) and c (0.1–0.3) vs b are apart; a vs c overlap; T1 all overlap
    assert out[["topic", "low", "high"]].values.tolist() == [["T0", "a", "b"], ["T0", "c", "b"]]
    assert out["gap"].tolist() == pytest.approx([0.25, 0.1])
    # widen b's interval: no pair is apart any more
    prev.loc[1, "ci_low"] = 0.12
    assert T.separated_intervals(prev).empty


def test_trend_test_detects_a_planted_rise():
    rng = np.random.default_rng(0)
    years = np.repeat(np.arange(2013, 2023), 6)
    rise = (years - 2013) / 10 + rng.normal(0, 0.05, len(years))
    flat = rng.normal(0.3, 0.05, len(years))
    out = T.trend_test(pd.DataFrame({"T0": rise, "T1": flat}), years).set_index("topic")
    assert out.loc["T0", "rho"] > 0.8 and out.loc["T0", "p_bh"] < 0.001
    assert out.loc["T1", "p_bh"] > 0.05
