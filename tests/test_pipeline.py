"""The distributed pipeline (analysis.distributed) on a LocalCluster of 2 worker processes on 127.0.0.1
gives the same tokens, counts, keyness, TF-IDF and clause × term matrix as the in-memory path."""
import io
import tarfile
import zipfile

import cloudpickle
import numpy as np
import pandas as pd
import psutil
import pytest

import analysis
from analysis.distributed import (PipelineError, cluster, list_partitions, matched_cosine, read_partition,
                                  run_pipeline)
from analysis.distributed import pipeline as pl
from analysis.tables import csv_bytes, table_path
from analysis.text import keywords, tokens, topics
from analysis.corpus.corpora import NATIONAL_TAR, national_corpus
from analysis.corpus.folders import load_folder

pytestmark = pytest.mark.slow


def _children():
    """Child processes, except multiprocessing's resource tracker: one helper per interpreter that the
    standard library starts on first use of a process pool and that ends with this process."""
    out = set()
    for p in psutil.Process().children(recursive=True):
        try:
            if "multiprocessing.resource_tracker" not in " ".join(p.cmdline()):
                out.add(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.fixture(scope="module")
def client():
    before = _children()
    with cluster(n_workers=2, dashboard=False, stream=None) as c:
        addrs = list(c.nthreads()) + [c.scheduler.address]
        assert all(a.startswith("tcp://127.0.0.1:") for a in addrs), addrs   # traffic stays on localhost
        assert len(c.nthreads()) == 2
        yield c
    left = _children() - before
    assert not left, f"worker processes left behind: {left}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """60 national-law files spread over the corpus, as a tar.xz (with the archive's top folder) and as a folder."""
    root = tmp_path_factory.mktemp("sample")
    with tarfile.open(NATIONAL_TAR, "r:xz") as tf:   # read while streaming (no seeking back in the xz stream)
        everything = {m.name: tf.extractfile(m).read() for m in tf if m.isfile() and m.name.endswith(".md")}
    data = {name: everything[name] for name in sorted(everything)[::25][:60]}
    archive = root / "sample.tar.xz"
    folder = root / "folder"
    with tarfile.open(archive, "w:xz") as out:
        for name, raw in data.items():
            info = tarfile.TarInfo("sample/" + name.split("/", 1)[1])
            info.size = len(raw)
            out.addfile(info, io.BytesIO(raw))
            (folder / name.split("/", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            (folder / name.split("/", 1)[1]).write_bytes(raw)
    return archive, folder


def test_partitions_read_the_same_documents_as_the_in_memory_loaders(sample, tmp_path):
    archive, folder = sample
    parts = list_partitions(archive, partition_bytes=100_000)
    assert len(parts) > 3 and [p.number for p in parts] == list(range(len(parts)))
    docs = pd.concat([read_partition(p) for p in parts], ignore_index=True)
    mem = analysis.load_corpus(folder)
    assert docs["doc_id"].tolist() == mem["doc_id"].tolist()
    assert docs["text"].tolist() == mem["text"].astype(str).tolist()
    # a zip of the same folder gives the same documents
    z = tmp_path / "s.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(folder.rglob("*.md")):
            zf.write(p, "top/" + p.relative_to(folder).as_posix())
    zdocs = pd.concat([read_partition(p) for p in list_partitions(z, partition_bytes=100_000)], ignore_index=True)
    assert zdocs[["doc_id", "text"]].equals(docs[["doc_id", "text"]])
    # the national archive: every one of the 1,512 files, with national_corpus's doc_ids, in its order
    nat = list_partitions("national")
    assert sum(len(p.members) for p in nat) == 1512
    assert [d for p in nat for d in p.doc_ids()] == national_corpus()["doc_id"].tolist()
    # an in-memory corpus is split on the client
    cited = list_partitions("cited", partition_bytes=50_000)
    assert [d for p in cited for d in p.members] == analysis.load_corpus("cited")["doc_id"].tolist()


def test_distributed_path_equals_in_memory_path(client, sample):
    archive, folder = sample
    clauses = analysis.load_clauses(folder)
    res = run_pipeline(archive, client=client, partition_bytes=100_000, against="national", keep_dtm=True,
                       topics=5, topic_model="lda", progress=False)
    assert len(res.partitions) > 3 and set(res.partitions["worker"]) <= set(client.nthreads())
    # tokens: computed on the workers, identical to tokenize_series in this process
    parts = list_partitions(archive, partition_bytes=100_000)
    got = client.gather(client.map(pl.partition_tokens, parts, pure=False))
    dist_clauses = pd.concat([g[0] for g in got], ignore_index=True)
    dist_tokens = [t for g in got for t in g[1]]
    assert dist_clauses.equals(clauses)
    assert dist_tokens == tokens.tokenize_series(clauses["text"], stop=None, numbers=False).tolist()
    # counts: byte-identical to reference_frequencies
    assert csv_bytes(res.term_counts) == csv_bytes(keywords.reference_frequencies(clauses))
    # keyness on the aggregated counts equals keyness on the in-memory counts
    ref = keywords.reference_counts(keywords.national_term_counts())
    assert res.keyness.equals(keywords.keyness(keywords.token_counts(clauses), ref))
    # TF-IDF: same terms in the same order, same scores (sums in another order: float tolerance)
    mem_tfidf = keywords.tfidf_top_terms(clauses, top_n=20)
    assert res.tfidf["term"].tolist() == mem_tfidf["term"].tolist()
    assert res.tfidf["n_clauses"].tolist() == mem_tfidf["n_clauses"].tolist()
    np.testing.assert_allclose(res.tfidf["tfidf"], mem_tfidf["tfidf"], rtol=1e-12)
    np.testing.assert_allclose(res.tfidf["idf"], mem_tfidf["idf"], rtol=1e-12)
    # the two paths sum in other orders (last digits differ, relative ~1e-15); written at the declared
    # precision (12 significant digits) the files are the same bytes
    assert csv_bytes(res.tfidf) == csv_bytes(mem_tfidf)
    # the clause × term matrix
    dtm, vocab = topics.build_dtm(tokens.tokenize_series(clauses["text"]))
    assert list(res.vocab) == list(vocab)
    assert (res.dtm != dtm).nnz == 0 and res.dtm.shape == dtm.shape
    assert res.clause_id.tolist() == clauses["clause_id"].tolist()
    # streamed online LDA against the in-memory batch fit: matched cosine, well above chance
    # the notebooks' 15 EM iterations (notebook 05's technical note): 2.3× faster than the default here, and
    # the matched cosine is the same (0.57 against 0.57 at the default, measured)
    batch = topics.fit_topic_model(dtm, vocab, 5, max_iter=15)
    m = matched_cosine(batch.phi, res.topics.phi)["cosine"].mean()
    rng = np.random.default_rng(0)
    chance = matched_cosine(batch.phi, rng.dirichlet(np.full(len(vocab), 0.1), size=5))["cosine"].mean()
    assert m > chance + 0.3, (m, chance)
    # MiniBatchNMF streamed on TF-IDF rows weighted with the corpus IDF, against the in-memory NMF
    nmf = run_pipeline(archive, client=client, partition_bytes=100_000, topics=5, topic_model="nmf", passes=5,
                       matrices=True, progress=False)
    m_nmf = matched_cosine(topics.fit_topic_model(dtm, vocab, 5, model="nmf").phi, nmf.topics.phi)["cosine"].mean()
    # initialised on a batch NMF of a uniform clause sample, MiniBatchNMF stays at the batch fit
    assert nmf.topics.kind == "nmf-minibatch" and m_nmf > 0.9, (m_nmf, chance)
    print(f"matched cosine with the in-memory fit: online LDA {m:.2f}, MiniBatchNMF {m_nmf:.2f}; chance {chance:.2f}")


def _plan_rows(plan_pass, sizes):
    """Global row order of one pass of a stream plan (groups of partitions, rows shuffled within a group)."""
    off = np.concatenate([[0], np.cumsum(sizes)])
    return np.concatenate([np.concatenate([np.arange(off[i], off[i + 1]) for i in g])[order] for g, order in plan_pass])


def _in_memory_stream(est, X, plan, sizes, skip=0):
    """Feed an in-memory estimator sklearn's own mini-batches (gen_batches) of each pass's rows, in plan order
    (the first ``skip`` mini-batches left out: already fed)."""
    from sklearn.utils import gen_batches

    for plan_pass in plan:
        Xp = X[_plan_rows(plan_pass, sizes)]
        for sl in gen_batches(Xp.shape[0], est.batch_size):
            if skip:
                skip -= 1
                continue
            est.partial_fit(Xp[sl])
    return est


def test_streamed_topic_models_equal_in_memory_online_fits_on_the_same_minibatches(client, sample, monkeypatch):
    """The streamed fit is exactly an in-memory online fit (same mini-batches, same order, same seed): the only
    difference left from analysis.text.topics is online against batch optimisation."""
    from sklearn.decomposition import NMF, LatentDirichletAllocation, MiniBatchNMF

    archive, folder = sample
    clauses = analysis.load_clauses(folder)
    dtm, vocab = topics.build_dtm(tokens.tokenize_series(clauses["text"]))
    n = dtm.shape[0]
    res = run_pipeline(archive, client=client, partition_bytes=100_000, topics=5, topic_model="lda", passes=2,
                       progress=False)
    sizes = res.partitions["n_clauses"].tolist()
    assert sum(sizes) == n and len(sizes) > 3 and list(res.vocab) == list(vocab)
    seed = pl.DEFAULT_SEED
    plan = pl.stream_order(sizes, passes=2, seed=seed, mix=4)
    assert all(sorted(_plan_rows(pp, sizes)) == list(range(n)) for pp in plan)     # every row once per pass
    assert not np.array_equal(_plan_rows(plan[0], sizes), _plan_rows(plan[1], sizes))  # a new order each pass
    # online LDA: equal to LatentDirichletAllocation(learning_method="online") fed the same mini-batches
    lda = _in_memory_stream(LatentDirichletAllocation(n_components=5, learning_method="online", batch_size=256,
                                                      total_samples=n, random_state=seed, n_jobs=1),
                            dtm.astype(np.float64), plan, sizes)
    np.testing.assert_allclose(res.topics.estimator.components_, lda.components_, rtol=1e-10, atol=0)
    assert res.topics.estimator.n_batch_iter_ == lda.n_batch_iter_ == 1 + 2 * -(-n // 256)
    # without shuffling (mix=0) the stream is sklearn's own in-memory online fit, batches cut across partitions
    vocabs = pl.vocabularies(res.term_counts)
    parts = list_partitions(archive, partition_bytes=100_000)
    futs = pl._run(client, pl.partition_matrices, parts, retries=0, progress=False, label="", vocabs=vocabs)
    ordered = pl._stream_topics(client, futs, vocabs, n, 5, "lda", 2, seed, mix=0)
    fit = LatentDirichletAllocation(n_components=5, learning_method="online", batch_size=256, max_iter=2,
                                    random_state=seed, n_jobs=1).fit(dtm.astype(np.float64))
    np.testing.assert_allclose(ordered.estimator.components_, fit.components_, rtol=1e-10, atol=0)
    # MiniBatchNMF: the partitions are weighted exactly as fit_topic_model weighs the whole matrix for NMF ...
    df = np.asarray((dtm > 0).sum(axis=0)).ravel()
    weighted = topics._weigh("nmf", dtm)
    np.testing.assert_allclose(pl.nmf_weighting(df, n).transform(dtm[:700].astype(np.float64)).toarray(),
                               weighted[:700].toarray(), rtol=1e-12, atol=1e-15)
    # ... and the stream equals MiniBatchNMF fed the same mini-batches, forgetting at fit()'s rate
    # initialised on batch NMF (as fit_topic_model's) of a uniform sample of clauses gathered from the partitions
    # (at most 10,000; here half the clauses, so that the sample is a real subset)
    assert len(pl.nmf_init_rows(sizes, seed=seed)) == min(n, pl.NMF_INIT_ROWS) == min(n, 10_000)
    monkeypatch.setattr(pl, "NMF_INIT_ROWS", n // 2)
    nmf = pl._stream_topics(client, futs, vocabs, n, 5, "nmf", 2, seed, mix=4)
    sample = pl.nmf_init_rows(sizes, seed=seed, rows=n // 2)
    assert len(set(sample)) == n // 2 and len(set(np.searchsorted(np.cumsum(sizes), sample, side="right"))) > 3
    H0 = NMF(n_components=5, init="nndsvda", random_state=seed, max_iter=1000).fit(weighted.tocsr()[sample]).components_
    ref = MiniBatchNMF(n_components=5, init="custom", batch_size=256, random_state=seed, forget_factor=0.7 ** (256 / n))
    first = weighted.tocsr()[_plan_rows(plan[0], sizes)][:256]
    ref.partial_fit(first, W=np.ones((256, 5)), H=H0)
    ref = _in_memory_stream(ref, weighted.tocsr(), plan, sizes, skip=1)
    np.testing.assert_allclose(nmf.estimator.components_, ref.components_, rtol=1e-9, atol=1e-12)
    assert nmf.estimator._rho == pytest.approx(0.7 ** (256 / n))   # not 0.7 per mini-batch
    # changing the corpus changes the topics: the same stream without the last two partitions
    fewer = pl._stream_topics(client, futs[:-2], vocabs, sum(sizes[:-2]), 5, "lda", 2, seed)
    assert not np.allclose(fewer.phi, res.topics.phi, atol=1e-3)
    assert matched_cosine(fewer.phi, res.topics.phi)["cosine"].min() < 0.99
    # and so does the seed (another stream order and initialisation)
    other = pl._stream_topics(client, futs, vocabs, n, 5, "lda", 2, seed + 1)
    assert not np.allclose(other.phi, res.topics.phi, atol=1e-3)
    for f in futs:
        f.release()


def test_distributed_doc_ids_are_load_folders_also_where_files_differ_only_by_suffix(tmp_path):
    clash, plain = tmp_path / "clash", tmp_path / "plain"
    for folder, names in ((clash, ["a.txt", "a.md", "b.txt", "sub/a.txt"]), (plain, ["a.txt", "b.md", "sub/c.txt"])):
        for i, name in enumerate(names):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(f"第一条 第{i}个文件，用于测试文档编号。", encoding="utf-8")
    for folder, want in ((clash, ["a.md", "a.txt", "b", "sub/a"]), (plain, ["a", "b", "sub/c"])):
        mem = load_folder(folder)["doc_id"].tolist()
        assert mem == want
        for pb in (1, 10_000):   # one file per partition, or all in one: named over the whole folder either way
            parts = list_partitions(folder, partition_bytes=pb)
            assert pd.concat([read_partition(p) for p in parts])["doc_id"].tolist() == mem
            assert [d for p in parts for d in p.doc_ids()] == mem
    # an archive of the clashing folder names its members the same way
    z = tmp_path / "clash.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(clash.rglob("*.*")):
            zf.write(p, "top/" + p.relative_to(clash).as_posix())
    assert sorted(pd.concat([read_partition(p) for p in list_partitions(z, partition_bytes=1)])["doc_id"]) == \
        ["a.md", "a.txt", "b", "sub/a"]


def test_distributed_national_counts_equal_the_committed_table(client):
    """The whole shipped national corpus (1,512 files) on 2 workers gives the committed table, byte for byte."""
    res = run_pipeline("national", client=client, matrices=False, progress=False)
    assert res.partitions["n_docs"].sum() == 1512
    assert csv_bytes(res.term_counts) == table_path("national_term_counts").read_bytes()


def _flaky(part, marker_dir):
    """Fails the first time it sees a partition, succeeds the second (a marker file tells)."""
    marker = marker_dir / f"{part.number}.seen"
    if not marker.exists():
        marker.write_text("1")
        raise OSError(f"transient failure on partition {part.number}")
    return part.number


cloudpickle.register_pickle_by_value(__import__(__name__))


def test_a_failed_partition_is_retried_then_named(client, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("第一条 为了规范数据处理活动，制定本法。", encoding="utf-8")
    (folder / "b.txt").write_text("   \n", encoding="utf-8")           # empty: cannot be read
    (folder / "c.txt").write_text("第二条 本法自公布之日起施行。", encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        # check_files=False: the first pass (check_folder) would name b.txt before any partition runs
        run_pipeline(folder, client=client, partition_bytes=1, progress=False, retries=1, check_files=False)
    msg = str(err.value)
    assert "1 partition(s) failed" in msg and "b.txt" in msg and "#1 (1 docs: b.txt)" in msg
    assert [name for name, _ in err.value.failures] == [list_partitions(folder, partition_bytes=1)[1].name]
    # a transient failure is retried and the run completes
    parts = list_partitions(folder, partition_bytes=1)
    futs = pl._run(client, _flaky, parts, retries=1, progress=False, label="", marker_dir=tmp_path)
    assert client.gather(futs) == [0, 1, 2]
    (tmp_path / "fresh").mkdir()
    with pytest.raises(PipelineError, match="transient failure on partition 0"):
        pl._run(client, _flaky, parts[:1], retries=0, progress=False, label="", marker_dir=tmp_path / "fresh")


def test_the_cluster_is_closed_on_error():
    before = _children()
    with pytest.raises(ZeroDivisionError):
        with cluster(n_workers=1, dashboard=False, stream=None) as c:
            assert len(c.nthreads()) == 1
            assert _children() - before
            1 / 0
    assert not (_children() - before)


def test_readme_large_corpora_example_runs_and_leaves_no_process():
    import re
    import warnings

    from analysis.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Large corpora", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    code = code.replace("path/to/my-folder", str(ROOT / "data" / "examples" / "my-corpus"))
    before = _children()
    ns: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)   # the example folder holds a GB18030 file on purpose
        exec(compile(code, "README.md", "exec"), ns)
    res = ns["res"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)
        n_docs = len(analysis.load_corpus(ROOT / "data" / "examples" / "my-corpus"))   # .txt/.md/.docx/.pdf/.html
    assert n_docs == 6   # the example folder's six documents: the distributed path reads what load_folder reads
    assert res.partitions["n_docs"].sum() == n_docs and len(res.keyness) > 0 and res.topics.k == 3
    assert not (_children() - before)


def test_parallel_word_segmentation_gives_identical_tokens(monkeypatch):
    """tokenize_series(jobs=2): cache misses segmented in 2 worker processes, tokens identical."""
    import concurrent.futures

    clauses = analysis.load_clauses("cited")
    texts = clauses["text"].iloc[:400]
    serial = tokens.tokenize_series(texts, cache=False, pos=True)
    monkeypatch.setattr(tokens, "PARALLEL_MIN_CHARS", 0)          # parallel even for a small batch
    pools = []

    class Spy(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *a, **k):
            pools.append(a[0] if a else k.get("max_workers"))
            super().__init__(*a, **k)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    before = _children()
    parallel = tokens.tokenize_series(texts, cache=False, pos=True, jobs=2)
    assert pools == [2]                                            # it really ran in a pool of 2 processes
    assert parallel.tolist() == serial.tolist() and parallel.index.equals(texts.index)
    assert not (_children() - before)
