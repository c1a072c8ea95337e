"""Tests of analysis.text.keywords: frequencies, TF-IDF, TextRank, keyness, KWIC and word clouds."""
from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis.text import keywords
from analysis.paths import RAW_DIR

from analysis.text import tokens


def _law_clauses(prefix: str, doc_id: str) -> pd.DataFrame:
    """One clause per non-empty body line of a LawRefBook file (independent of analysis.corpus.clauses)."""
    path = next(p for p in (RAW_DIR / "lawrefbook-laws").rglob("*.md") if p.name.startswith(prefix))
    body = path.read_text(encoding="utf-8").split("<!-- INFO END -->")[-1]
    lines = [l.strip() for l in body.split("\n") if l.strip() and not l.startswith("#")]
    return pd.DataFrame({"doc_id": doc_id, "clause_id": [f"{doc_id}:{i}" for i in range(1, len(lines) + 1)],
                         "text": lines})


@pytest.fixture(scope="module")
def laws() -> pd.DataFrame:
    return pd.concat([_law_clauses("个人信息保护法", "pipl-2021"), _law_clauses("数据安全法", "data-security-law-2021"),
                      _law_clauses("国务院关于在线政务服务的若干规定", "online-gov-services-regulation-2019")],
                     ignore_index=True)


# ------------------------------------------------------------------ keyness
def test_keyness_against_hand_calculation():
    # Feature x: a = 10 of T1 = 1000 target tokens, b = 20 of T2 = 4000 reference tokens.
    # 2x2 table [[10, 20], [990, 3980]], N = 5000, row totals 1000 / 4000, column totals 30 / 4970.
    # Expected: E11 = 1000*30/5000 = 6, E12 = 4000*30/5000 = 24, E21 = 1000*4970/5000 = 994, E22 = 3976.
    # G2 = 2 * (10 ln(10/6) + 20 ln(20/24) + 990 ln(990/994) + 3980 ln(3980/3976))
    #    = 2 * (5.108256 - 3.646431 - 3.991941 + 4.002011) = 2 * 1.471896 = 2.943791
    # Yates: |O - E| = 4 in every cell → (4 - 0.5)^2 = 12.25;
    #    chi2 = 12.25 * (1/6 + 1/24 + 1/994 + 1/3976) = 12.25 * 0.2095909 = 2.567488
    # Log ratio = log2((10/1000) / (20/4000)) = log2(0.01 / 0.005) = 1;  %DIFF = 100 (0.01 - 0.005)/0.005 = 100
    # Filler feature y carries the rest of each corpus: 990 and 3980.
    res = keyness_counts = keywords.keyness(pd.Series({"x": 10, "y": 990}), pd.Series({"x": 20, "y": 3980}))
    row = res.set_index("feature").loc["x"]
    assert row.total_target == 1000 and row.total_reference == 4000
    assert row.G2 == pytest.approx(2.943791, abs=1e-6)
    assert row.chi2 == pytest.approx(2.567488, abs=1e-6)
    assert row.log_ratio == pytest.approx(1.0) and row.pct_diff == pytest.approx(100.0)
    assert row.G2_p == pytest.approx(0.08616, abs=1e-4)          # chi2(1).sf(2.943791)
    # y is relatively more frequent in the reference: negative signed G2, same magnitude (2x2 symmetry)
    assert keyness_counts.set_index("feature").loc["y", "G2"] == pytest.approx(-2.943791, abs=1e-6)
    assert list(res["feature"]) == ["x", "y"]                      # sorted by signed G2, target-favoured first


def test_keyness_matches_scipy_on_random_tables():
    rng = np.random.default_rng(7)
    a = pd.Series(rng.integers(0, 60, 200), index=[f"w{i}" for i in range(200)])
    b = pd.Series(rng.integers(0, 300, 200), index=a.index)
    a.iloc[:5] = 0
    res = keywords.keyness(a, b).set_index("feature")
    T1, T2 = a.sum(), b.sum()
    for f in a.index[:40]:
        if a[f] + b[f] == 0:
            continue
        table = np.array([[a[f], b[f]], [T1 - a[f], T2 - b[f]]])
        chi2_y = chi2_contingency(table, correction=True)[0]
        g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        assert res.loc[f, "chi2"] == pytest.approx(chi2_y, rel=1e-9, abs=1e-12)
        assert abs(res.loc[f, "G2"]) == pytest.approx(g2, rel=1e-9, abs=1e-12)
        assert math.copysign(1, res.loc[f, "G2"]) == (1 if a[f] / T1 > b[f] / T2 else -1) or g2 == 0


def test_keyness_zero_counts_and_bad_input():
    res = keywords.keyness({"only_t": 5, "z": 95}, {"z": 100}).set_index("feature")
    assert res.loc["only_t", "n_reference"] == 0
    assert res.loc["only_t", "log_ratio"] == pytest.approx(math.log2((5 / 100) / (0.5 / 100)))
    assert math.isinf(res.loc["only_t", "pct_diff"])
    with pytest.raises(ValueError):
        keywords.keyness({"a": -1}, {"a": 3})
    with pytest.raises(ValueError):
        keywords.keyness({"a": 5}, {"a": 3}, total_target=2)


def test_keyness_dataframe_form_equals_counts_form(laws):
    mask = laws["doc_id"] == "pipl-2021"
    res = keywords.keyness(laws, mask, min_count=3)
    toks = tokens.tokenize_series(laws["text"])
    ta = pd.Series([t for ts in toks[mask] for t in ts]).value_counts()
    tb = pd.Series([t for ts in toks[~mask] for t in ts]).value_counts()
    res2 = keywords.keyness(ta, tb, min_count=3)
    pd.testing.assert_frame_equal(res, res2)
    # the PIPL's own subject matter is its top key term against the data-security law and 716号令
    assert res["feature"].iloc[0] == "个人信息"
    assert res.iloc[-1]["G2"] < 0


# ------------------------------------------------------------------ frequencies
def test_term_frequencies_known_counts():
    df = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "clause_id": ["c1", "c2", "c3"],
                       "grp": ["A", "A", "B"],
                       "text": ["推进政务数据共享，政务数据开放", "城市大脑", "城市大脑和健康码"]})
    tf = keywords.term_frequencies(df, by="grp").set_index(["grp", "term"])
    assert tf.loc[("A", "政务数据"), "tf"] == 1 and tf.loc[("A", "政务数据共享"), "tf"] == 1
    assert tf.loc[("A", "城市大脑"), ["tf", "df", "n_docs"]].tolist() == [1, 1, 2]
    assert tf.loc[("B", "健康码"), "rel_freq"] == pytest.approx(0.5)
    by_doc = keywords.term_frequencies(df, doc_col="doc_id")
    assert list(by_doc.columns) == ["group", "term", "tf", "df", "n_docs", "rel_freq"]
    by_doc = by_doc.set_index("term")
    assert by_doc.loc["城市大脑", ["tf", "df", "n_docs"]].tolist() == [2, 2, 2]
    with pytest.raises(KeyError):
        keywords.term_frequencies(df, by="missing")


def test_kwic_counts_match_plain_substring_count(laws):
    pipl = laws[laws["doc_id"] == "pipl-2021"]
    k = keywords.kwic(pipl, "个人信息", window=6)
    expected = sum(tokens.normalize(t).count("个人信息") for t in pipl["text"])
    assert len(k) == expected > 200
    assert list(k.columns) == ["doc_id", "clause_id", "start", "left", "keyword", "right"]
    first = k.iloc[0]
    text = tokens.normalize(pipl.set_index("clause_id").loc[first.clause_id, "text"])
    assert text[first.start - len(first.left):first.start + 4 + len(first.right)] == first.left + "个人信息" + first.right
    tok = keywords.kwic(pipl, "个人信息", match="token")
    assert 0 < len(tok) < len(k)       # '个人信息' inside '个人信息处理者' etc. is not a token match


# ------------------------------------------------------------------ TF-IDF / TextRank / jieba TFIDF
def test_tfidf_keeps_single_cjk_characters_not_in_stopwords():
    df = pd.DataFrame({"g": ["a", "a", "b", "b"],
                       "text": ["推进云、网协同", "推进云、网和数据建设", "依法保护数据", "依法保护数据和网络"]})
    out = keywords.tfidf_top_terms(df, by="g", top_n=10, min_df=1)
    assert {"云", "网"} <= set(out.loc[out.g == "a", "term"])
    assert "和" not in set(out["term"])                    # stopword
    assert out.groupby("g")["rank"].apply(lambda r: list(r) == list(range(1, len(r) + 1))).all()


def test_tfidf_textrank_and_jieba_tfidf_on_laws(laws):
    tt = keywords.tfidf_top_terms(laws, by="doc_id", top_n=5)
    assert tt[tt.doc_id == "pipl-2021"]["term"].iloc[0] == "个人信息"
    tr = keywords.textrank_keywords(laws, by="doc_id", top_n=5)
    assert tr[tr.doc_id == "pipl-2021"]["term"].iloc[0] == "个人信息"
    assert tr.groupby("doc_id")["score"].max().eq(1.0).all()
    assert keywords.textrank_keywords(laws, by="doc_id", top_n=5).equals(tr)      # deterministic
    idf = keywords.build_idf(laws)
    first = idf.read_bytes()
    idf.unlink()
    assert keywords.build_idf(laws).read_bytes() == first
    jt = keywords.jieba_tfidf_keywords(laws, by="doc_id", idf_path=idf, top_n=5)
    top = jt[jt.doc_id == "online-gov-services-regulation-2019"]["term"].tolist()
    assert "政务服务" in top or "在线政务服务" in top


# ------------------------------------------------------------------ word cloud
def test_wordcloud_is_deterministic_with_otf_font(laws):
    from analysis.plotting import cjk_font_path

    assert cjk_font_path().suffix == ".otf"
    tf = keywords.term_frequencies(laws[laws.doc_id == "pipl-2021"]).head(60)
    imgs = []
    for _ in range(2):
        buf = io.BytesIO()
        keywords.wordcloud_image(tf, width=300, height=200).save(buf, format="PNG")
        imgs.append(buf.getvalue())
    assert imgs[0] == imgs[1]
    arr = np.asarray(keywords.wordcloud_image(tf, width=300, height=200).convert("L"))
    assert (arr < 200).mean() > 0.03          # glyphs were drawn (not an empty white canvas)
    with pytest.raises(ValueError):
        keywords.wordcloud_image({"a": 0})


# ------------------------------------------------------------------ reference frequency table (national law)
def test_stored_national_term_counts_match_current_segmentation():
    from analysis.tables import load_table

    table = load_table("national_term_counts", typed=False)
    stored = set(table["dictionary_version"])
    current = tokens.dictionary_version()
    assert stored == {current}, (
        f"data/processed/national_term_counts.csv was built with segmentation {sorted(stored)}, the current one is "
        f"{current!r} (user dictionary, jieba or normalisation changed): run `python -m analysis build`")
    # the loader raises the same message when stale; here it must load
    assert len(keywords.national_term_counts()) == len(table)


def test_stored_national_term_counts_contain_member_laws(laws):
    """The PIPL, the Data Security Law and 国令第716号 are files of the national corpus: subtracting their tokens
    from the stored counts must never go below zero, and the PIPL's subject must survive in the reference."""
    table = keywords.national_term_counts()
    assert table["n_clauses"].nunique() == 1 and (table["df"] <= table["tf"]).all()
    assert table["term"].is_unique and table["tf"].is_monotonic_decreasing
    from analysis import load_clauses, cited_texts
    members = cited_texts()
    members = members[members["doc_id"].isin(["pipl-2021", "data-security-law-2021"])]
    clauses = load_clauses(members)
    full = keywords.reference_counts(table)
    less = keywords.reference_counts(table, exclude=clauses)
    pipl_count = keywords.token_counts(clauses[clauses.doc_id == "pipl-2021"])["个人信息处理者"]
    assert pipl_count > 50
    assert full["个人信息处理者"] - less.get("个人信息处理者", 0) == pipl_count
    assert full.sum() - less.sum() == keywords.token_counts(clauses).sum()
    # a text that is not in the national corpus cannot be subtracted
    fake = pd.DataFrame({"text": ["区块链区块链区块链政务数据共享交换平台" * 200]})
    with pytest.raises(ValueError, match="not"):
        keywords.reference_counts(table, exclude=fake)


def test_reference_frequencies_and_counts_on_small_corpus(laws):
    ref = keywords.reference_frequencies(laws)
    assert list(ref.columns) == ["term", "tf", "df", "n_clauses", "dictionary_version"]
    assert (ref["n_clauses"] == len(laws)).all()
    toks = tokens.tokenize_series(laws["text"], stop=None)
    assert ref["tf"].sum() == sum(len(t) for t in toks)
    row = ref.set_index("term").loc["个人信息"]
    assert row.tf == sum(t.count("个人信息") for t in toks)
    assert row.df == sum("个人信息" in t for t in toks)
    # stopwords removed afterwards equal stopwords removed while tokenising (numbers are dropped either way)
    counts = keywords.reference_counts(ref)
    direct = keywords.token_counts(laws)
    pd.testing.assert_series_equal(counts.sort_index(), direct.sort_index(), check_names=False)
    # excluding the whole corpus leaves nothing
    assert keywords.reference_counts(ref, exclude=laws).empty


def test_keyness_by_group_and_significance(laws):
    res = keywords.keyness_by_group(laws, "doc_id", min_count=3)
    assert list(res["doc_id"].unique()) == sorted(laws["doc_id"].unique())
    one = res[res.doc_id == "pipl-2021"].drop(columns=["doc_id", "n_tests"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(one, keywords.keyness(laws, laws["doc_id"] == "pipl-2021", min_count=3))
    sig = keywords.significant_keywords(res[res.doc_id == "pipl-2021"])
    assert sig["feature"].iloc[0] == "个人信息"
    m = (res.doc_id == "pipl-2021").sum()
    assert (sig["G2_p"] < 0.05 / m).all() and (sig["log_ratio"] >= 1).all() and (sig["n_target"] >= 3).all()
    # hand-calculated table of test_keyness_against_hand_calculation: p = 0.086, log ratio 1, a = 10
    hand = keywords.keyness(pd.Series({"x": 10, "y": 990}), pd.Series({"x": 20, "y": 3980}))
    assert keywords.significant_keywords(hand).empty                        # 0.086 > 0.05 / 2
    assert keywords.significant_keywords(hand, alpha=0.1, correction=None)["feature"].tolist() == ["x"]
    assert keywords.significant_keywords(hand, alpha=0.1, correction=None, min_log_ratio=1.01).empty
