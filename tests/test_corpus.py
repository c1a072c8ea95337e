"""Corpora: cited texts, the report's digest, the policy collection, national law, user folders."""
from __future__ import annotations

import hashlib
import re
import warnings

import pandas as pd
import pytest

from analysis.corpus.clauses import structure
from analysis.corpus.corpora import (
    cited_texts, digest_corpus, digest_principles, load_clauses, load_corpus, national_corpus, policy_collection,
    policy_collection_raw, recover_title,
)
from analysis.corpus.table import CORPUS_COLUMNS
from analysis.paths import RAW_DIR, ROOT

FIXED_IDS = {
    "cybersecurity-law-2016", "data-security-law-2021", "pipl-2021", "ciip-regulation-2021",
    "online-gov-services-regulation-2019", "spc-face-recognition-2021", "shanghai-data-regulation-2021",
    "shenzhen-ai-regulation-2022", "digital-government-guideline-2022", "ai-development-plan-2017",
    "ai-ethics-norms-2021", "ai-standards-guide-2020", "elderly-smart-tech-plan-2020",
}


@pytest.fixture(scope="module")
def cited():
    return cited_texts()


@pytest.fixture(scope="module")
def national():
    return national_corpus()


@pytest.fixture(scope="module")
def collection():
    return policy_collection(include_dropped=True)


def _roundtrip(corpus: pd.DataFrame) -> pd.DataFrame:
    clauses = load_clauses(corpus)
    texts = dict(zip(corpus["doc_id"], corpus["text"]))
    bad = [cid for d, cid, a, b, t in zip(clauses["doc_id"], clauses["clause_id"], clauses["start"],
                                           clauses["end"], clauses["text"]) if texts[d][a:b] != t]
    assert bad == []
    assert clauses["clause_id"].is_unique
    assert set(clauses["doc_id"]) == set(corpus["doc_id"])  # every document yields clauses
    return clauses


# --------------------------------------------------------------------------- cited
def test_cited_ids_and_columns(cited):
    assert set(cited["doc_id"]) == FIXED_IDS
    assert list(cited.columns[: len(CORPUS_COLUMNS)]) == CORPUS_COLUMNS
    for r in cited.itertuples():
        assert r.sha256 == hashlib.sha256(r.text.encode("utf-8")).hexdigest()
        assert r.n_chars == len(r.text)


def test_cited_spreadsheet_rows_are_the_documents(cited):
    t = cited.set_index("doc_id")["text"]
    dg = t["digital-government-guideline-2022"]
    assert dg.startswith("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：")
    assert re.sub(r"\s", "", dg).endswith("国务院2022年6月6日")
    assert "加强数字政府建设" in dg[:100]
    assert t["ai-development-plan-2017"].startswith("人工智能的迅速发展将深刻改变人类社会生活")
    assert "国发〔2017〕35号" not in t["ai-development-plan-2017"]  # covering notice missing
    assert t["ai-ethics-norms-2021"].startswith("新一代人工智能伦理规范")
    assert "制定《国家新一代人工智能标准体系建设指南》" in t["ai-standards-guide-2020"]
    assert "老年人" in t["elderly-smart-tech-plan-2020"][:400]
    assert "制定本实施方案" in t["elderly-smart-tech-plan-2020"][:400]
    # the ethics norms have 25 articles in 6 chapters (第二十五条 is the last)
    s = structure(t["ai-ethics-norms-2021"], "e")
    assert (s["level"] == "条").sum() == 25 and (s["level"] == "章").sum() == 6
    # the pkulaw advertisement lines in that cell are not clauses
    assert "法宝联想：" in t["ai-ethics-norms-2021"]
    assert not load_clauses(cited[cited["doc_id"] == "ai-ethics-norms-2021"])["text"].str.contains("法宝联想").any()


def test_cited_laws_are_the_files(cited):
    row = cited.set_index("doc_id").loc["data-security-law-2021"]
    path = ROOT / row["source_file"]
    assert row["text"] == path.read_text(encoding="utf-8")
    assert row["text"].startswith("# 中华人民共和国数据安全法")


def test_cited_roundtrip(cited):
    _roundtrip(cited)


# --------------------------------------------------------------------------- digest
def test_digest_labels_follow_report():
    d = digest_corpus()
    assert d["section_path"].str.startswith("三").all()
    lab = d.set_index("section_path")[["rule_line", "category"]].drop_duplicates()
    assert lab.loc["三/（二）/2", "category"] == "运营管理"
    assert lab.loc["三/（三）/4", "rule_line"] == "技术规则"
    assert lab.loc["三/（三）/4", "category"] == "区块链"
    common = d[d["rule_line"] == "共性规则"]["category"]
    tech = d[d["rule_line"] == "技术规则"]["category"]
    assert set(common) == {"立项建设", "运营管理", "数据治理", "安全管理", "数字鸿沟"}
    assert set(tech) == {"互联网", "大数据", "人工智能", "区块链"}
    _roundtrip(d)


def test_digest_principles_counts_and_anchors():
    p = digest_principles()
    # the report: 六方面主要应用原则, 四项基本原则, 八大原则, 四点应用规范要求
    assert p.groupby("principle_set").size().to_dict() == {
        "ai-governance-principles": 8, "blockchain-pilot-requirements": 4,
        "data-sharing-principles": 4, "internet-application-principles": 6}
    ai = p[p["principle_set"] == "ai-governance-principles"]
    assert ai["item"].tolist() == ["和谐友好", "公平公正", "包容共享", "尊重隐私", "安全可控", "共担责任",
                                   "开放协作", "敏捷治理"]
    assert ai["page"].unique().tolist() == [33]
    from analysis.corpus.report_text import parse_report
    paras = parse_report().paragraphs.set_index("para_id")["text"]
    for r in p.itertuples():
        assert paras[r.para_id][r.anchor_start:r.anchor_end] == r.anchor
        assert r.item in r.anchor or r.anchor in paras[r.para_id]


# --------------------------------------------------------------------------- collection
def test_collection_raw_counts():
    raw = policy_collection_raw()
    assert (raw["sheet"] == "Central Policies Table").sum() == 166
    assert (raw["sheet"] == "ShanDong Policies Table").sum() == 55
    assert raw["coll_id"].is_unique
    trunc = raw[raw["truncated"]]
    assert (trunc["n_chars"] == 32767).all() and len(trunc) >= 1
    assert (raw.loc[~raw["truncated"], "n_chars"] != 32767).all()


def test_collection_review_decisions(collection):
    c = collection.set_index("doc_id")
    kept = collection[collection["decision"] == "keep"]
    assert len(policy_collection()) == len(kept)
    assert c.loc["central-162", "decision"] == "drop-duplicate"
    assert c.loc["central-162", "duplicate_of"] == "central-007"
    assert c.loc["central-114", "decision"] == "drop-news"
    # every duplicate points to a kept row
    dups = collection[collection["decision"] == "drop-duplicate"]
    assert set(dups["duplicate_of"]) <= set(kept["doc_id"])


def _shingles(t: str) -> set[str]:
    t = re.sub(r"\s+", "", t)[:3000]
    return {t[i:i + 10] for i in range(0, max(len(t) - 9, 1), 3)}


def test_no_near_duplicates_left_in_kept_collection():
    kept = policy_collection()
    sh = [(_shingles(t), d) for t, d in zip(kept["text"], kept["doc_id"])]
    close = []
    for i in range(len(sh)):
        for j in range(i + 1, len(sh)):
            a, b = sh[i][0], sh[j][0]
            if len(a & b) > 0.9 * min(len(a), len(b)):
                close.append((sh[i][1], sh[j][1]))
    assert close == []


def test_collection_dates_checked(collection):
    c = collection.set_index("doc_id")
    # State Council metadata: 国发〔2022〕14号 成文日期 2022-06-06
    assert c.loc["central-056", "sc_date_written"] == "2022-06-06"
    assert bool(c.loc["central-056", "date_reliable"])
    # rows dated 2013 that cite the 20th Party Congress plenums are 2024 documents
    for d in ("central-161", "central-164", "central-166"):
        assert c.loc[d, "release_date"].startswith("2013")
        assert not bool(c.loc[d, "date_reliable"])
    assert not bool(c.loc["central-003", "date_reliable"])  # signed 2013年4月11日, dated 2024


def test_collection_roundtrip():
    _roundtrip(policy_collection())


def test_recover_title():
    assert recover_title("新一代人工智能伦理规范\n\n\u3000\u3000新一代人工智能伦理规范为深入贯彻")[0] == "新一代人工智能伦理规范"
    assert recover_title("各省、自治区：\n为了……")[0] is None
    t, how = recover_title("为落实部署，制定《国家新一代人工智能标准体系建设指南》。\n一、总体要求")
    assert (t, how) == ("国家新一代人工智能标准体系建设指南", "quoted_name")


# --------------------------------------------------------------------------- national
def test_national_corpus(national):
    assert len(national) == 1512
    assert national["doc_id"].is_unique
    assert {"行政法", "行政法规", "司法解释", "部门规章"} <= set(national["category"])
    row = national.set_index("doc_id").loc["行政法/数据安全法(2021-06-10)"]
    assert row["category"] == "行政法" and row["version_date"] == "2021-06-10"
    s = structure(row["text"], "dsl")
    assert (s["level"] == "条").sum() == 55


def test_national_roundtrip(national):
    clauses = _roundtrip(national)
    assert len(clauses) > 100_000


# --------------------------------------------------------------------------- folders
def test_folder_utf8_gb18030_and_metadata(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.md").write_text("# 乙\n第一条 内容。\n", encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_bytes("甲规定\n第一条 数据安全。\n".encode("gb18030"))
    (tmp_path / "table.csv").write_text("x", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,doc_id,year\nsub/a.txt,doc-a,2021\n", encoding="utf-8")
    with pytest.raises(ValueError, match="table.csv"):  # a stray table is named, not skipped
        load_corpus(tmp_path, metadata_csv=meta)
    (tmp_path / "table.csv").unlink()
    with pytest.warns(UnicodeWarning, match="a.txt"):
        df = load_corpus(tmp_path, metadata_csv=meta)
    assert df["doc_id"].tolist() == ["b", "doc-a"]
    assert df["encoding"].tolist() == ["utf-8", "gb18030"]
    assert df.set_index("doc_id").loc["doc-a", "year"] == "2021"
    assert df.set_index("doc_id").loc["doc-a", "text"].startswith("甲规定")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cl = load_clauses(tmp_path, metadata_csv=meta)
    assert set(cl["doc_id"]) == {"b", "doc-a"}


def test_folder_errors_name_the_file(tmp_path):
    (tmp_path / "ok.txt").write_text("正文。", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty.txt"):
        load_corpus(tmp_path)
    (tmp_path / "empty.txt").unlink()
    (tmp_path / "bad.md").write_bytes(b"\x81\x30\xff\xff")
    with pytest.raises(ValueError, match="bad.md"):
        load_corpus(tmp_path)
    (tmp_path / "bad.md").unlink()
    meta = tmp_path / "m.csv"
    meta.write_text("file,doc_id\nmissing.txt,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing.txt"):
        load_corpus(tmp_path, metadata_csv=meta)
    with pytest.raises(FileNotFoundError):
        load_corpus(tmp_path / "nope")


def test_raw_spreadsheet_untouched():
    # reading must not modify the raw snapshot (read-only mode)
    p = RAW_DIR / "xvshiting-policies" / "policies-data.xlsx"
    before = p.stat().st_mtime_ns
    policy_collection_raw()
    assert p.stat().st_mtime_ns == before
