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
