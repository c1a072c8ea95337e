"""The local-regulation corpus (analysis.corpus.local): reading the archive, and each inference checked on
rows read by hand."""
from __future__ import annotations

import io
import sqlite3
import tarfile

import pandas as pd
import pytest

from analysis.corpus import local
from analysis.corpus.corpora import load_clauses, load_corpus
from analysis.corpus.table import CORPUS_COLUMNS


@pytest.fixture(scope="module")
def corpus():
    return local.local_corpus()


@pytest.fixture(scope="module")
def by_id(corpus):
    return corpus.set_index("doc_id")


def test_size_and_provinces(corpus):
    # 1,925 archive files = 1,911 texts + 7 _index.md stubs + 7 db.sqlite3 (SOURCES.md counts the stubs:
    # 山东 473 files = 472 texts + _index.md, …)
    assert len(corpus) == 1911
    assert corpus["province"].value_counts().to_dict() == {
        "山东": 472, "河南": 418, "浙江": 410, "上海": 233, "北京": 187, "重庆": 103, "广东": 88}
    assert list(corpus.columns[: len(CORPUS_COLUMNS)]) == CORPUS_COLUMNS
    assert corpus["doc_id"].is_unique
    assert (corpus["n_chars"] == corpus["text"].str.len()).all()


def test_load_corpus_dispatches_local(corpus):
    via = load_corpus("local")
    pd.testing.assert_frame_equal(via, corpus)


# rows checked by reading the file's promulgation lines and body
READ = {
    # first line "2021年11月25日 上海市第十五届人民代表大会常务委员会第三十七次会议通过", never amended
    "上海/上海市数据条例(2021-11-25)": dict(issuer="上海市", kind="省级地方性法规", level="province",
                                      adopted="2021-11-25", last_amended=None, version_date="2021-11-25"),
    # "2021年7月8日 商丘市第五届…通过 / 2021年7月30日 河南省第十三届…批准"
    "河南/商丘市黄河故道湿地保护条例(2021-09-06)": dict(issuer="商丘市", kind="设区的市法规", level="city",
                                             adopted="2021-07-08", last_amended=None),
    # adopted 2007-10-31 by 杭州市; last line "2017年7月28日 浙江省…批准的《…关于修改…的决定》修正"
    "浙江/杭州市道路交通安全管理条例(2017-08-10)": dict(issuer="杭州市", kind="设区的市法规",
                                             adopted="2007-10-31", last_amended="2017-07-28"),
    # adopted 1998-08-29, fourth amendment 2017-11-30
    "浙江/浙江省实施《档案法》办法(2017-11-30)": dict(issuer="浙江省", kind="省级地方性法规",
                                           adopted="1998-08-29", last_amended="2017-11-30"),
    # 深圳市人大常委会, under the special-economic-zone power
    "广东/深圳经济特区数据条例(2021-07-06)": dict(issuer="深圳市", kind="经济特区法规", level="city"),
    # adopted by the autonomous county's congress: a 单行条例; its 自治条例 starts with 浙江省 but is the county's
    "浙江/景宁畲族自治县城市管理条例(2015-06-08)": dict(issuer="景宁畲族自治县", kind="单行条例",
                                              level="autonomous county"),
    "浙江/浙江省景宁畲族自治县自治条例(2021-06-15)": dict(issuer="景宁畲族自治县", kind="自治条例"),
    # no promulgation lines: issuer from the title, no dates
    "上海/上海市中小学校学生伤害事故处理条例": dict(issuer="上海市", issuer_evidence="title", adopted=None,
                                          version_date=None),
    # no promulgation lines and a title without a place: unknown, left missing
    "上海/上海港口条例": dict(issuer=None, issuer_evidence="none", kind=None, level=None),
}


@pytest.mark.parametrize("doc_id", sorted(READ))
def test_inferences_on_rows_read_by_hand(by_id, doc_id):
    row = by_id.loc[doc_id]
    for col, expected in READ[doc_id].items():
        got = row[col]
        if expected is None:
            assert pd.isna(got), (doc_id, col, got)
        else:
            assert got == expected, (doc_id, col, got)


def test_completeness_flags_on_rows_read_by_hand(by_id):
    # 北京市数字经济促进条例: "## 第一章 总 则" on lines 7 and 25 (a table of contents first)
    r = by_id.loc["北京/北京市数字经济促进条例(2022-11-25)"]
    assert bool(r["toc_repeated"]) and not bool(r["cut_short"])
    # 山东省中医药条例: 第七十条 is followed by 第七十二条 (no 第七十一条)
    r = by_id.loc["山东/山东省中医药条例(2020-11-27)"]
    assert r["article_gaps"] == 1 and bool(r["cut_short"])
    # 东营市城镇容貌和环境卫生管理条例: ends in a list item "（六）其他玩忽职守…", no commencement article
    r = by_id.loc["山东/东营市城镇容貌和环境卫生管理条例(2016-09-26)"]
    assert not bool(r["has_commencement"]) and bool(r["cut_short"])
    # 上海市数据条例: complete, ends "本条例自2022年1月1日起施行。"
    r = by_id.loc["上海/上海市数据条例(2021-11-25)"]
    assert r["article_gaps"] == 0 and bool(r["has_commencement"]) and not bool(r["cut_short"])
    assert r["n_articles"] == 91


def test_expired_flag_comes_from_the_database(by_id):
    # db.sqlite3 of the 上海 pack: law.expired = 1 for the 2010 version of 上海市住宅物业管理规定 only
    assert bool(by_id.loc["上海/上海市住宅物业管理规定(2010-12-23)", "expired"])
    assert not bool(by_id.loc["上海/上海市住宅物业管理规定(2020-12-30)", "expired"])
    assert int(by_id.loc[by_id["province"] == "上海", "expired"].sum()) == 1


def test_promulgation_dates_change_with_the_lines():
    head = "# X条例\n\n2010年5月4日 X市第十一届人民代表大会常务委员会第十次会议通过\n\n<!-- INFO END -->\n第一条 x\n"
    assert local.promulgation_dates(head) == ("2010-05-04", None)
    amended = head.replace("<!-- INFO END -->",
                           "2015年3月1日 X市第十二届人民代表大会常务委员会第二次会议修正\n\n<!-- INFO END -->")
    assert local.promulgation_dates(amended) == ("2010-05-04", "2015-03-01")
    assert local.promulgation_dates("# X\n\n<!-- INFO END -->\n第一条 x") == (None, None)


def test_cut_short_changes_when_the_last_articles_are_removed(by_id):
    text = by_id.loc["上海/上海市数据条例(2021-11-25)", "text"]
    assert not local.completeness(text)["cut_short"]
    cut = text[: text.index("第八十九条")]
    assert local.completeness(cut)["cut_short"]


def test_kind_rules():
    assert local.kind_of("深圳经济特区数据条例", "深圳市", "广东") == "经济特区法规"
    assert local.kind_of("济南市绿化条例", "济南市", "山东") == "设区的市法规"
    assert local.kind_of("山东省绿化条例", "山东省", "山东") == "省级地方性法规"
    assert local.kind_of("景宁畲族自治县自治条例", "景宁畲族自治县", "浙江") == "自治条例"
    assert local.kind_of("上海市浦东新区绿色金融发展若干规定", "上海市", "上海") == "浦东新区法规"
    assert local.kind_of("某条例", None, "山东") is None


def test_every_text_segments_with_exact_offsets(corpus):
    sample = corpus.iloc[::40]
    clauses = load_clauses(sample)
    texts = dict(zip(sample["doc_id"], sample["text"]))
    assert all(texts[d][a:b] == t for d, a, b, t in
               zip(clauses["doc_id"], clauses["start"], clauses["end"], clauses["text"]))


def test_digital_regulations_are_in_the_corpus(by_id):
    dig = local.digital_regulations()
    assert len(dig) == 17
    assert set(dig["doc_id"]) <= set(by_id.index)
    assert all(by_id.loc[d, "title"] == t for d, t in zip(dig["doc_id"], dig["title"]))
    assert {"上海/上海市数据条例(2021-11-25)", "广东/深圳经济特区数据条例(2021-07-06)"} <= set(dig["doc_id"])


def _tar_with(tmp_path, md_name: str, db_names: list[str]):
    db = tmp_path / "db.sqlite3"
    con = sqlite3.connect(db)
    con.execute('create table category (id text, name text, folder text, isSubFolder int, "group" text, '
                '"order" int)')
    con.execute('create table law (id text, level text, name text, subtitle text, filename text, publish date, '
                'valid_from date, expired int, "order" int, ver int, tags text, category_id text)')
    con.execute("insert into category values ('c', '山东', '地方性法规/山东', 1, '地方法规', null)")
    for i, n in enumerate(db_names):
        con.execute("insert into law values (?, '地方性法规', ?, null, null, '2020-01-01', '', 0, null, 1, null, 'c')",
                    (str(i), n))
    con.commit()
    con.close()
    path = tmp_path / "local.tar.xz"
    with tarfile.open(path, "w:xz") as tf:
        tf.add(db, arcname="DLC/山东地方法规/db.sqlite3")
        data = "# 山东省测试条例\n\n<!-- INFO END -->\n\n第一条 本条例自公布之日起施行。\n".encode("utf-8")
        info = tarfile.TarInfo(f"DLC/山东地方法规/地方性法规/山东/{md_name}")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return path


def test_a_small_archive_reads_and_a_text_without_db_row_is_named(tmp_path):
    ok = _tar_with(tmp_path, "山东省测试条例(2020-01-01).md", ["山东省测试条例"])
    df = local.local_corpus(ok)
    assert list(df["doc_id"]) == ["山东/山东省测试条例(2020-01-01)"]
    assert df.loc[0, "kind"] == "省级地方性法规" and df.loc[0, "db_publish"] == "2020-01-01"
    (tmp_path / "db.sqlite3").unlink()
    sub = tmp_path / "b"
    sub.mkdir()
    bad = _tar_with(sub, "山东省测试条例(2020-01-01).md", ["山东省别的条例"])
    with pytest.raises(ValueError, match="山东省测试条例.*0 rows"):
        local.local_corpus(bad)
