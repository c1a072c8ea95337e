"""Citations (analysis.text.citations): known answers read by hand from the texts, flip tests, and the scorer on a
hand-made labels table with known answers."""
import numpy as np
import pandas as pd
import pytest

from analysis.corpus.clauses import CLAUSE_COLUMNS
from analysis.corpus.corpora import load_clauses, national_corpus
from analysis.corpus.local import local_corpus
from analysis.text import citations as ct

DATA_REG = "上海/上海市数据条例(2021-11-25)"            # 第一条 … 根据《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》…制定本条例
ECOMMERCE = "浙江/浙江省电子商务条例(2021-09-30)"       # 第二十七条 …依照《中华人民共和国个人信息保护法》的规定进行处罚
PROPERTY = "上海/上海市住宅物业管理规定(2010-12-23)"     # 第一条 根据《中华人民共和国物权法》、国务院《物业管理条例》…
ELECTION = "上海/上海市区和乡镇人民代表大会代表直接选举实施细则(2021-03-24)"  # （以下简称选举法）
FILING = "上海/上海市人民代表大会常务委员会规范性文件备案审查条例(2021-05-21)"  # 第一条 …《中华人民共和国立法法》…
BEIJING = "北京/北京市制定地方性法规条例(2023-07-28)"


@pytest.fixture(scope="module")
def world():
    nat = national_corpus()
    loc = local_corpus()
    corpora = {"national": (nat, load_clauses(nat)), "local": (loc, load_clauses(loc))}
    return corpora, ct.citation_index(corpora)


def cites(world, doc_id, dates=None):
    corpora, index = world
    loc, lcl = corpora["local"]
    sub = lcl[lcl["doc_id"] == doc_id]
    ext = ct.extract_citations(sub, "local")
    d = ct.citing_dates(loc[loc["doc_id"] == doc_id], "local") if dates is None else dates
    return ct.resolve_citations(ext, d, index)


def row(df, path, written=None):
    sub = df[df["path"] == path]
    if written is not None:
        sub = sub[sub["title_written"] == written]
    assert len(sub) >= 1, (path, written, df[["path", "title_written"]].to_string())
    return sub.iloc[0]


def test_first_article_legal_basis_of_the_shanghai_data_regulation(world):
    # 上海市数据条例 第一条: "…保障数据安全，加快数据要素市场培育，推动数字经济更好服务和融入新发展格局，根据《中华人民共和国
    # 数据安全法》《中华人民共和国个人信息保护法》等法律、行政法规，结合本市实际，制定本条例。"
    df = cites(world, DATA_REG)
    first = df[df["path"] == "第一章/第一条/第1款"]
    assert list(first["title_written"]) == ["中华人民共和国数据安全法", "中华人民共和国个人信息保护法"]
    assert set(first["kind"]) == {"legal_basis"}
    assert list(first["cited_doc"]) == ["行政法/数据安全法(2021-06-10)", "行政法/个人信息保护法(2021-08-20)"]
    assert set(first["resolution"]) == {"resolved"}
    assert set(first["citing_date"]) == {"2021-11-25"}
    # the 中华人民共和国 prefix was dropped to find the national titles
    assert all("prefix" in n for n in first["normalisation"])
    # offsets index the document's text, brackets included
    text = world[0]["local"][0].set_index("doc_id").loc[DATA_REG, "text"]
    r = first.iloc[0]
    assert text[r["start"]:r["end"]] == "《中华人民共和国数据安全法》"


def test_penalty_referral_of_the_zhejiang_ecommerce_regulation(world):
    # 第二十七条: "…由市场监督管理部门依照《中华人民共和国个人信息保护法》的规定进行处罚。"
    df = cites(world, ECOMMERCE)
    r = row(df, "第二十七条/第1款", "中华人民共和国个人信息保护法")
    assert r["kind"] == "penalty_referral"
    assert r["cited_doc"] == "行政法/个人信息保护法(2021-08-20)"


def test_repealed_law_and_state_council_prefix(world):
    # 上海市住宅物业管理规定 第一条: "根据《中华人民共和国物权法》、国务院《物业管理条例》和其他有关法律、行政法规，
    # 结合本市实际情况，制定本规定。" — 物权法 was repealed by the civil code (民法典 附则: "…《中华人民共和国物权法》…
    # 同时废止"); the text's last amendment (2018-11-22) is before that.
    df = cites(world, PROPERTY)
    r = row(df, "第一章/第一条/第1款", "中华人民共和国物权法")
    assert r["kind"] == "legal_basis"
    assert r["resolution"] == "repealed"
    assert "民法典/附则" in r["reason"] and "2021-01-01" in r["reason"] and "repealed later" in r["reason"]
    assert r["citing_date"] == "2018-11-22"
    s = row(df, "第一章/第一条/第1款", "物业管理条例")
    assert "issuer:国务院" in s["normalisation"]
    assert s["kind"] == "legal_basis"


def test_repeal_table_reads_the_civil_code(world):
    reps = world[1].repeals.set_index("key")
    for t in ("物权法", "合同法", "婚姻法", "民法总则"):
        assert reps.loc[t, "repealed_by"] == "民法典/附则"
        assert reps.loc[t, "repeal_date"] == "2021-01-01"
    assert reps.loc["行政监察法", "repealed_by"].startswith("宪法相关法/监察法")


def test_abbreviation_defined_then_used(world):
    # 第一条: "根据《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（以下简称选举法）、…制定本实施细则。";
    # later articles say 选举法 without brackets (four times; counted in the text by hand)
    df = cites(world, ELECTION)
    bare = df[df["form"] == "abbreviation"]
    assert len(bare) == 4   # 依照选举法确定 (twice), 依照选举法的规定重新…, 根据选举法的规定 — every bare use in the text
    assert set(bare["title_written"]) == {"选举法"}
    assert set(bare["title_as_read"]) == {"中华人民共和国全国人民代表大会和地方各级人民代表大会选举法"}
    # in force at the text's last amendment (2021-03-24): the 2020-10-17 amendment
    assert set(bare["cited_doc"]) == {"宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17)"}
    # the definition's own 选举法 is not a reference: the first bare use is after 第一条
    assert not (bare["path"] == "第一章/第一条/第1款").any()


def test_abbreviation_in_brackets():
    clauses = pd.DataFrame([("x", "x:第一条/第1款", "第一条/第1款", "第一条", "款", 1, 1, None,
                             "根据《中华人民共和国数据安全法》（以下简称《数安法》），制定本办法。", 0, 40, 40),
                            ("x", "x:第九条/第1款", "第九条/第1款", "第九条", "款", 2, 1, None,
                             "违反本办法的，依照《数安法》的有关规定处罚。", 100, 122, 22)], columns=CLAUSE_COLUMNS)
    ext = ct.extract_citations(clauses)
    assert list(ext["title_written"]) == ["中华人民共和国数据安全法", "数安法"]    # the definition is not a reference
    assert list(ext["title_as_read"]) == ["中华人民共和国数据安全法"] * 2
    assert list(ext["kind"]) == ["legal_basis", "penalty_referral"]


def test_version_in_force_at_the_citing_date(world):
    # 上海市人民代表大会常务委员会规范性文件备案审查条例, adopted 2021-05-21 (between the 2015 and 2023 amendments of the
    # 立法法): its 第一条 cites the 2015 text
    df = cites(world, FILING)
    r = row(df, "第一章/第一条/第1款", "中华人民共和国立法法")
    assert r["citing_date"] == "2021-05-21"
    assert r["cited_doc"] == "宪法相关法/立法法(2015-03-15)"
    # 北京市制定地方性法规条例: promulgation lines stop at 2017, the file is the 2023-07-28 version: the 2023 立法法
    b = row(cites(world, BEIJING), "第一章/第一条/第1款", "中华人民共和国立法法")
    assert b["citing_date"] == "2023-07-28" and b["cited_doc"] == "宪法相关法/立法法(2023-03-13)"


@pytest.mark.parametrize("date, resolution, doc", [
    ("2021-05-21", "resolved", "宪法相关法/立法法(2015-03-15)"),
    ("2023-03-12", "resolved", "宪法相关法/立法法(2015-03-15)"),
    ("2023-03-13", "resolved", "宪法相关法/立法法(2023-03-13)"),
    ("2024-01-01", "resolved", "宪法相关法/立法法(2023-03-13)"),
    ("2010-06-30", "version not in corpus", None),        # in force then: the 2000 text, not held
])
def test_flip_the_citing_date_and_the_version_changes(world, date, resolution, doc):
    dates = pd.DataFrame({"doc_id": [FILING], "citing_date": [date], "citing_date_source": ["test"]}, dtype="string")
    r = row(cites(world, FILING, dates), "第一章/第一条/第1款", "中华人民共和国立法法")
    assert r["resolution"] == resolution
    assert (None if pd.isna(r["cited_doc"]) else r["cited_doc"]) == doc
    if resolution != "resolved":
        assert "2000-03-15" in r["reason"]


def test_flip_remove_genju_and_the_kind_changes(world):
    lcl = world[0]["local"][1]
    c = lcl[(lcl["doc_id"] == DATA_REG) & (lcl["path"] == "第一章/第一条/第1款")].copy()
    assert set(ct.extract_citations(c)["kind"]) == {"legal_basis"}
    c["text"] = c["text"].str.replace("根据", "", regex=False)
    assert set(ct.extract_citations(c)["kind"]) == {"other"}
    # the same sentence outside the first three articles is not a legal basis
    d = lcl[(lcl["doc_id"] == DATA_REG) & (lcl["path"] == "第一章/第一条/第1款")].copy()
    d["path"] = "第一章/第四条/第1款"
    d["order"] = 99
    d["start"] = d["start"] + 100_000
    first = lcl[(lcl["doc_id"] == DATA_REG)].iloc[:1].copy()
    first["path"] = "第一章/第一条/第1款"
    assert set(ct.extract_citations(pd.concat([first, d]))["kind"].iloc[2:]) == {"other"}


def test_flip_penalty_wording():
    base = "由市场监督管理部门依照《中华人民共和国个人信息保护法》的规定进行处罚。"
    assert ct.context_kind(base, base.index("《"), base.index("》") + 1, False) == "penalty_referral"
    flipped = base.replace("进行处罚", "进行监督")
    assert ct.context_kind(flipped, flipped.index("《"), flipped.index("》") + 1, False) == "other"


@pytest.mark.parametrize("a, b", [
    ("《中华人民共和国数据安全法》", "数据安全法"),
    ("最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释", "最高人民法院关于适用《民事诉讼法》的解释"),
    ("最高人民法院关于适用<中华人民共和国民事诉讼法>的解释", "最高人民法院关于适用《民事诉讼法》的解释"),
    ("“互联网＋”行动计划", "互联网+行动计划"),
    ("关于加强数字政府建设的指导意见（国发〔2022〕14号）", "关于加强数字政府建设的指导意见"),
])
def test_title_key(a, b):
    assert ct.title_key(a) == ct.title_key(b)


def test_renamed_table_is_empty_and_the_corpus_states_no_renaming(world):
    # no text of the national corpus states that a law was renamed; the table stays empty (nothing invented)
    assert ct.RENAMED == {}
    nat = world[0]["national"][0]
    heads = nat["text"].str.split("<!-- INFO END -->").str[0]
    assert not heads.str.contains("原名|更名为|名称修改为").any()


def test_graph_counts_kinds():
    df = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "corpus": ["local"] * 4,
                       "cited_title": ["X", "X", None, "X"], "title_as_read": ["X", "X", "Y", "X"],
                       "kind": ["legal_basis", "other", "other", "penalty_referral"],
                       "resolution": ["resolved", "resolved", "not in corpus", "resolved"],
                       "cited_corpus": ["national", "national", None, "national"]})
    g = ct.citation_graph(df)
    assert g.edges["a", "X"] == {"weight": 2, "legal_basis": 1, "penalty_referral": 0, "other": 1}
    assert g.edges["b", "X"]["penalty_referral"] == 1
    assert g.nodes["X"]["kind"] == "cited" and g.nodes["a"]["kind"] == "citing"
    assert g.nodes["Y"]["resolution"] == "not in corpus"


def test_scorer_on_a_toy_labels_table():
    pred = pd.DataFrame({"cite_id": ["c1", "c2", "c3", "c4", "c5"],
                         "kind": ["legal_basis", "legal_basis", "other", "penalty_referral", "other"],
                         "resolution": ["resolved", "resolved", "not in corpus", "resolved", "repealed"],
                         "cited_doc": ["A(2015)", "B", None, "C", None]})
    labels = pd.DataFrame({"cite_id": ["c1", "c2", "c3", "c4", "c5"],
                           "extraction_correct": ["true", "true", "true", "true", "false"],
                           "kind": ["legal_basis", "other", "other", "penalty_referral", "other"],
                           "resolution": ["resolved", "resolved", "not in corpus", "version not in corpus", "repealed"],
                           "cited_doc": ["A(2023)", "B", None, None, None],
                           "missed": [1, 0, 0, 0, 0]})
    s = ct.score_labels(pred, labels).set_index("measure")
    # extraction: 4 of 5 spans right; 1 missed → recall 4 / 5
    assert s.loc["extraction", "precision"] == pytest.approx(0.8)
    assert s.loc["extraction", "recall"] == pytest.approx(0.8)
    lo, hi = s.loc["extraction", ["precision_low", "precision_high"]]
    assert lo == pytest.approx(0.3755, abs=1e-3) and hi == pytest.approx(0.9638, abs=1e-3)   # Wilson, 4/5
    # kinds on the 4 correct spans: legal_basis predicted c1, c2, true c1 → P 1/2, R 1/1
    assert s.loc["kind:legal_basis", ["precision", "recall"]].tolist() == [0.5, 1.0]
    assert s.loc["kind:other", ["precision", "recall"]].tolist() == [1.0, 0.5]
    # resolution: c1 wrong version, c2 right, c3 right, c4 wrong → 2 of 4
    assert s.loc["resolution", "precision"] == pytest.approx(0.5)
    assert s.loc["resolution:resolved", ["tp", "n_predicted", "n_true"]].tolist() == [1, 3, 2]
    assert s.loc["resolution:version not in corpus", "recall"] == 0.0
    assert np.isnan(s.loc["resolution:ambiguous", "precision"])


def test_committed_gold_set_is_the_seeded_draw_without_labels():
    from analysis.tables import load_table

    gold = load_table("citation_gold", typed=False)
    assert len(gold) >= 200
    assert not {"kind", "resolution", "cited_doc", "stratum"} & set(gold.columns)
    cites_ = load_table("citations", typed=False)
    merged = gold.merge(cites_, on=["corpus", "doc_id", "start"], validate="one_to_one")
    assert len(merged) == len(gold)
    # stratified across corpora and kinds
    assert set(merged["corpus"]) == {"national", "local", "cited", "collection"}
    assert set(merged["kind"]) == set(ct.KINDS)
    # the draw is reproducible from the committed table (clause texts from the keys)
    clauses = {}
    for name in ("national", "local", "cited", "collection"):
        sub = gold[gold["corpus"] == name]
        clauses[name] = pd.DataFrame({"doc_id": sub["doc_id"], "path": sub["path"], "text": sub["clause_text"]})
    again = ct.draw_evaluation_set(cites_.astype({"start": "int64"}), clauses)
    assert again["cite_id"].tolist() == gold["cite_id"].tolist()
    assert again["doc_id"].tolist() == gold["doc_id"].tolist()
    assert again["start"].astype(int).tolist() == gold["start"].astype(int).tolist()


def test_packets_show_candidates_but_not_the_resolution(tmp_path):
    gold = pd.DataFrame({"cite_id": ["c001"], "corpus": ["local"], "doc_id": [FILING], "path": ["第一章/第一条/第1款"],
                         "start": [10], "end": [22], "form": ["brackets"], "title_written": ["中华人民共和国立法法"],
                         "clause_text": ["…根据《中华人民共和国立法法》…制定本条例。"]})
    citing = pd.DataFrame({"corpus": ["local"], "doc_id": [FILING], "title": ["备案审查条例"], "citing_date": ["2021-05-21"]})
    nat = pd.DataFrame({"doc_id": ["宪法相关法/立法法(2015-03-15)", "宪法相关法/立法法(2023-03-13)", "行政法/其他法"],
                        "title": ["中华人民共和国立法法"] * 2 + ["中华人民共和国其他法"],
                        "version_date": ["2015-03-15", "2023-03-13", "2020-01-01"]})
    paths = ct.write_packets(gold, tmp_path, citing, nat, n_packets=1)
    text = paths[0].read_text(encoding="utf-8")
    assert "立法法(2015-03-15)" in text and "立法法(2023-03-13)" in text and "其他法" not in text
    assert "2021-05-21" in text
    for hidden in ("legal_basis", "resolved", "version not in corpus"):
        assert hidden not in text


# --------------------------------------------------------------------------- the labelled gold set
def test_every_gold_reference_has_a_final_label_and_the_second_labelling_is_recorded():
    from analysis.tables import load_table

    gold = load_table("citation_gold", typed=False)
    labels = load_table("citation_labels", typed=False)
    fin = ct.final_citation_labels(labels)
    assert sorted(fin["cite_id"]) == sorted(gold["cite_id"])
    assert (labels["round"].astype(str) == "2").sum() >= 100          # a second, independent labelling
    adjudicated = set(labels.loc[labels["round"].astype(str) == "3", "cite_id"])
    assert adjudicated and (fin.set_index("cite_id").loc[sorted(adjudicated), "source"] == "adjudicator").all()


def test_the_evaluation_changes_when_a_label_changes():
    """Mutation check: relabel one correctly resolved reference and the resolution accuracy must fall by one."""
    from analysis.tables import load_table

    cites = load_table("citations", typed=False)
    gold = load_table("citation_gold", typed=False)
    labels = load_table("citation_labels", typed=False)
    base = ct.evaluate_citations(cites, gold, labels).set_index("measure")
    fin = ct.final_citation_labels(labels).set_index("cite_id")
    cid = fin.index[fin["resolution"] == "not in corpus"][0]
    other = labels.copy()
    hit = (other["cite_id"] == cid) & (other["round"].astype(str) == "1")
    other.loc[hit, "resolution"] = "repealed"
    moved = ct.evaluate_citations(cites, gold, other).set_index("measure")
    assert moved.at["resolution", "tp"] == base.at["resolution", "tp"] - 1
    committed = load_table("citation_evaluation", typed=False).set_index("measure")
    assert int(committed.at["resolution", "tp"]) == int(base.at["resolution", "tp"])


# --------------------------------------------------------------------------- cites vs restates (issue 22, item 5)
def test_cites_vs_restates_known_answer_and_flip():
    """上海市数据条例 第一条 names 数据安全法 and 个人信息保护法 as its legal basis (read from the text) and restates
    both; it also restates 网络安全法, which it does not name. Dropping the basis citation flips the row."""
    from analysis.tables import load_table

    nat = national_corpus()
    titles = dict(zip(nat["doc_id"], nat["title"]))
    cites, pairs = load_table("citations", typed=False), load_table("reuse_pairs", typed=False)
    doc = "上海/上海市数据条例(2021-11-25)"
    t = ct.cites_vs_restates(cites, pairs, titles)
    row = t[t["doc_id"] == doc].set_index("national_title")
    for law in ("中华人民共和国数据安全法", "中华人民共和国个人信息保护法"):
        assert row.at[law, "cited_as_basis"] and row.at[law, "restated"] and row.at[law, "restated_articles"] >= 7
    assert not row.at["中华人民共和国网络安全法", "cited_as_basis"] and row.at["中华人民共和国网络安全法", "restated"]
    no_basis = cites[~((cites["doc_id"] == doc) & (cites["cited_title"] == "中华人民共和国个人信息保护法"))]
    flipped = ct.cites_vs_restates(no_basis, pairs, titles)
    f = flipped[flipped["doc_id"] == doc].set_index("national_title")
    assert not f.at["中华人民共和国个人信息保护法", "cited_as_basis"] and f.at["中华人民共和国个人信息保护法", "restated"]
    committed = load_table("cites_restates", typed=False)
    assert len(committed) == len(t)


def test_weighted_evaluation_weights_strata_by_their_share_of_the_table():
    """Two strata, one large and always right, one small and always wrong: the sample rate is 1/2, the table's rate
    is the large stratum's share; an error moved into the large stratum lowers the weighted rate (flip)."""
    table = pd.DataFrame({"corpus": ["local"] * 90 + ["national"] * 10, "kind": ["other"] * 100})
    out = pd.DataFrame({"cite_id": [f"c{i}" for i in range(8)],
                        "stratum": ["local/other"] * 4 + ["national/other"] * 4,
                        "extraction_ok": [True] * 8,
                        "resolution_ok": pd.array([True] * 4 + [False] * 4, dtype="boolean")})
    w = ct.weighted_evaluation(table, out, n_boot=200).set_index("measure")
    assert w.at["resolution accuracy", "sample"] == 0.5
    assert w.at["resolution accuracy", "weighted"] == pytest.approx(0.9)
    assert w.at["extraction precision", "weighted"] == 1.0
    assert w.at["resolution accuracy", "low"] == w.at["resolution accuracy", "high"] == pytest.approx(0.9)
    flipped = out.copy()
    flipped.loc[0, "resolution_ok"] = False
    f = ct.weighted_evaluation(table, flipped, n_boot=200).set_index("measure")
    assert f.at["resolution accuracy", "weighted"] == pytest.approx(0.9 * 0.75)
    assert f.at["resolution accuracy", "low"] < f.at["resolution accuracy", "weighted"]


def test_gold_outcomes_agree_with_the_built_evaluation():
    from analysis.tables import load_table

    c = load_table("citations", typed=False)
    gold, labels = load_table("citation_gold", typed=False), load_table("citation_labels", typed=False)
    o = ct.gold_outcomes(c, gold, labels)
    ev = load_table("citation_evaluation", typed=False).set_index("measure")
    assert int(o["extraction_ok"].sum()) == int(ev.at["extraction", "tp"])
    assert int(o["resolution_ok"].sum()) == int(ev.at["resolution", "tp"])
    assert len(o) == 213 and o["stratum"].nunique() == 11   # collection has no penalty referral
