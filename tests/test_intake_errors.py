"""Issue 19, defects 8, 9, 11 and 12 in unit form: PDF wraps in indented texts, flattened texts with part headings,
articles run together, bad files reported at once, the pipeline's messages for a lost scheduler or worker, file
signatures and Big5. (The fixture-level checks are in ``tests/test_intake_fixtures.py``.)"""
from __future__ import annotations

import warnings
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.corpus.clauses import segment, unwrap
from analysis.corpus.corpora import load_clauses, load_corpus
from analysis.corpus.readers import UnreadableFileError, UnsupportedFileError, decode_text, file_signature
from analysis.distributed import pipeline as pl

W = 28  # characters a printed line


def _printed(par: str, indent: bool = True) -> list[str]:
    """A paragraph as a PDF prints it: W characters a line, the first indented by two ideographic spaces."""
    par = ("\u3000\u3000" if indent else "") + par
    return [par[i:i + W] for i in range(0, len(par), W)]


_FILL = "公职人员依法履行职责受法律保护非因法定事由非经法定程序自2012年起不受政务处分的规定适用于本法所称的监察机关和任免机关单位"


def _law(*articles: str) -> str:
    lines = ["某某法"]
    for a in articles:
        lines += _printed(a)
    return "\n".join(lines) + "\n"


def test_a_printed_line_ending_at_a_semicolon_is_joined_in_an_indented_text():
    end_at_semicolon = "第二条\u3000" + _FILL[:W - 7] + "；" + "坚持惩戒与教育相结合，宽严相济。"
    assert _printed(end_at_semicolon)[0].endswith("；")
    text = _law(*[f"第{n}条\u3000{_FILL}，{_FILL[:20]}。" for n in "一"], end_at_semicolon,
                *[f"第{n}条\u3000{_FILL}，{_FILL[:20]}。" for n in "三四五六七"])
    paths = segment(text, "d")["path"].tolist()
    assert "第二条/第2款" not in paths and "第二条/第1款" in paths
    assert "宽严相济" in unwrap(text).split("\n")[2]


def test_a_wrapped_item_without_a_comma_is_joined_but_not_a_short_title_or_a_signature():
    item = "（一）因故意犯罪被判处管制拘役或者有期徒刑以上刑罚含宣告缓刑的；"   # first printed line: no punctuation
    body = [f"第{n}条\u3000{_FILL}，{_FILL[:20]}。" for n in "一二三四五"]
    text = _law(*body, "第六条\u3000公职人员犯罪，有下列情形之一的，予以开除：", item, "（二）因过失犯罪被判处有期徒刑的。")
    text += "总理\u3000某某\n2012年6月4日\n"
    c = segment(text, "d")
    paths = c["path"].tolist()
    texts = dict(zip(paths, c["text"]))
    assert "宣告缓刑的；" in texts["第六条/第1款/（一）"] and "第六条/第1款/（二）" in paths
    assert texts["第六条/第2款"] == "总理\u3000某某"   # the signature is not joined to the last sentence


def test_a_wrapped_parenthesised_note_is_joined():
    note = ["（2020年6月20日第十三届全国人民代表大会常", "务委员会第十九次会议通过）"]
    text = "某某法\n" + "\n".join(note) + "\n" + "\n".join(
        ln for n in "一二三四五六" for ln in _printed(f"第{n}条\u3000{_FILL}，{_FILL[:20]}。"))
    assert "（2020年6月20日第十三届全国人民代表大会常务委员会第十九次会议通过）" in unwrap(text)


def test_flattened_recovery_goes_on_after_part_headings():
    arts = "".join(f"第{n}条\u3000{_FILL[:30]}。" for n in ("一", "二"))
    arts2 = "".join(f"第{n}条\u3000{_FILL[:30]}。" for n in ("三", "四"))
    arts3 = "".join(f"第{n}条\u3000{_FILL[:30]}。" for n in ("五", "六"))
    text = f"某某规定\n为了规范，制定本规定。一、一般规定{arts}二、证据的要求{arts2}三、附\u3000则{arts3}"
    c = segment(text, "d")
    labels = [p.split("/")[-2].split(":")[-1] for p in c["path"] if "条/" in p]
    assert labels == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]


def test_articles_run_together_warn_whatever_the_length(tmp_path):
    (tmp_path / "a.txt").write_text("某办法\n第一条 总则。\n第二条 内容。第三条 内容。第四条 内容。\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"holding 2\+ article labels.*a:第二条/第1款 \(\d+ characters, 2 article labels"):
        load_clauses(tmp_path)


# --------------------------------------------------------------------------- defect 11: bad files at once
def test_every_bad_file_at_once_and_both_skips(tmp_path):
    (tmp_path / "ok.txt").write_text("第一条 内容。", encoding="utf-8")
    (tmp_path / "old.wps").write_bytes(b"x")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    with pytest.raises(UnsupportedFileError) as e:
        load_corpus(tmp_path)
    msg = str(e.value)
    assert all(n in msg for n in ("old.wps", "empty.txt", "bad.pdf"))
    assert "skip_unsupported=True and skip_unreadable=True" in msg and "Traceback" not in msg
    with pytest.raises(UnreadableFileError, match=r"bad\.pdf(.|\n)*empty\.txt(.|\n)*skip_unreadable=True"):
        load_corpus(tmp_path, skip_unsupported=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        df = load_corpus(tmp_path, skip_unsupported=True, skip_unreadable=True)
    assert df["file"].tolist() == ["ok.txt"] and df.attrs["unreadable_files"] == ["bad.pdf", "empty.txt"]
    assert any("skipped 2 file(s) that cannot be read" in str(w.message) for w in rec)


def test_converted_doc_beside_its_docx_is_left_aside_once(tmp_path):
    import shutil
    from pathlib import Path

    shutil.copy(Path(__file__).parent / "fixtures" / "intake" / "x.docx", tmp_path / "x.docx")
    (tmp_path / "x.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (tmp_path / "y.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")   # not converted: still an error
    with pytest.raises(UnsupportedFileError) as e, pytest.warns(UserWarning, match="converted in place"):
        load_corpus(tmp_path)
    assert "y.doc" in str(e.value) and "x.doc:" not in str(e.value)
    (tmp_path / "y.doc").unlink()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        df = load_corpus(tmp_path)
    said = [str(w.message) for w in rec if "converted" in str(w.message)]
    assert df["file"].tolist() == ["x.docx"] and len(said) == 1 and "x.doc → x.docx" in said[0]
    assert "x.doc" in df.attrs["ignored_files"]


# --------------------------------------------------------------------------- defect 11: the pipeline's messages
def test_scheduler_lost_is_one_sentence_with_the_command_to_resume():
    class FuturesCancelledError(Exception):   # stand-in for distributed.client.FuturesCancelledError
        keys = ["a", "b", "c"]

    try:
        try:
            raise FuturesCancelledError("13 Future(s) were cancelled")
        except FuturesCancelledError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as err:
        assert pl.scheduler_lost(err)
        args = SimpleNamespace(scheduler="tcp://10.0.0.5:8786", out="results/x")
        msg = pl.scheduler_lost_message(err, args, argv=["pipeline", "my docs", "--out", "results/x",
                                                          "--scheduler", "tcp://10.0.0.5:8786"])
    assert msg.startswith("pipeline: the Dask scheduler at tcp://10.0.0.5:8786 was lost mid-run")
    assert "3 task(s) cancelled" in msg and "no result was written to results/x" in msg
    assert "python -m analysis pipeline 'my docs' --out results/x --scheduler tcp://10.0.0.5:8786" in msg
    assert "\n" in msg and "Traceback" not in msg
    assert not pl.scheduler_lost(ValueError("a user's bad file"))


class _StoryClient:
    """A client stub whose scheduler story has partition 1 lost with its worker, then rerun."""

    def story(self, *keys, on_error="raise"):
        ev = []
        for k in keys:
            ev += [("scheduler", k, "released", "waiting", {}, "s0", 0.0),
                   ("scheduler", k, "waiting", "processing", {}, "s1", 0.1)]
            if k == "k1":
                ev += [("scheduler", k, "processing", "released", {}, "handle-worker-cleanup-1.0", 0.2),
                       ("scheduler", k, "released", "waiting", {}, "s2", 0.3),
                       ("scheduler", k, "waiting", "processing", {}, "s3", 0.4)]
            ev.append(("scheduler", k, "processing", "memory", {}, "task-finished-1", 0.5))
            ev.append(("tcp://127.0.0.1:1", k, "ready", "executing", "s4", 0.6))   # a worker's own story: ignored
        return ev


def test_a_lost_worker_is_said_and_every_attempt_recorded():
    futs = [SimpleNamespace(key=f"k{i}") for i in range(3)]
    parts = [SimpleNamespace(number=i) for i in range(3)]
    tried = pl._attempts(_StoryClient(), futs, parts, "pass 1/2")
    assert tried[["partition", "attempt", "status"]].values.tolist() == [
        [0, 1, "done"], [1, 1, "worker lost"], [1, 2, "done"], [2, 1, "done"]]
    msg = pl.lost_worker_message(tried)
    assert msg.startswith("pipeline: a worker was lost mid-run (1 task(s) lost with it) and its partitions were rerun")
    assert "pass 1/2: partition(s) 1" in msg and "partitions.csv" in msg
    stats = pd.DataFrame({"partition": [0, 1, 2], "n_docs": [3, 4, 5]})
    out = pl._with_attempts(stats, [tried])
    assert out[["partition", "attempt", "status"]].values.tolist() == [
        [0, 1, "done"], [1, 1, "worker lost (pass 1/2)"], [1, 2, "done"], [2, 1, "done"]]
    assert out["n_docs"].sum() == 12
    assert pl.lost_worker_message(tried[tried["status"] == "done"]) is None
    assert pl._ended("waiting", "task-erred-1.0") == "error, retried"


# --------------------------------------------------------------------------- defect 12: what a file is
@pytest.mark.parametrize("head,what", [
    (b"\x89PNG\r\n\x1a\n\x00", "a PNG image"), (b"\xff\xd8\xff\xe0", "a JPEG image"), (b"%PDF-1.7\n", "a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an old Office file (Word .doc, .xls or .wps)"),
    (b"PK\x03\x04not really", "a zip archive"), ("第一条".encode(), None)])
def test_file_signatures(head, what):
    assert file_signature(head) == what


def test_old_doc_named_txt_says_so(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(UnreadableFileError, match=r"a\.txt: not text but an old Office file.*soffice.*a\.doc"):
        load_corpus(tmp_path)


def test_big5_and_gb18030_told_apart():
    simplified = "中华人民共和国消费者权益保护法\n第一条 为保护消费者的合法权益，维护社会经济秩序，制定本法。\n" * 3
    traditional = "中華人民共和國消費者權益保護法\n第一條 為保護消費者的合法權益，維護社會經濟秩序，制定本法。\n" * 3
    with pytest.warns(UnicodeWarning, match=r"b\.txt: not UTF-8; detected as Big5"):
        text, enc = decode_text(traditional.encode("big5"), "b.txt")
    assert (text, enc) == (traditional, "big5")
    with pytest.warns(UnicodeWarning, match=r"g\.txt: not UTF-8; decoded as GB18030"):
        text, enc = decode_text(simplified.encode("gb18030"), "g.txt")
    assert (text, enc) == (simplified, "gb18030")


def _dies_once(part, marker):
    """A partition task whose worker process dies the first time it runs partition 1."""
    import os
    import time
    from pathlib import Path

    time.sleep(0.3)
    if part.number == 1 and not Path(marker).exists():
        Path(marker).write_text("1")
        os._exit(1)
    return part.number


@pytest.mark.slow
def test_a_killed_worker_is_rerun_said_and_recorded(tmp_path, capsys):
    """A real LocalCluster of 2 worker processes; the worker running partition 1 dies (about 10 s)."""
    import cloudpickle
    from distributed import Client, LocalCluster

    cloudpickle.register_pickle_by_value(__import__(__name__))
    parts = [SimpleNamespace(number=i, name=f"p#{i}") for i in range(4)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as client:
        tried: list = []
        futs = pl._run(client, _dies_once, parts, retries=0, progress=False, label="pass 1/2: counts",
                       attempts=tried, marker=str(tmp_path / "died"))
        assert client.gather(futs) == [0, 1, 2, 3]
    t = tried[0]
    assert t.loc[t["partition"] == 1, "status"].tolist() == ["worker lost", "done"]
    assert (t.groupby("partition")["status"].last() == "done").all()
    assert "a worker was lost mid-run" in capsys.readouterr().err
