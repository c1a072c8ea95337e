"""The Dask path's ``"lda-sample"`` topic model (analysis.distributed.pipeline) equals the in-memory batch fit of the
same clause sample, byte for byte, for both engines, and its inferred clause-topic shares equal the in-memory
model's; another seed or another sample size gives other topics."""
import io
import tarfile

import numpy as np
import pytest

import analysis
from analysis.corpus.corpora import NATIONAL_TAR
from analysis.distributed import cluster, run_pipeline
from analysis.distributed import pipeline as pl
from analysis.text import tokens, topics

pytestmark = pytest.mark.slow
pytest.importorskip("tomotopy", reason="tomotopy is not installed (pip install .[topics])")


@pytest.fixture(scope="module")
def client():
    with cluster(n_workers=2, dashboard=False, stream=None) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """24 national-law files spread over the corpus, as a tar.xz, and their in-memory clause × term matrix."""
    root = tmp_path_factory.mktemp("stream")
    with tarfile.open(NATIONAL_TAR, "r:xz") as tf:
        names = sorted(m.name for m in tf if m.isfile() and m.name.endswith(".md"))[::60][:24]
    keep = set(names)
    archive, folder = root / "s.tar.xz", root / "folder"
    with tarfile.open(NATIONAL_TAR, "r:xz") as tf, tarfile.open(archive, "w:xz") as out:
        for m in tf:
            if m.name in keep:
                raw = tf.extractfile(m).read()
                rel = m.name.split("/", 1)[1]
                info = tarfile.TarInfo("s/" + rel)
                info.size = len(raw)
                out.addfile(info, io.BytesIO(raw))
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(raw)
    clauses = analysis.load_clauses(folder)
    dtm, vocab = topics.build_dtm(tokens.tokenize_series(clauses["text"]))
    return archive, dtm, vocab


@pytest.mark.parametrize("engine,max_iter", [("tomotopy", 100), ("sklearn", 10)])
def test_lda_sample_equals_in_memory_fit_of_the_same_rows(client, corpus, engine, max_iter):
    archive, dtm, vocab = corpus
    n = dtm.shape[0]
    opts = {"rows": n // 2, "engine": engine, "max_iter": max_iter, "infer": True}
    res = run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_model="lda-sample",
                       topic_options=dict(opts), keep_dtm=True, progress=False)
    sizes = res.partitions["n_clauses"].tolist()
    assert len(sizes) > 3 and sum(sizes) == n and list(res.vocab) == list(vocab) and (res.dtm != dtm).nnz == 0
    rows = pl.sample_rows(sizes, seed=pl.DEFAULT_SEED, rows=n // 2)
    # a real subset, drawn from several partitions
    assert len(rows) == n // 2 and len(set(np.searchsorted(np.cumsum(sizes), rows, side="right"))) > 3
    mem = topics.fit_topic_model(dtm[rows], vocab, 4, random_state=pl.DEFAULT_SEED, max_iter=max_iter, engine=engine)
    got = res.topics
    assert got.kind == "lda-sample" and got.engine == engine
    assert np.array_equal(got.phi, mem.phi)                        # the same topics, byte for byte
    assert got.theta.shape == (n, 4)
    np.testing.assert_array_equal(got.theta, mem.transform(dtm))   # shares inferred one partition at a time
    # another seed: another sample and another fit
    other = run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_model="lda-sample",
                         topic_options={**opts, "infer": False}, seed=7, progress=False)
    assert not np.allclose(other.topics.phi, got.phi, atol=1e-3)


def test_lda_sample_rejects_unknown_options(client, corpus):
    archive, dtm, _ = corpus
    with pytest.raises(ValueError, match="topic_options for 'lda-sample'"):
        run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_model="lda-sample",
                     topic_options={"passes": 3}, progress=False)


def test_lda_sample_is_the_default_topic_model(client, corpus):
    """run_pipeline(topics=K) and `python -m analysis pipeline --topics K` fit the sample LDA unless told otherwise
    (online LDA's topics are far less coherent: tests/benchmarks/topic_engines.md); online LDA stays available."""
    import inspect

    from analysis.__main__ import main

    archive, dtm, vocab = corpus
    assert inspect.signature(run_pipeline).parameters["topic_model"].default == "lda-sample"
    opts = {"rows": dtm.shape[0] // 2, "max_iter": 50}
    default = run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_options=dict(opts),
                           progress=False)
    explicit = run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_model="lda-sample",
                            topic_options=dict(opts), progress=False)
    assert default.topics.kind == "lda-sample" and default.topics.engine == "tomotopy"
    assert np.array_equal(default.topics.phi, explicit.topics.phi)
    online = run_pipeline(archive, client=client, partition_bytes=60_000, topics=4, topic_model="lda", progress=False)
    assert online.topics.kind == "lda-online"
    # the command line's default, read from its parser (--help names it)
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["pipeline", "--help"])
    assert "{lda-sample,lda,nmf}" in out.getvalue() and "default: the most coherent" in out.getvalue()


def test_missing_engine_stops_the_pipeline_before_any_pass(monkeypatch, corpus, capsys, tmp_path):
    """Without tomotopy the default topic model fails at once (no cluster started), saying what to install and
    which model needs no engine."""
    import sys

    from analysis.__main__ import main

    archive, _, _ = corpus
    monkeypatch.setitem(sys.modules, "tomotopy", None)
    monkeypatch.setattr(pl, "cluster", lambda *a, **k: pytest.fail("a cluster was started"))
    with pytest.raises(ImportError, match=r"pip install \.\[topics\].*topic_model='lda'"):
        run_pipeline(archive, topics=4, progress=False)
    assert main(["pipeline", str(archive), "--out", str(tmp_path / "out"), "--topics", "4", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "pip install .[topics]" in err and "--model lda" in err and "Traceback" not in err
