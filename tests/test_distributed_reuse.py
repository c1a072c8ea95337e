"""The text-reuse search over partitions on a LocalCluster of 2 worker processes on 127.0.0.1
(analysis.distributed.run_reuse) gives the pair table of the in-memory analysis.text.reuse.find_reuse."""
import io
import tarfile

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from test_pipeline import _children, client  # noqa: F401  (the 2-worker LocalCluster fixture and its process check)

from analysis.__main__ import main
from analysis.distributed import PipelineError, list_partitions, read_partition, run_reuse
from analysis.distributed import pipeline as pl
from analysis.distributed import reuse as dreuse
from analysis.tables import csv_bytes, table_path
from analysis.text import reuse
from analysis.corpus.corpora import load_clauses, national_corpus
from analysis.corpus.local import local_corpus

pytestmark = pytest.mark.slow

#: local regulations of five provinces, 0.9–1.8 k characters, each with restatements of national law in the
#: committed reuse_pairs.csv (3–8 substantive pairs each)
SAMPLE = ["河南/新乡市大气污染防治条例(2019-07-01)", "山东/菏泽市大气污染防治条例(2016-09-30)",
          "浙江/湖州市禁止销售燃放烟花爆竹规定(2017-10-30)", "山东/山东省机动车非法改装治理和噪声污染防治规定(2021-12-03)",
          "北京/北京市禁止赌博条例", "北京/北京市实施《红十字会法》办法", "广东/广东省城镇华侨房屋征收补偿规定(2021-12-01)"]
EDITED = "北京/北京市实施《红十字会法》办法"
BUILD_ONLY = ["target_title", "coverage_source"]   # find_reuse columns the build does not store


def _write_tar(path, docs: pd.DataFrame):
    with tarfile.open(path, "w:xz") as out:
        for d, text in zip(docs["doc_id"], docs["text"]):
            raw = str(text).encode("utf-8")
            info = tarfile.TarInfo(f"sample/{d}.md")
            info.size = len(raw)
            out.addfile(info, io.BytesIO(raw))


def _substantive_unit(pairs: pd.DataFrame, doc: str) -> str:
    sub = pairs[(pairs["source_doc"] == doc) & (pairs["kind"] == "substantive")]
    return str(sub["source_unit"].iloc[0])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample as a tar.xz, plus a copy of EDITED without its first restated article (doc_id EDITED + '#edited')."""
    loc = local_corpus()
    docs = loc[loc["doc_id"].isin(SAMPLE)][["doc_id", "text"]].reset_index(drop=True)
    assert len(docs) == len(SAMPLE)
    committed = pd.read_csv(table_path("reuse_pairs"), dtype=str, keep_default_na=False)
    row = committed[(committed["source_doc"] == EDITED) & (committed["kind"] == "substantive")].iloc[0]
    text = docs.loc[docs["doc_id"] == EDITED, "text"].iloc[0]
    units = reuse.units(load_clauses(docs[docs["doc_id"] == EDITED]), {EDITED: text})
    u = units[units["unit"] == row["source_unit"]].iloc[0]
    edited = text[:u["start"]] + text[u["end"]:]           # the article's text removed, the rest unchanged
    docs = pd.concat([docs, pd.DataFrame({"doc_id": [EDITED + "#edited"], "text": [edited]})], ignore_index=True)
    docs = docs.sort_values("doc_id", ignore_index=True)
    path = tmp_path_factory.mktemp("reuse") / "sample.tar.xz"
    _write_tar(path, docs)
    return path, docs, row["source_unit"]


@pytest.fixture(scope="module")
def distributed(client, sample):  # noqa: F811
    path, _, _ = sample
    parts = list_partitions(path, partition_bytes=6_000)
    assert len(parts) >= 3
    return run_reuse(path, "national", client=client, partition_bytes=6_000, progress=False)


def test_local_partitions_read_the_local_corpus():
    parts = list_partitions("local")
    docs = pd.concat([read_partition(p) for p in parts], ignore_index=True)
    loc = local_corpus()
    assert len(parts) > 1 and len(docs) == 1911
    assert docs["doc_id"].tolist() == loc["doc_id"].tolist()     # <省>/<file name>, no _index.md stubs
    assert docs["text"].tolist() == loc["text"].tolist()


def test_distributed_reuse_equals_find_reuse(client, sample, distributed):  # noqa: F811
    _, docs, _ = sample
    nat = national_corpus()
    mem = reuse.find_reuse(load_clauses(docs), dict(zip(docs["doc_id"], docs["text"])), load_clauses(nat),
                           dict(zip(nat["doc_id"], nat["text"])), dict(zip(nat["doc_id"], nat["title"])))
    res = distributed
    assert len(res.partitions) >= 3 and res.partitions["n_docs"].sum() == len(docs)
    assert set(res.partitions["worker"]) == set(client.nthreads())   # both workers matched
    assert res.partitions["n_pairs"].sum() == len(res.pairs) > 40
    pd.testing.assert_frame_equal(res.pairs, mem)
    # restatement shares of the gathered pairs, as the build computes them
    body = reuse.body_chars(reuse.units(load_clauses(docs), dict(zip(docs["doc_id"], docs["text"]))), docs["doc_id"])
    pd.testing.assert_frame_equal(res.documents, reuse.restatement_shares(mem, body)[0])
    # and the sample's rows of the committed table (whole local corpus, in memory), byte for byte
    committed = pd.read_csv(table_path("reuse_pairs"), dtype=str, keep_default_na=False)
    want = committed[committed["source_doc"].isin(SAMPLE)]
    got = reuse.stored_pairs(res.pairs[res.pairs["source_doc"].isin(SAMPLE)]).drop(columns=BUILD_ONLY)
    assert len(want) > 40 and csv_bytes(got) == csv_bytes(want)


def test_removing_a_restated_article_removes_its_pairs(sample, distributed):
    _, _, unit = sample
    pairs = distributed.pairs
    key = ["source_unit", "target_doc", "target_unit", "matched", "similarity"]
    orig = pairs[pairs["source_doc"] == EDITED]
    edited = pairs[pairs["source_doc"] == EDITED + "#edited"]
    assert unit == _substantive_unit(pairs, EDITED) and (orig["source_unit"] == unit).any()
    assert not (edited["source_unit"] == unit).any()          # the removed article restates nothing now
    assert len(edited) < len(orig)
    # every other article of the document keeps exactly its pairs
    kept = orig[orig["source_unit"] != unit][key].reset_index(drop=True)
    pd.testing.assert_frame_equal(edited[key].reset_index(drop=True), kept)
    docs = distributed.documents.set_index("doc_id")
    assert docs.at[EDITED + "#edited", "restated_chars"] < docs.at[EDITED, "restated_chars"]


def _flaky_reuse(part, target, marker_dir):
    """partition_reuse that fails the first time it sees a partition (a marker file tells)."""
    marker = marker_dir / f"{part.number}.seen"
    if not marker.exists():
        marker.write_text("1")
        raise OSError(f"transient failure on partition {part.number}")
    return dreuse.partition_reuse(part, target)


cloudpickle.register_pickle_by_value(__import__(__name__))


def test_a_failed_partition_is_retried_then_named(client, tmp_path, sample):  # noqa: F811
    _, docs, _ = sample
    nat = national_corpus()
    small = nat[nat["title"].str.contains("红十字会法|治安管理处罚法", regex=True)]     # a target of a few laws
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(docs.loc[docs["doc_id"] == EDITED, "text"].iloc[0], encoding="utf-8")
    (folder / "b.txt").write_text("   \n", encoding="utf-8")           # empty: cannot be read
    (folder / "c.txt").write_text(docs["text"].iloc[0], encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        run_reuse(folder, small, client=client, partition_bytes=1, progress=False, retries=1)
    assert [name for name, _ in err.value.failures] == [list_partitions(folder, partition_bytes=1)[1].name]
    assert "1 partition(s) failed" in str(err.value) and "b.txt" in str(err.value)
    # a transient failure is retried and the partition's pairs come back
    (folder / "b.txt").unlink()
    parts = list_partitions(folder, partition_bytes=1)
    target = client.submit(dreuse.prepare_target, client.scatter(small), {}, pure=False)
    futs = pl._run(client, _flaky_reuse, parts, retries=1, progress=False, label="", target=target,
                   marker_dir=tmp_path)
    got = reuse.combine_pairs([g["pairs"] for g in client.gather(futs)])
    assert len(got) > 0 and got["source_doc"].tolist() == sorted(got["source_doc"].tolist())
    (tmp_path / "fresh").mkdir()
    with pytest.raises(PipelineError, match="transient failure on partition 0"):
        pl._run(client, _flaky_reuse, parts[:1], retries=0, progress=False, label="", target=target,
                marker_dir=tmp_path / "fresh")
    # a target that cannot be read is named as the target, not as every partition
    with pytest.raises(PipelineError, match="target .*no-such-folder"):
        run_reuse(folder, tmp_path / "no-such-folder", client=client, progress=False, retries=0)


def test_cli_writes_the_pair_table(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    loc = local_corpus().set_index("doc_id")
    for d in SAMPLE[:3]:
        (folder / f"{d.split('/')[1]}.md").write_text(loc.at[d, "text"], encoding="utf-8")
    target = tmp_path / "target"
    target.mkdir()
    nat = national_corpus()
    for d, text in zip(nat["doc_id"], nat["text"]):
        if "大气污染防治法" in d or "烟花爆竹" in d:
            (target / f"{d.replace('/', '_')}.md").write_text(text, encoding="utf-8")
    before = _children()
    out = tmp_path / "out"
    assert main(["pipeline", str(folder), "--reuse", str(target), "--out", str(out), "--workers", "2",
                 "--partition-mb", "0.002", "--quiet"]) == 0
    assert not (_children() - before)
    printed = capsys.readouterr().out
    assert "wrote" in printed and "reuse_pairs.csv" in printed
    import analysis
    src, tgt = analysis.load_corpus(folder), analysis.load_corpus(target)
    mem = reuse.find_reuse(load_clauses(src), dict(zip(src["doc_id"], src["text"])), load_clauses(tgt),
                           dict(zip(tgt["doc_id"], tgt["text"])), dict(zip(tgt["doc_id"], tgt["title"])))
    assert len(mem) > 5
    assert (out / "reuse_pairs.csv").read_bytes() == csv_bytes(mem)
    assert {p.name for p in out.iterdir()} == {"reuse_pairs.csv", "reuse_documents.csv", "reuse_partitions.csv"}
    # options of the counts pipeline are refused with --reuse, before any cluster starts
    assert main(["pipeline", str(folder), "--reuse", str(target), "--topics", "3", "--out", str(tmp_path / "no")]) == 2
    assert "--topics" in capsys.readouterr().err and not (tmp_path / "no").exists()


# --------------------------------------------------------------------------- local × local by blocks (diffusion)
from analysis.distributed import blocked_reuse as blocked  # noqa: E402
from analysis.text import diffusion  # noqa: E402


@pytest.fixture(scope="module")
def small_local():
    """Every 80th of the newest local regulations and one edited copy of each (synthetic_local ×2): 48 documents,
    two of each regulation, so pairs exist across documents, titles and blocks."""
    latest = diffusion.latest_local()
    base = latest.iloc[::80].reset_index(drop=True)
    return blocked.synthetic_local(base, 2)


#: small thresholds, so that the max_df filter, the common-title and the many-titles rules all act on 48 documents
SMALL = dict(max_df=4, common_titles=3, formulaic_titles=2)


@pytest.mark.parametrize("params", [{}, SMALL], ids=["defaults", "small-thresholds"])
def test_blocked_local_reuse_equals_local_pairs(client, small_local, params, tmp_path):  # noqa: F811
    """The blocked Dask path gives diffusion.local_pairs's table byte for byte, over several blocks."""
    mem = diffusion.local_pairs(small_local, **params)
    res = blocked.run_local_reuse(small_local, diffusion.local_titles(small_local), client=client,
                                  block_chars=60_000, work=tmp_path, **params)
    assert res.n_blocks >= 4
    assert len(mem) > 1000 and res.n_pairs == len(mem)
    assert csv_bytes(res.pairs) == csv_bytes(mem)
    # the parts, concatenated in block order, are already the sorted table
    parts = pd.concat([pd.read_pickle(p) for p in res.parts], ignore_index=True)
    assert csv_bytes(parts) == csv_bytes(mem)
    if params:
        kinds = set(mem["formula_kind"].dropna())
        assert {"common", "many_titles"} <= kinds      # the corpus-wide rules were exercised
    # pairs across the two copies of one regulation exist (a copy is a new province's title)
    cross = mem[mem["source_doc"].str.contains("合成") != mem["target_doc"].str.contains("合成")]
    assert len(cross) > 100


def test_blocked_local_reuse_sees_an_edit(client, small_local, tmp_path):  # noqa: F811
    """Flip: a copy's article replaced by filler loses its pairs with the original's article."""
    copy = small_local[small_local["doc_id"].str.contains("合成")].iloc[0]
    units = reuse.units(load_clauses(small_local[small_local["doc_id"] == copy["doc_id"]]),
                        {copy["doc_id"]: copy["text"]})
    u = units.iloc[len(units) // 2]
    edited = small_local.copy()
    text = copy["text"][:u["start"]] + "之" * (u["end"] - u["start"]) + copy["text"][u["end"]:]
    edited.loc[edited["doc_id"] == copy["doc_id"], "text"] = text
    titles = diffusion.local_titles(edited)
    before = blocked.run_local_reuse(small_local, titles, client=client, block_chars=60_000, work=tmp_path / "a")
    after = blocked.run_local_reuse(edited, titles, client=client, block_chars=60_000, work=tmp_path / "b")

    def hit(p):
        return ((p["source_doc"] == copy["doc_id"]) & (p["source_unit"] == u["unit"])).sum()

    assert hit(before.pairs) > 0 and hit(after.pairs) == 0


def test_blocks_are_whole_documents_in_doc_id_order(small_local):
    blocks = blocked.blocks_of(small_local[["doc_id", "text"]], 60_000)
    ids = [d for b in blocks for d in b["doc_id"]]
    assert ids == sorted(small_local["doc_id"])
    assert all(b["text"].str.len().sum() >= 60_000 for b in blocks[:-1])
    with pytest.raises(ValueError, match="occurs more than once"):
        blocked.blocks_of(pd.concat([small_local.iloc[:2], small_local.iloc[:1]]), 60_000)


def test_synthetic_local_copies_are_new_edited_regulations(small_local):
    latest = diffusion.latest_local()
    base = latest.iloc[::80].reset_index(drop=True)
    again = blocked.synthetic_local(base, 2)
    pd.testing.assert_frame_equal(again, small_local)                # deterministic
    n = len(base)
    assert len(small_local) == 2 * n and small_local["doc_id"].is_unique
    orig, cp = small_local.iloc[:n], small_local.iloc[n:].reset_index(drop=True)
    assert sorted(orig["doc_id"]) == sorted(base["doc_id"])
    assert (cp["province"] == orig["province"].to_numpy() + "·合成1").all()
    assert set(diffusion.local_titles(cp).values()).isdisjoint(diffusion.local_titles(orig).values())
    changed = sum(a != b for a, b in zip(orig["text"], cp["text"]))
    assert changed == n                                               # every copy edited
    # about 3 % of the characters edited; the articles (clause structure) kept
    from rapidfuzz.distance import Indel
    ratio = np.mean([Indel.normalized_similarity(a, b) for a, b in zip(orig["text"], cp["text"])])
    assert 0.94 < ratio < 0.995
    for a, b in zip(orig.itertuples(), cp.itertuples()):
        ua = reuse.units(load_clauses(orig[orig["doc_id"] == a.doc_id]), {a.doc_id: a.text})["unit"].tolist()
        ub = reuse.units(load_clauses(cp[cp["doc_id"] == b.doc_id]), {b.doc_id: b.text})["unit"].tolist()
        assert ua == ub, a.doc_id
    with pytest.raises(ValueError, match="at least 1"):
        blocked.synthetic_local(base, 0)


def test_blocked_local_reuse_in_tiny_chunks_is_the_same_and_bounded(client, small_local, tmp_path):  # noqa: F811
    """Chunks of 50 pair rows and merge ranges of at most 50 rows (the boundaries fall inside documents and inside
    a block pair's rows): the same table byte for byte, and no task held more pair rows than the bound — a task that
    held a whole block pair's or a whole source block's rows would hold many times more."""
    chunk = 50
    mem = diffusion.local_pairs(small_local)
    res = blocked.run_local_reuse(small_local, diffusion.local_titles(small_local), client=client,
                                  block_chars=60_000, chunk_rows=chunk, work=tmp_path)
    assert csv_bytes(res.pairs) == csv_bytes(mem)
    parts = [pd.read_pickle(p) for p in res.parts]
    assert csv_bytes(pd.concat(parts, ignore_index=True)) == csv_bytes(mem)
    pt = res.tasks[res.tasks["step"] == "block pairs"]
    mt = res.tasks[res.tasks["step"] == "merge"]
    assert (pt["chunks"] > 2).sum() >= 3                    # many files per block pair
    assert len(mt) > 5 * res.n_blocks                        # many ranges per source block
    # some document's pairs are split across two consecutive ranges (a boundary inside a document)
    full = [x for x in parts if len(x)]
    assert any(a["source_doc"].iloc[-1] == b["source_doc"].iloc[0] for a, b in zip(full, full[1:]))
    # the bound: a block-pair task never holds more than `chunk` rows; a merge one range (at most `chunk` rows, or
    # the rows of one source unit if it has more) plus the file being read (at most `chunk`)
    per_unit = mem.groupby(["source_doc", "source_unit"]).size().max()
    assert res.max_unit_rows >= per_unit
    bound = chunk + max(chunk, res.max_unit_rows)
    assert pt["held_rows"].max() <= chunk
    assert mt["held_rows"].max() <= bound
    assert pt["confirmed"].max() > 5 * bound                 # unchunked, a block pair would break the bound
    assert mt.groupby("block")["rows_in"].sum().max() > 5 * bound
    # every task reports its own CPU and peak memory
    assert (res.tasks["cpu_s"] >= 0).all() and (res.tasks["task_peak_rss"] >= res.tasks["start_rss"]).all()
    assert (res.tasks["task_peak_rss"] > 0).all()


def test_merge_ranges_cover_every_unit_and_keep_a_unit_whole():
    assert blocked._plan_ranges(np.array([3, 0, 5, 60, 2, 2]), 10) == [(0, 3), (3, 4), (4, 6)]
    assert blocked._plan_ranges(np.array([0, 0, 20]), 10) == [(0, 3)]
    assert blocked._plan_ranges(np.array([], dtype=np.int64), 10) == [(0, 0)]
    assert blocked._plan_ranges(np.array([10, 10, 1]), 10) == [(0, 1), (1, 2), (2, 3)]
    assert blocked._plan_ranges(np.array([10, 10, 1]), 11) == [(0, 1), (1, 3)]


def test_sampled_run_measures_a_seeded_sample_of_block_pairs(client, small_local, tmp_path):  # noqa: F811
    """The sampled run draws its block pairs by its seed (same seed, same pairs; another seed, others), and its
    block-pair tasks find exactly the rows the whole run's tasks find for those block pairs."""
    titles = diffusion.local_titles(small_local)
    kw = dict(client=client, block_chars=60_000, chunk_rows=200)
    a = blocked.sample_local_reuse(small_local, titles, n_pairs=4, seed=1, work=tmp_path / "a", **kw)
    b = blocked.sample_local_reuse(small_local, titles, n_pairs=4, seed=1, work=tmp_path / "b", all_stats=False, **kw)
    c = blocked.sample_local_reuse(small_local, titles, n_pairs=4, seed=2, work=tmp_path / "c", **kw)
    full = blocked.run_local_reuse(small_local, titles, work=tmp_path / "full", gather=False, **kw)
    assert a.planned["block pairs"] == full.planned["block pairs"] == a.n_blocks * (a.n_blocks + 1) // 2
    assert a.planned["sampled block pairs"] == b.planned["sampled block pairs"] != c.planned["sampled block pairs"]
    assert len(a.planned["sampled block pairs"]) == 4
    key = ["block", "other", "candidates", "confirmed"]
    fp = full.tasks[full.tasks["step"] == "block pairs"].set_index(["block", "other"])
    for res in (a, b, c):
        got = res.tasks[res.tasks["step"] == "block pairs"][key].set_index(["block", "other"])
        pd.testing.assert_frame_equal(got, fp.loc[got.index, ["candidates", "confirmed"]])
        assert res.n_pairs == got["confirmed"].sum() > 0
        mt = res.tasks[res.tasks["step"] == "merge"]
        assert mt["rows_in"].sum() == got["confirmed"].sum()      # every sampled row merged once
    assert (b.tasks["step"] == "block stats").sum() < (a.tasks["step"] == "block stats").sum() == a.n_blocks
