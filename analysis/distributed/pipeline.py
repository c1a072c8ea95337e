"""The corpus pipeline over partitions, on a Dask cluster: clauses → tokens → counts → keyness, TF-IDF, topics.

Library: Dask (``dask`` + ``dask.distributed``), because it is what research clusters already run
(Kubernetes, HPC schedulers through dask-jobqueue, cloud) and a :class:`distributed.LocalCluster`
on a laptop, with retries, a dashboard and a progress bar built in.

Shape (Dask's own guidance): every per-partition step is a plain function of a
:class:`~analysis.distributed.partitions.Partition` (testable without a cluster); the client maps it
over the partitions and aggregates the small results (Counters, sparse matrices, vectors) with a tree
reduction on the workers. No process ever holds all texts.

1. ``partition_counts`` — read the partition, split clauses (:func:`analysis.corpus.corpora.load_clauses`),
   segment words (:func:`analysis.text.tokens.tokenize_series`, ``stop=None, numbers=False``, token cache in
   ``"partition"`` mode: one file per partition, shared by the workers of one machine through the file
   system; on a cluster without a shared disk each worker keeps its own), count term and clause frequency.
   Tree-reduced into the corpus frequency list, identical to
   :func:`analysis.text.keywords.reference_frequencies` of the in-memory path.
2. From the aggregated counts: keyness against a reference list (:func:`analysis.text.keywords.keyness`, on
   counts), the vocabulary of the clause × term matrix (the ``min_df`` of
   :func:`analysis.text.topics.build_dtm`) and the IDF of TF-IDF (:func:`analysis.text.keywords.tfidf_top_terms`).
   Removing stopwords from the ``stop=None`` counts is exact: the token filter drops a stopword without
   changing any other token.
3. ``partition_matrices`` — second pass (tokens from the partition cache): the partition's rows of the
   clause × term matrix with the fixed vocabulary, and its TF-IDF sums per group.
4. Topics that stream over the partition matrices on the client, ``mix`` partitions in memory at a time:
   online LDA (``LatentDirichletAllocation(learning_method="online").partial_fit``) or ``MiniBatchNMF.partial_fit``
   on TF-IDF rows weighted with the corpus IDF, in mini-batches of 256 rows in a seeded shuffled order
   (:func:`stream_order`). The stream is exactly an in-memory online fit fed the same mini-batches (tested); it
   approximates the in-memory *batch* fits of :mod:`analysis.text.topics`, and :func:`matched_cosine` measures
   how closely (tests/benchmarks/topics_stream.md, beside the batch fits' own noise floor).

The text-reuse search over partitions is :mod:`analysis.distributed.reuse` (``run_reuse``).

Failures: a partition task is retried (``retries``, default 2); if it still fails, :class:`PipelineError`
names every failed partition with its error — no partition is dropped silently. The client and a
LocalCluster it started are closed in every case (``with`` blocks).
"""
from __future__ import annotations

import logging
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..text import tokens as wordseg
from .partitions import PARTITION_BYTES, Partition, check_partition, list_partitions, read_partition

DEFAULT_SEED = 20221130


class PipelineError(RuntimeError):
    """One or more partitions failed after their retries; the message names each."""

    def __init__(self, failures: list[tuple[str, BaseException]]):
        self.failures = failures
        lines = [f"  {name}: {type(err).__name__}: {err}" for name, err in failures]
        super().__init__(f"{len(failures)} partition(s) failed after retries:\n" + "\n".join(lines))


_LOST = ("FuturesCancelledError", "FutureCancelledError", "CancelledError", "CommClosedError")


def scheduler_lost(err: BaseException) -> bool:
    """True when ``err`` (or an exception it was raised from) is how the client learns that the Dask scheduler is
    gone: its futures cancelled (``FuturesCancelledError``, ``CancelledError``) or its connection closed."""
    return _lost_cause(err) is not None


def _lost_cause(err: BaseException | None) -> BaseException | None:
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if type(err).__name__ in _LOST:
            return err
        err = err.__cause__ or err.__context__
    return None


def scheduler_lost_message(err: BaseException, args=None, argv: Sequence[str] | None = None) -> str:
    """The sentence the command line prints instead of the traceback when the scheduler died mid-run: what was
    lost, that nothing was written, and the command that resumes (the same command, run again)."""
    import shlex

    argv = list(sys.argv[1:] if argv is None else argv)
    err = _lost_cause(err) or err
    where = getattr(args, "scheduler", None)
    out = getattr(args, "out", None)
    n = len(getattr(err, "keys", None) or ()) if hasattr(err, "keys") else 0
    cancelled = f"; {n} task(s) cancelled" if n else ""
    restart = (f"start the scheduler at {where} and its workers again (dask scheduler / dask worker {where}), then"
               if where else "then")
    return (f"pipeline: the Dask scheduler{' at ' + where if where else ''} was lost mid-run "
            f"({type(err).__name__}{cancelled}): no result was written{' to ' + out if out else ''}. To resume, "
            f"{restart} run the same command again — it starts over from the first pass, and partitions already "
            f"tokenised come from the token cache:\n"
            f"  python -m analysis {' '.join(shlex.quote(a) for a in argv)}")


def lost_worker_message(attempts: pd.DataFrame) -> str | None:
    """What stderr says when workers died mid-run: the partitions whose task was lost with its worker and rerun
    (``attempts``: rows ``pass``, ``partition``, ``attempt``, ``status`` of :func:`_attempts`); None when no task
    was lost."""
    if attempts is None or not len(attempts):
        return None
    lost = attempts[attempts["status"] == "worker lost"]
    if not len(lost):
        return None
    by_pass = "; ".join(f"{p}: partition(s) {', '.join(map(str, sorted(set(g['partition'].astype(int)))))}"
                        for p, g in lost.groupby("pass", sort=False))
    return (f"pipeline: a worker was lost mid-run ({len(lost)} task(s) lost with it) and its partitions were rerun "
            f"on the other workers — {by_pass}. The results are complete; every attempt is recorded in "
            f"partitions.csv (columns attempt, status).")


def _attempts(client, futures: list, parts: Sequence[Partition], label: str) -> pd.DataFrame:
    """Every attempt at each partition task, from the scheduler's transition log (``Client.story``): one row per
    ``processing`` transition, ended ``done`` (memory), ``error`` (erred) or ``worker lost`` (the task left
    ``processing`` for another state: its worker died and the scheduler rescheduled it)."""
    cols = ["pass", "partition", "attempt", "status"]
    try:
        story = client.story(*[f.key for f in futures], on_error="ignore")
    except Exception:   # a scheduler without story(): attempts unknown
        return pd.DataFrame(columns=cols)
    by_key: dict = {}
    for ev in story:
        if ev[0] == "scheduler" and len(ev) >= 6:
            by_key.setdefault(ev[1], []).append((ev[2], ev[3], str(ev[5])))
    rows = []
    for part, fut in zip(parts, futures):
        attempt = 0
        for start, finish, stimulus in by_key.get(fut.key, []):
            if finish == "processing" and start != "processing":
                attempt += 1
                rows.append([label, part.number, attempt, "running"])
            elif start == "processing" and finish != "processing" and rows and rows[-1][1] == part.number:
                rows[-1][3] = _ended(finish, stimulus)
    return pd.DataFrame(rows, columns=cols)


def _ended(finish: str, stimulus: str) -> str:
    """How a task left ``processing``: ``done``, ``error`` (raised; ``retried`` when it is run again), ``cancelled``
    (released by the client) or ``worker lost`` (rescheduled because its worker left)."""
    if finish == "memory":
        return "done"
    if finish == "erred":
        return "error"
    if stimulus.startswith("task-erred"):
        return "error, retried"
    if stimulus.startswith(("client-releases", "client-cancel", "cancel")):
        return "cancelled"
    return "worker lost"


# ============================================================================ per-partition functions
def _peak_rss() -> int:
    """Peak resident memory of this process in bytes (Linux/macOS)."""
    try:
        import resource
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(kb) * (1 if sys.platform == "darwin" else 1024)
    except (ImportError, OSError):  # Windows
        return 0


def _worker_name() -> str:
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def partition_tokens(part: Partition, *, cache: bool | str = "partition") -> tuple[pd.DataFrame, pd.Series, dict]:
    """Clauses and their tokens (``stop=None, numbers=False``) of one partition, with timings.

    Returns
    -------
    clauses : DataFrame (CLAUSE_COLUMNS)
    tokens : Series of lists, aligned with ``clauses``
    info : dict with ``n_docs``, ``n_chars`` (characters of the documents), ``read_s``, ``clauses_s``, ``tokens_s``
    """
    from ..corpus.corpora import load_clauses

    t0 = time.perf_counter()
    docs = read_partition(part)
    t1 = time.perf_counter()
    clauses = load_clauses(docs)   # the in-memory path's own clause step, on this partition's documents
    t2 = time.perf_counter()
    toks = wordseg.tokenize_series(clauses["text"], stop=None, numbers=False, cache=cache)
    t3 = time.perf_counter()
    info = dict(n_docs=len(docs), n_chars=int(docs["text"].str.len().sum()), read_s=t1 - t0,
                clauses_s=t2 - t1, tokens_s=t3 - t2)
    return clauses, toks, info


@dataclass
class Counts:
    """Term counts of one or more partitions (what the tree reduction adds up)."""

    tf: Counter = field(default_factory=Counter)
    df: Counter = field(default_factory=Counter)
    n_clauses: int = 0
    stats: list[dict] = field(default_factory=list)

    def __add__(self, other: "Counts") -> "Counts":
        tf, dfc = Counter(self.tf), Counter(self.df)
        tf.update(other.tf)
        dfc.update(other.df)
        return Counts(tf, dfc, self.n_clauses + other.n_clauses, self.stats + other.stats)


def partition_counts(part: Partition, cache: bool | str = "partition") -> Counts:
    """Term frequency and clause frequency of every token (``stop=None``) in one partition."""
    t0 = time.perf_counter()
    clauses, toks, info = partition_tokens(part, cache=cache)
    tf: Counter = Counter()
    dfc: Counter = Counter()
    for ts in toks:
        tf.update(ts)
        dfc.update(set(ts))
    info.update(partition=part.number, name=part.name, n_clauses=len(clauses), seconds=time.perf_counter() - t0,
                peak_rss=_peak_rss(), worker=_worker_name())
    return Counts(tf, dfc, len(clauses), [info])


def _merge(*parts: Counts) -> Counts:
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


@dataclass
class Vocabularies:
    """What the second pass needs from the aggregated counts."""

    dtm_vocab: np.ndarray            # clause × term matrix columns (build_dtm rules)
    dtm_stop: frozenset[str]
    min_length: int
    tfidf_vocab: np.ndarray          # TF-IDF columns (tfidf_top_terms rules)
    tfidf_idf: np.ndarray
    tfidf_stop: frozenset[str]
    group: str                       # "all" or "folder" (first path component of doc_id)


def _group_of(doc_ids: pd.Series, group: str) -> np.ndarray:
    if group == "all":
        return np.array(["all"] * len(doc_ids), dtype=object)
    if group == "folder":
        return np.array([d.split("/", 1)[0] if "/" in d else "" for d in doc_ids], dtype=object)
    raise ValueError(f"group must be 'all' or 'folder', got {group!r}")


def partition_matrices(part: Partition, vocabs: Vocabularies, cache: bool | str = "partition") -> dict:
    """Second pass over one partition: its clause × term matrix rows and its TF-IDF sums per group.

    Returns
    -------
    dict with ``dtm`` (csr, int64, columns ``vocabs.dtm_vocab``), ``clause_id`` (array), and ``tfidf``:
    group → (sum of L2-normalised TF-IDF rows, clauses containing each term, clauses in the group).
    """
    from ..text.topics import build_dtm

    clauses, toks, _ = partition_tokens(part, cache=cache)
    dtm, _ = build_dtm((list(t) for t in toks), stopwords=vocabs.dtm_stop, min_length=vocabs.min_length,
                       vocabulary=vocabs.dtm_vocab)
    # TF-IDF exactly as TfidfVectorizer(norm="l2", smooth_idf=True) with the corpus IDF
    index = {t: j for j, t in enumerate(vocabs.tfidf_vocab)}
    rows, cols = [], []
    for i, ts in enumerate(toks):
        for t in ts:
            j = index.get(t)
            if j is not None and t not in vocabs.tfidf_stop:
                rows.append(i)
                cols.append(j)
    tf = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(toks), len(index)), dtype=np.float64)
    tf.sum_duplicates()
    X = tf.multiply(vocabs.tfidf_idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ X
    groups = _group_of(clauses["doc_id"], vocabs.group)
    out = {}
    for g in sorted(set(groups)):
        idx = np.flatnonzero(groups == g)
        sub = X[idx]
        out[g] = (np.asarray(sub.sum(axis=0)).ravel(), np.asarray((sub > 0).sum(axis=0)).ravel().astype(np.int64),
                  len(idx))
    return {"dtm": dtm.tocsr(), "clause_id": clauses["clause_id"].to_numpy(dtype=object), "tfidf": out}


def _merge_tfidf(*parts: dict) -> dict:
    out: dict = {}
    for p in parts:
        for g, (s, n, k) in p.items():
            if g in out:
                s0, n0, k0 = out[g]
                out[g] = (s0 + s, n0 + n, k0 + k)
            else:
                out[g] = (s.copy(), n.copy(), k)
    return out


# ============================================================================ cluster
def default_workers() -> int:
    """Worker processes of the default LocalCluster: the machine's usable cores."""
    return wordseg.available_cores()


@contextmanager
def cluster(scheduler: str | None = None, *, n_workers: int | None = None, memory_limit: str | int = "auto",
            dashboard: bool = True, stream=sys.stderr) -> Iterator:
    """A Dask client: connected to ``scheduler`` or to a new LocalCluster, closed on exit (also on error).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``, or a dask-jobqueue cluster's
        ``cluster.scheduler_address``). Only the client is closed on exit; the cluster is the caller's.
    n_workers : int, optional
        LocalCluster worker processes (one thread each); default :func:`default_workers`.
    memory_limit : passed to LocalCluster (per worker).
    dashboard : bool
        Serve the dashboard on ``127.0.0.1`` (a free port, printed on ``stream``); ``False`` for none.
    """
    from distributed import Client, LocalCluster

    local = None
    if scheduler:
        client = Client(scheduler)
    else:
        local = LocalCluster(n_workers=n_workers or default_workers(), threads_per_worker=1, processes=True,
                             # the scheduler's HTTP server (health, metrics; the dashboard when asked) on a
                             # free port of 127.0.0.1, never on 8787 of every interface
                             host="127.0.0.1", dashboard_address="127.0.0.1:0",
                             scheduler_kwargs={"dashboard": bool(dashboard)},
                             memory_limit=memory_limit, silence_logs=logging.ERROR)
        try:
            client = Client(local)
        except BaseException:
            local.close()
            raise
    try:
        if stream is not None:
            link = client.dashboard_link if (scheduler or dashboard) else None
            n = len(client.nthreads())   # asked of the scheduler (scheduler_info()["workers"] can come back empty)
            print(f"dask: {'scheduler ' + scheduler if scheduler else 'LocalCluster'} with {n} worker(s)"
                  + (f"; dashboard {link}" if link else ""), file=stream, flush=True)
        yield client
    finally:
        client.close()
        if local is not None:
            local.close()


def _run(client, fn, parts: Sequence[Partition], *, retries: int, progress: bool, label: str,
         attempts: list | None = None, **kw) -> list:
    """Map ``fn`` over the partitions; wait; name every partition that failed after its retries. With
    ``attempts`` (a list), append the attempts of every task (:func:`_attempts`) and say on stderr when a worker
    was lost and its partitions rerun."""
    from distributed import progress as dask_progress, wait

    futures = client.map(fn, list(parts), retries=retries, pure=False, **kw)
    if progress:
        print(label, file=sys.stderr, flush=True)
        dask_progress(futures, notebook=False)
        print(file=sys.stderr, flush=True)
    wait(futures)
    if attempts is not None:
        tried = _attempts(client, futures, parts, label.split(":")[0] or "pass")
        attempts.append(tried)
        msg = lost_worker_message(tried)
        if msg:
            print(msg, file=sys.stderr, flush=True)
    failures = []
    for part, fut in zip(parts, futures):
        if fut.status == "error":
            failures.append((part.name, fut.exception()))
    if failures:
        for f in futures:
            f.release()
        raise PipelineError(failures)
    return futures


def _folder_of(corpus) -> Path | None:
    """The folder a corpus argument names (not a corpus name, an archive or a table), else None."""
    from ..corpus.corpora import CORPUS_NAMES

    if isinstance(corpus, pd.DataFrame):
        return None
    if str(corpus) in CORPUS_NAMES and not Path(str(corpus)).exists():
        return None
    return Path(corpus) if Path(corpus).is_dir() else None


def check_folder(client, folder: Path, *, partition_bytes: int = PARTITION_BYTES, skip_unsupported: bool = False,
                 skip_unreadable: bool = False, retries: int = 2, cli: bool = False) -> list[str]:
    """Read every file of a folder once on the workers; name every bad file at once, as the loader does.

    Unsupported files (``.doc``, images, …) and unreadable ones (empty, undecodable, corrupt, scanned) stop the
    run with one :class:`analysis.corpus.readers.UnsupportedFileError` / ``UnreadableFileError`` naming them all
    (:func:`analysis.corpus.folders.bad_files_message`), unless skipped (then named in a warning). A text
    identical to an earlier file's (same sha256 of the text read, files in path order) is dropped and named, as
    :func:`analysis.corpus.folders.load_folder` drops it.

    Returns
    -------
    list of str
        The files (relative paths) the run leaves out: skipped unreadable files and identical texts.
    """
    import warnings

    from ..corpus.folders import check_bad_files, folder_documents
    from ..corpus.readers import warn_caller
    from ..corpus.table import _rel

    _, _, unsupported = folder_documents(folder, defer=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = list_partitions(folder, partition_bytes=partition_bytes, skip_unsupported=True)
    futs = client.map(check_partition, parts, retries=retries, pure=False)
    checked = [r for rs in client.gather(futs) for r in rs]
    errors = [err for _, _, err in checked if err is not None]
    check_bad_files(_rel(folder), unsupported, errors, skip_unsupported=skip_unsupported,
                    skip_unreadable=skip_unreadable, cli=cli)
    by_sha, duplicates = {}, {}
    for m, sha, err in checked:
        if sha is None:
            continue
        if sha in by_sha:
            duplicates[m] = by_sha[sha]
        else:
            by_sha[sha] = m
    if duplicates:
        warn_caller(f"{_rel(folder)}: identical texts kept once: "
                    + "; ".join(f"{d} = {k}" for d, k in duplicates.items()))
    return [m for m, sha, _ in checked if sha is None] + list(duplicates)


def _with_attempts(stats: pd.DataFrame, tried: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions table with every attempt: ``attempt`` (which attempt of pass 1 produced the row) and
    ``status`` (``done``) on each partition's row, and one row (``status`` ``worker lost (pass …)``, no sizes or
    timings) per task lost with its worker in any pass."""
    stats = stats.copy()
    stats["attempt"], stats["status"] = 1, "done"
    tried = [t for t in tried if len(t)]
    if not tried:
        return stats
    allt = pd.concat(tried, ignore_index=True)
    done = allt[(allt["status"] == "done") & (allt["pass"] == allt["pass"].iloc[0])]
    stats["attempt"] = stats["partition"].map(dict(zip(done["partition"], done["attempt"]))).fillna(1).astype(int)
    lost = allt[allt["status"] == "worker lost"]
    if len(lost):
        extra = pd.DataFrame({"partition": lost["partition"].to_numpy(), "attempt": lost["attempt"].to_numpy(),
                              "status": [f"worker lost ({p})" for p in lost["pass"]]})
        stats = pd.concat([stats, extra], ignore_index=True).sort_values(["partition", "attempt"], kind="stable")
        stats = stats.reset_index(drop=True)
    return stats


def _tree(client, futures: list, merge, fan_in: int = 4):
    """Reduce futures pairwise-by-``fan_in`` on the workers; return the final future."""
    level = list(futures)
    while len(level) > 1:
        level = [client.submit(merge, *level[i:i + fan_in], pure=False) if len(level[i:i + fan_in]) > 1
                 else level[i] for i in range(0, len(level), fan_in)]
    return level[0]


# ============================================================================ results
@dataclass
class PipelineResult:
    """What :func:`run_pipeline` returns.

    Attributes
    ----------
    term_counts : DataFrame
        As :func:`analysis.text.keywords.reference_frequencies`: ``term, tf, df, n_clauses, dictionary_version``.
    tfidf : DataFrame
        As :func:`analysis.text.keywords.tfidf_top_terms` (group column ``group``: ``all`` or the folder).
    keyness : DataFrame or None
        :func:`analysis.text.keywords.keyness` of the corpus (stopwords removed) against ``against``.
    dtm, vocab, clause_id
        The clause × term matrix (csr, rows in clause order) when ``keep_dtm``; else None.
    topics : TopicModel or None
        The streamed topic model (``kind`` ``"lda-online"`` or ``"nmf-minibatch"``).
    partitions : DataFrame
        One row per partition: size, clauses, timings, peak memory of the worker process, worker.
    seconds : float
        Wall time of the run (cluster start excluded).
    pass_seconds : dict
        Wall time of ``counts`` (pass 1 and its reduction), ``matrices`` (pass 2, TF-IDF, matrix gather) and ``topics``.
    """

    term_counts: pd.DataFrame
    tfidf: pd.DataFrame
    keyness: pd.DataFrame | None
    dtm: sparse.csr_matrix | None
    vocab: np.ndarray
    clause_id: np.ndarray | None
    topics: object | None
    partitions: pd.DataFrame
    seconds: float
    pass_seconds: dict = field(default_factory=dict)


def _term_counts(c: Counts) -> pd.DataFrame:
    from ..text.keywords import REFERENCE_COLUMNS

    terms = sorted(c.tf)
    out = pd.DataFrame({
        "term": pd.array(terms, dtype="string"),
        "tf": np.array([c.tf[t] for t in terms], dtype="int64"),
        "df": np.array([c.df[t] for t in terms], dtype="int64"),
    })
    out["n_clauses"] = np.int64(c.n_clauses)
    out["dictionary_version"] = pd.array([wordseg.dictionary_version()] * len(out), dtype="string")
    out = out.sort_values(["tf", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[REFERENCE_COLUMNS]


def vocabularies(counts: pd.DataFrame, *, min_df: int = 2, stop=wordseg.DEFAULT_STOP, min_length: int = 2,
                 tfidf_min_df: int = 2, group: str = "all") -> Vocabularies:
    """Vocabularies of the second pass from the aggregated ``stop=None`` counts.

    ``dtm_vocab`` is what :func:`analysis.text.topics.build_dtm` keeps for the tokens of ``tokenize_series(stop=stop)``
    with ``min_df`` (an int), ``min_length`` and no numbers; ``tfidf_vocab``/``tfidf_idf`` what
    ``TfidfVectorizer(min_df=tfidf_min_df, smooth_idf=True)`` keeps and weighs in :func:`analysis.text.keywords.tfidf_top_terms`.
    """
    stop_set = wordseg._stop_set(stop)
    terms = counts["term"].astype(str).to_numpy()
    dfs = counts["df"].to_numpy()
    n = int(counts["n_clauses"].iloc[0]) if len(counts) else 0
    not_stop = np.array([t not in stop_set for t in terms], dtype=bool)
    keep_dtm = not_stop & (dfs >= min_df) & np.array(
        [len(t.strip()) >= min_length and any(ch.isalpha() for ch in t) for t in terms], dtype=bool)
    keep_tfidf = not_stop & (dfs >= tfidf_min_df)
    order = np.argsort(terms[keep_tfidf], kind="stable")
    tfidf_terms = terms[keep_tfidf][order]
    idf = np.log((1.0 + n) / (1.0 + dfs[keep_tfidf][order].astype(float))) + 1.0
    return Vocabularies(np.sort(terms[keep_dtm]), frozenset(stop_set), min_length, tfidf_terms, idf,
                        frozenset(stop_set), group)


def _tfidf_table(sums: dict, vocabs: Vocabularies, top_n: int) -> pd.DataFrame:
    rows = []
    terms = vocabs.tfidf_vocab
    for g in sorted(sums):
        s, present, k = sums[g]
        mean = s / k
        order = np.lexsort((terms, -mean))
        order = order[mean[order] > 0][:top_n]
        rows += [(g, r, terms[j], float(mean[j]), int(present[j]), float(vocabs.tfidf_idf[j]))
                 for r, j in enumerate(order, start=1)]
    return pd.DataFrame(rows, columns=["group", "rank", "term", "tfidf", "n_clauses", "idf"])


def matched_cosine(phi_a: np.ndarray, phi_b: np.ndarray) -> pd.DataFrame:
    """Pair the topics of two models one-to-one by maximal total cosine (Hungarian), as
    :func:`analysis.text.topics.topic_stability` does; columns ``topic``, ``matched_topic``, ``cosine``."""
    from scipy.optimize import linear_sum_assignment

    from ..text.topics import _cosine

    sim = _cosine(np.asarray(phi_a, float), np.asarray(phi_b, float))
    r, c = linear_sum_assignment(-sim)
    return pd.DataFrame({"topic": r, "matched_topic": c, "cosine": sim[r, c]})


#: scikit-learn's mini-batch size for both streamed models (its default for MiniBatchNMF; LDA's default is 128).
BATCH_SIZE = 256
#: Clauses of the uniform sample on which the streamed MiniBatchNMF is initialised (a batch NMF fit, nndsvda).
NMF_INIT_ROWS = 10_000


def stream_order(sizes: Sequence[int], *, passes: int = 1, seed: int = DEFAULT_SEED, mix: int = 4
                 ) -> list[list[tuple[list[int], np.ndarray]]]:
    """The order in which :func:`run_pipeline` streams the rows of the partition matrices into a topic model.

    Partitions come in ``doc_id`` order, which in a legal corpus is subject order (行政法 … 经济法 …); an online
    learner fed subject after subject drifts towards the last subjects. So every pass takes the partitions in a
    new seeded random order, ``mix`` at a time (a shuffle buffer of ``mix`` partitions on the client), and
    shuffles the rows of each group (``numpy.random.default_rng(seed)``, one generator for the whole plan).

    Parameters
    ----------
    sizes : rows of each partition matrix, in partition order
    passes, seed, mix : as for :func:`run_pipeline` (``mix=1``: one partition at a time; ``mix=0``: no shuffling,
        partitions and rows in corpus order, one partition at a time)

    Returns
    -------
    For each pass, a list of groups ``(partition numbers, row order)``: the group's matrices are stacked in the
    listed order and their rows taken in ``row order`` (a permutation of the stacked rows).
    """
    if passes < 1 or mix < 0:
        raise ValueError(f"passes must be at least 1 and mix at least 0, got passes={passes}, mix={mix}")
    if mix == 0:
        return [[([i], np.arange(n)) for i, n in enumerate(sizes)] for _ in range(passes)]
    rng = np.random.default_rng(seed)
    plan = []
    for _ in range(passes):
        parts = [int(i) for i in rng.permutation(len(sizes))]
        groups = [parts[a:a + mix] for a in range(0, len(parts), mix)]
        plan.append([(g, rng.permutation(int(sum(sizes[i] for i in g)))) for g in groups])
    return plan


#: Clauses of the uniform sample on which the ``"lda-sample"`` topic model is fitted (a batch fit).
SAMPLE_ROWS = 20_000


def sample_rows(sizes: Sequence[int], *, seed: int = DEFAULT_SEED, rows: int = SAMPLE_ROWS) -> np.ndarray:
    """Row numbers (of the stacked partition matrices, i.e. clause order; sorted) of a uniform random sample of
    ``rows`` clauses (all rows if the corpus is smaller), seeded by ``seed``; the ``"lda-sample"`` topic model is
    fitted on it. The same rows as :func:`nmf_init_rows` for the same ``rows``."""
    return nmf_init_rows(sizes, seed=seed, rows=rows)


def nmf_init_rows(sizes: Sequence[int], *, seed: int = DEFAULT_SEED, rows: int = NMF_INIT_ROWS) -> np.ndarray:
    """Row numbers (of the stacked partition matrices, sorted) of the uniform random sample of ``rows`` clauses on
    which the streamed MiniBatchNMF is initialised (all rows if the corpus is smaller); seeded by ``seed``."""
    n = int(sum(sizes))
    rng = np.random.default_rng([seed, 1])   # a stream of its own, apart from stream_order's
    return np.sort(rng.choice(n, size=min(rows, n), replace=False))


def nmf_initial_components(X, k: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Initial topics of the streamed MiniBatchNMF: ``components_`` of the in-memory configuration of
    :func:`analysis.text.topics.fit_topic_model` (``NMF(init="nndsvda", max_iter=1000)``) fitted on ``X``, the
    TF-IDF rows of a uniform sample of clauses (:func:`nmf_init_rows`)."""
    from sklearn.decomposition import NMF
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000).fit(X).components_


def _minibatches(plan, fetch, batch_size: int) -> Iterator[tuple[int, sparse.csr_matrix]]:
    """Mini-batches of ``batch_size`` rows along ``plan`` (:func:`stream_order`), cut across partition and group
    boundaries as ``sklearn.utils.gen_batches`` cuts one in-memory matrix; the last one of a pass may be smaller.
    Yields ``(pass number, batch)``; ``fetch(i)`` returns partition ``i``'s matrix."""
    for p, groups in enumerate(plan):
        carry = None
        for g, order in groups:
            X = sparse.vstack([fetch(i) for i in g], format="csr")[order]
            if carry is not None:
                X = sparse.vstack([carry, X], format="csr")
            n_full = X.shape[0] // batch_size * batch_size
            for a in range(0, n_full, batch_size):
                yield p, X[a:a + batch_size]
            carry = X[n_full:] if n_full < X.shape[0] else None
        if carry is not None:
            yield p, carry


def topic_estimator(model: str, k: int, n_samples: int, *, seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE,
                    **options):
    """The scikit-learn estimator the pipeline streams mini-batches into (``partial_fit``), one per mini-batch.

    ``"lda"``: ``LatentDirichletAllocation(learning_method="online", total_samples=n_samples, n_jobs=1)``, sklearn's
    defaults otherwise (``learning_decay=0.7``, ``learning_offset=10``). ``"nmf"``: ``MiniBatchNMF(init="custom")``,
    initialised by the pipeline with :func:`nmf_initial_components` (``init="nndsvda"`` would initialise it on the
    first mini-batch alone: 256 clauses, and streamed topics that vary with the seed from 0.4 to 0.8 matched cosine
    with the batch fit; ``options={"init": "nndsvda"}`` gives that back). ``MiniBatchNMF.partial_fit`` sets its
    forgetting rate from the *first call's* rows (``forget_factor ** (batch_size / rows of the first call)``, i.e.
    0.7 per mini-batch when fed mini-batches: the past is forgotten after a few batches), whereas ``fit`` uses
    ``forget_factor ** (batch_size / n_samples)``. The forget factor passed here is ``forget_factor ** (batch_size /
    n_samples)``, so that streaming forgets at the rate ``fit`` would on the whole matrix. ``options`` go to the
    estimator (e.g. ``learning_decay``, ``learning_offset``, ``forget_factor``, ``init``).
    """
    from sklearn.decomposition import LatentDirichletAllocation, MiniBatchNMF

    if model == "lda":
        return LatentDirichletAllocation(n_components=k, learning_method="online", total_samples=n_samples,
                                         batch_size=batch_size, random_state=seed, n_jobs=1, **options)
    if model == "nmf":
        ff = options.pop("forget_factor", 0.7) ** (batch_size / max(n_samples, 1))
        options.setdefault("init", "custom")
        return MiniBatchNMF(n_components=k, batch_size=batch_size, random_state=seed, forget_factor=ff, **options)
    raise ValueError(f"model must be 'lda' or 'nmf', got {model!r}")


def nmf_weighting(df: np.ndarray, n_samples: int):
    """The TF-IDF weighting of :func:`analysis.text.topics.fit_topic_model`'s NMF (``TfidfTransformer(norm="l2")``,
    smooth IDF) with the IDF of the whole corpus (``df``: clauses containing each column's term), so that it can
    be applied to one partition's rows. The transformer's ``idf_`` is set, not fitted."""
    from sklearn.feature_extraction.text import TfidfTransformer

    tt = TfidfTransformer(norm="l2", sublinear_tf=False)
    tt.idf_ = np.log((1.0 + n_samples) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
    tt.n_features_in_ = len(tt.idf_)
    return tt


def _stream_topics(client, futures: list, vocabs: Vocabularies, n_clauses: int, k: int, model: str,
                   passes: int, seed: int, mix: int = 4, options: dict | None = None):
    """Fit a topic model on the client from mini-batches of the partition matrices (:func:`stream_order`), at most
    ``mix`` partition matrices in memory at a time; MiniBatchNMF first initialised on a sample of clauses
    gathered from every partition (:func:`nmf_init_rows`, :func:`nmf_initial_components`)."""
    from threadpoolctl import threadpool_limits

    from ..text.topics import TopicModel, _row_normalise

    if model == "lda-sample":
        return _sample_topics(client, futures, vocabs, k, seed, dict(options or {}))
    est = topic_estimator(model, k, n_clauses, seed=seed, **(options or {}))
    t0 = time.perf_counter()
    sizes = [int(n) for n in client.gather([client.submit(lambda d: d["dtm"].shape[0], f, pure=False)
                                             for f in futures])]
    weigh = None
    if model == "nmf":
        dfs = np.sum(client.gather([client.submit(lambda d: np.asarray((d["dtm"] > 0).sum(axis=0)).ravel(), f,
                                                  pure=False) for f in futures]), axis=0)
        weigh = nmf_weighting(dfs, n_clauses)

    def fetch(i):
        X = client.submit(lambda d: d["dtm"], futures[i], pure=False).result().astype(np.float64)
        return weigh.transform(X) if weigh is not None else X

    init = {}
    if model == "nmf" and est.init == "custom":
        rows, off = nmf_init_rows(sizes, seed=seed, rows=NMF_INIT_ROWS), np.concatenate([[0], np.cumsum(sizes)])
        picks = [rows[(rows >= off[i]) & (rows < off[i + 1])] - off[i] for i in range(len(futures))]
        sample = client.gather([client.submit(lambda d, r: d["dtm"][r], f, r, pure=False)
                                for f, r in zip(futures, picks) if len(r)])
        init["H"] = nmf_initial_components(weigh.transform(sparse.vstack(sample, format="csr").astype(np.float64)),
                                           k, seed)
    with threadpool_limits(limits=1):
        for _, X in _minibatches(stream_order(sizes, passes=passes, seed=seed, mix=mix), fetch, est.batch_size):
            if init:   # first call: W is required with init="custom" but not used (partial_fit solves W itself)
                est.partial_fit(X, W=np.ones((X.shape[0], k)), H=init.pop("H"))
            else:
                est.partial_fit(X)
    phi = _row_normalise(est.components_)
    return TopicModel(kind=f"{model}-{'online' if model == 'lda' else 'minibatch'}", k=k, phi=phi,
                      theta=np.zeros((0, k)), vocab=np.asarray(vocabs.dtm_vocab, dtype=str), estimator=est,
                      random_state=seed, seconds=time.perf_counter() - t0)


def _sample_topics(client, futures: list, vocabs: Vocabularies, k: int, seed: int, options: dict):
    """The ``"lda-sample"`` topic model: a batch LDA (:func:`analysis.text.topics.fit_topic_model`) of a uniform
    sample of clauses gathered from every partition (:func:`sample_rows`); with ``infer`` the topic shares of every
    clause, inferred on the client one partition at a time (clause order)."""
    from ..text.topics import TopicModel, fit_topic_model

    rows_n = int(options.pop("rows", SAMPLE_ROWS))
    engine = options.pop("engine", "tomotopy")
    max_iter = options.pop("max_iter", None)
    infer = bool(options.pop("infer", False))
    if options:
        raise ValueError(f"topic_options for 'lda-sample': rows, engine, max_iter, infer; got {sorted(options)}")
    t0 = time.perf_counter()
    sizes = [int(n) for n in client.gather([client.submit(lambda d: d["dtm"].shape[0], f, pure=False)
                                             for f in futures])]
    rows, off = sample_rows(sizes, seed=seed, rows=rows_n), np.concatenate([[0], np.cumsum(sizes)])
    picks = [rows[(rows >= off[i]) & (rows < off[i + 1])] - off[i] for i in range(len(futures))]
    sample = client.gather([client.submit(lambda d, r: d["dtm"][r], f, r, pure=False)
                            for f, r in zip(futures, picks) if len(r)])
    vocab = np.asarray(vocabs.dtm_vocab, dtype=str)
    m = fit_topic_model(sparse.vstack(sample, format="csr"), vocab, k, model="lda", random_state=seed,
                        max_iter=max_iter, engine=engine)
    theta = np.zeros((0, k))
    if infer:
        theta = np.vstack([m.transform(client.submit(lambda d: d["dtm"], f, pure=False).result()) for f in futures])
    return TopicModel(kind="lda-sample", k=k, phi=m.phi, theta=theta, vocab=vocab, estimator=m.estimator,
                      random_state=seed, seconds=time.perf_counter() - t0, engine=m.engine)


def run_pipeline(corpus, *, client=None, scheduler: str | None = None, n_workers: int | None = None,
                 partition_bytes: int = PARTITION_BYTES, against: str | pd.DataFrame | None = None,
                 stop=wordseg.DEFAULT_STOP, min_df: int = 2, top_n: int = 20, group: str = "all",
                 topics: int | None = None, topic_model: str = "lda-sample", passes: int = 1, seed: int = DEFAULT_SEED,
                 mix: int = 4, topic_options: dict | None = None,
                 keep_dtm: bool = False, matrices: bool = True, retries: int = 2, progress: bool = True,
                 dashboard: bool = True, cache: bool | str = "partition", skip_unsupported: bool = False,
                 skip_unreadable: bool = False, check_files: bool = True, cli: bool = False) -> PipelineResult:
    """Run the corpus pipeline over partitions on a Dask cluster.

    Parameters
    ----------
    corpus : str, path-like or DataFrame
        See :func:`analysis.distributed.partitions.list_partitions`.
    client : distributed.Client, optional
        Use this client (not closed). Otherwise one is made by :func:`cluster` from ``scheduler`` / ``n_workers``
        (a LocalCluster sized to the machine by default) and closed at the end, also on error.
    partition_bytes : int
        Text bytes per partition; a worker's memory grows with this, not with the corpus.
    against : "national", a frequency table or None
        Reference for keyness: ``"national"`` is the committed ``national_term_counts`` table; a DataFrame
        in the :func:`analysis.text.keywords.reference_frequencies` format (e.g. another run's ``term_counts``).
    stop : stopword kinds, removed for keyness, TF-IDF and the matrix (counts keep every token).
    min_df : int
        Clauses a term needs to become a matrix column (as :func:`analysis.text.topics.build_dtm`).
    top_n, group
        TF-IDF terms per group; groups ``"all"`` or ``"folder"`` (first path component of ``doc_id``).
    topics : int, optional
        Fit a topic model with this many topics. ``topic_model`` ``"lda-sample"`` (the default): a batch LDA by
        :func:`analysis.text.topics.fit_topic_model` of a uniform sample of clauses gathered from every partition
        (:func:`sample_rows`), equal to the in-memory fit of the same rows; ``topic_options``: ``rows`` (default
        :data:`SAMPLE_ROWS`), ``engine`` (default ``"tomotopy"``, checked before the first pass), ``max_iter``,
        ``infer`` (``True``: the topic shares of every clause in ``topics.theta``, inferred one partition at a
        time). ``"lda"`` (online LDA) or ``"nmf"`` (MiniBatchNMF on TF-IDF): streamed over every clause, built by
        :func:`topic_estimator` with ``topic_options`` (e.g. ``learning_decay``, ``forget_factor``); each equals the
        in-memory scikit-learn estimator fed the same mini-batches (``partial_fit``), so it differs from
        :func:`analysis.text.topics.fit_topic_model` only by online against batch optimisation. The sample fit is
        the default because online LDA's topics are far less coherent by NPMI (national corpus, 3 seeds: 0.088 /
        0.075 at K = 10 / 20 against 0.177 / 0.181 for the sample fit, whose range holds the whole-corpus batch
        fit's 0.190 at K = 20; tests/benchmarks/topic_engines.md).
    passes : int
        Times the model sees every clause. Each pass reads every partition matrix again (from the workers' memory)
        in a new seeded order; it costs one streamed fit each (about 2 s per 30,000 clauses for LDA with K = 10).
    mix : int
        Partitions whose rows are shuffled together (a shuffle buffer on the client; :func:`stream_order`); the
        partitions come in a new seeded random order each pass. ``0`` feeds them in corpus order (subject after
        subject in a legal corpus, on which online fits drift to the last subjects).
    seed : int
        Stream order and the estimator's ``random_state``.

        How close the streamed topics are to the in-memory batch fit is measured by :func:`matched_cosine`: topics
        paired one-to-one by maximal total cosine of their term distributions (Hungarian), the mean cosine over
        pairs (1 = the same topics; random topics give about 0.05). Compare it with the noise floor — the batch
        fit against itself with another seed — not with 1. On two 300-file national-law samples (K = 10,
        tests/benchmarks/topics_stream.md): batch LDA against another seed 0.63; streamed online LDA 0.45–0.46
        with 1 pass, 0.48–0.50 with 3; MiniBatchNMF 0.91–0.99, where NMF from another initialisation gives
        0.85–0.93. Defaults (``mix=4``, ``passes=1``, scikit-learn's learning rates) were chosen on these two
        samples; 3 passes gain about 0.03 for LDA at three times the client's fitting time.
    keep_dtm : bool
        Gather the clause × term matrix into the result (it is sparse; the texts never are).
    matrices : bool
        Run the second pass (matrix, TF-IDF, topics); ``False`` stops after the counts and keyness.
    retries : int
        Retries of a failed partition task before it is named in :class:`PipelineError`.
    progress : bool
        Dask's progress bar on stderr, and the dashboard address.
    cache : True, False or "partition"
        Token cache mode (:func:`analysis.text.tokens.tokenize_series`).
    skip_unsupported, skip_unreadable : bool
        For a folder: leave out (and name in a warning) files in unsupported formats / files that cannot be read,
        as :func:`analysis.corpus.folders.load_folder` does; otherwise one error names every such file
        (:func:`check_folder`).
    check_files : bool
        For a folder: read every file once before the passes (:func:`check_folder`) to name every bad file at
        once and drop identical texts, as the loader does. ``False`` leaves a bad file to fail its partition.
    cli : bool
        Messages name the command line's options (``--skip-unsupported``) instead of the keywords.

    Returns
    -------
    PipelineResult
    """
    if topics and topic_model == "lda-sample":   # before any pass: a missing engine is named, with what to install
        from ..text.topics import require_engine

        engine = (topic_options or {}).get("engine", "tomotopy")
        try:
            require_engine(engine)
        except ImportError as err:
            other = "--model lda" if cli else "topic_model='lda'"
            raise ImportError(f"{err}; or choose another topic model: {other} (online LDA)") from err
    if client is None:
        with cluster(scheduler, n_workers=n_workers, dashboard=dashboard,
                     stream=sys.stderr if progress else None) as c:
            return run_pipeline(corpus, client=c, partition_bytes=partition_bytes, against=against, stop=stop,
                                min_df=min_df, top_n=top_n, group=group, topics=topics, topic_model=topic_model,
                                passes=passes, seed=seed, mix=mix, topic_options=topic_options, keep_dtm=keep_dtm,
                                matrices=matrices, retries=retries, progress=progress, cache=cache,
                                skip_unsupported=skip_unsupported, skip_unreadable=skip_unreadable,
                                check_files=check_files, cli=cli)
    from ..text import keywords

    t0 = time.perf_counter()
    folder = _folder_of(corpus)
    exclude: list[str] = []
    if folder is not None and check_files:
        exclude = check_folder(client, folder, partition_bytes=partition_bytes, skip_unsupported=skip_unsupported,
                               skip_unreadable=skip_unreadable, retries=retries, cli=cli)
    if folder is not None:
        import warnings

        with warnings.catch_warnings():
            if check_files:   # the skipped files were named by check_folder
                warnings.simplefilter("ignore")
            parts = list_partitions(corpus, partition_bytes=partition_bytes, exclude=exclude,
                                    skip_unsupported=skip_unsupported)
    else:
        parts = list_partitions(corpus, partition_bytes=partition_bytes)
    tried: list[pd.DataFrame] = []
    futs = _run(client, partition_counts, parts, retries=retries, progress=progress,
                label=f"pass 1/2: clauses, tokens, counts ({len(parts)} partitions)", cache=cache, attempts=tried)
    total: Counts = _tree(client, futs, _merge).result()
    del futs
    timing = {"counts": time.perf_counter() - t0}
    counts = _term_counts(total)
    stats = pd.DataFrame(total.stats).sort_values("partition", kind="stable").reset_index(drop=True)
    key = None
    if against is not None:
        table = keywords.national_term_counts() if isinstance(against, str) and against == "national" else against
        if isinstance(against, str) and against != "national":
            raise ValueError(f"against: 'national' or a frequency table, got {against!r}")
        target = keywords.reference_counts(counts, stop=stop)
        key = keywords.keyness(target, keywords.reference_counts(table, stop=stop))
    vocabs = vocabularies(counts, min_df=min_df, stop=stop, group=group)
    tfidf = pd.DataFrame(columns=["group", "rank", "term", "tfidf", "n_clauses", "idf"])
    dtm = clause_id = model = None
    if matrices:
        futs = _run(client, partition_matrices, parts, retries=retries, progress=progress,
                    label="pass 2/2: clause × term matrix, TF-IDF", vocabs=vocabs, cache=cache, attempts=tried)
        sums_f = _tree(client, [client.submit(lambda d: d["tfidf"], f, pure=False) for f in futs], _merge_tfidf)
        tfidf = _tfidf_table(sums_f.result(), vocabs, top_n)
        if keep_dtm:
            got = [f.result() for f in futs]
            dtm = sparse.vstack([g["dtm"] for g in got]).tocsr() if got else None
            clause_id = np.concatenate([g["clause_id"] for g in got]) if got else None
            del got
        timing["matrices"] = time.perf_counter() - t0 - timing["counts"]
        if topics:
            t_top = time.perf_counter()
            model = _stream_topics(client, futs, vocabs, total.n_clauses, topics, topic_model, passes, seed, mix,
                                   topic_options)
            timing["topics"] = time.perf_counter() - t_top
        del futs
    stats = _with_attempts(stats, tried)
    return PipelineResult(counts, tfidf, key, dtm, vocabs.dtm_vocab, clause_id, model, stats,
                          time.perf_counter() - t0, timing)


def write_outputs(result: PipelineResult, out: Path | str) -> list[Path]:
    """Write the result's tables as CSV under ``out`` (atomically): term_counts, tfidf_top_terms, keyness,
    topic_terms, partitions. Returns the paths written."""
    from ..tables import write_csv
    from ..text.topics import top_terms

    out = Path(out)
    written = [write_csv(result.term_counts, out / "term_counts.csv"),
               write_csv(result.tfidf, out / "tfidf_top_terms.csv"),
               write_csv(result.partitions, out / "partitions.csv")]
    if result.keyness is not None:
        written.append(write_csv(result.keyness, out / "keyness.csv"))
    if result.topics is not None:
        written.append(write_csv(top_terms(result.topics, n=15), out / "topic_terms.csv"))
    return written
