"""The text-reuse search (:mod:`analysis.text.reuse`) over source partitions, on a Dask cluster.

Library: Dask (``dask.distributed``), with the cluster context, the retry-then-name mapping and the partition
readers of :mod:`analysis.distributed.pipeline` and :mod:`analysis.distributed.partitions`.

:func:`analysis.text.reuse.find_reuse` compares every unit (article) of a source corpus (local regulations)
with every unit of a target corpus (national law). Which of its steps depend on what:

* **once, on a worker** — target units, their normalisation, the shingle vocabulary and matrix, and the
  ``max_df`` filter: they depend on the target corpus only (``max_df`` counts *target* units);
* **per partition** — reading, clause segmentation, units, normalisation and body characters (one source
  document each); candidates (one source unit's shingles against the target index: its shingle count is its
  own and the sparse product is row by row); alignment and confirmation (one pair); the best version per
  target title and ``n_target_titles`` (one source unit's confirmed pairs); spans, clause paths and the kind
  of shared text (one pair or unit; the frequency of shingles across titles is part of the prepared target);
* **on the client, after gathering** — the order of the pair table (all pairs) and the restatement shares
  (:func:`analysis.text.reuse.restatement_shares`, per source document, from its pairs and its body).

A document is never split between partitions, so no source unit's pairs are either; nothing in
``find_reuse`` looks across source units. The per-partition step is
:func:`analysis.text.reuse.reuse_against` — the function ``find_reuse`` itself calls — against the
:class:`~analysis.text.reuse.ReuseTarget` that :func:`~analysis.text.reuse.reuse_target` prepares;
the reduction is :func:`~analysis.text.reuse.combine_pairs` (concatenate in partition order, sort as
``find_reuse`` sorts). Hence the distributed table equals the in-memory one (``tests/test_distributed_reuse.py``).

The target is prepared by one task on a worker (the client never holds the target texts or index); every
partition task takes its future as an argument, so Dask copies it once to each worker that runs a
partition (worker to worker) and keeps it there for the run. Memory per worker is the target index (about
1 GB for national law, see ``tests/benchmarks/distributed_reuse.md``) plus one partition. When the target is the
source itself (local × local, :mod:`analysis.text.diffusion`) that index grows with the corpus;
:func:`analysis.distributed.blocked_reuse.run_local_reuse` splits it instead (blocks of documents, shingle
statistics by bucket), and gives the same table.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..text import reuse
from .partitions import PARTITION_BYTES, Partition, list_partitions, read_partition
from .pipeline import PipelineError, _peak_rss, _run, _worker_name, cluster


def target_corpus(target) -> pd.DataFrame:
    """The target corpus as a table: a DataFrame as is; a project corpus name or a folder through
    :func:`analysis.corpus.corpora.load_corpus` (with titles); a zip or tar archive through its partitions."""
    from ..corpus.corpora import CORPUS_NAMES, load_corpus

    if isinstance(target, pd.DataFrame):
        return target
    name = str(target)
    if (name in CORPUS_NAMES and not Path(name).exists()) or Path(name).is_dir():
        return load_corpus(name)
    parts = list_partitions(target, partition_bytes=sys.maxsize)
    return pd.concat([read_partition(p) for p in parts], ignore_index=True)


def prepare_target(target, params: dict) -> reuse.ReuseTarget:
    """Run on a worker: the target corpus's clauses, units and shingle index (:func:`analysis.text.reuse.reuse_target`),
    titles from its ``title`` column when it has one (versions of one law share a title)."""
    from ..corpus.corpora import load_clauses

    corpus = target_corpus(target)
    texts = dict(zip(corpus["doc_id"], corpus["text"]))
    titles = dict(zip(corpus["doc_id"], corpus["title"])) if "title" in corpus else None
    return reuse.reuse_target(load_clauses(corpus), texts, titles, **params)


def partition_reuse(part: Partition, target: reuse.ReuseTarget) -> dict:
    """One source partition against the prepared target: read, clauses, units, :func:`analysis.text.reuse.reuse_against`.

    Returns
    -------
    dict with ``pairs`` (:data:`analysis.text.reuse.PAIR_COLUMNS`, sorted), ``body`` (characters of each
    document's units, by ``doc_id``, every document of the partition) and ``info`` (sizes, timings, peak
    memory of the worker process, worker).
    """
    from ..corpus.corpora import load_clauses

    t0 = time.perf_counter()
    docs = read_partition(part)
    clauses = load_clauses(docs)
    texts = dict(zip(docs["doc_id"], docs["text"]))
    su = reuse.units(clauses, texts)
    t1 = time.perf_counter()
    pairs = reuse.reuse_against(clauses, texts, target, source_units=su)
    body = reuse.body_chars(su, docs["doc_id"])
    info = dict(partition=part.number, name=part.name, n_docs=len(docs), n_chars=int(docs["text"].str.len().sum()),
                n_units=len(su), n_pairs=len(pairs), units_s=t1 - t0, match_s=time.perf_counter() - t1,
                seconds=time.perf_counter() - t0, peak_rss=_peak_rss(), worker=_worker_name())
    return {"pairs": pairs, "body": body, "info": info}


@dataclass
class ReuseResult:
    """What :func:`run_reuse` returns.

    Attributes
    ----------
    pairs : DataFrame
        :func:`analysis.text.reuse.find_reuse` of the whole source corpus against the target (same columns,
        same order).
    documents : DataFrame
        ``by_doc`` of :func:`analysis.text.reuse.restatement_shares`: per source document, body and restated
        characters and the restated share.
    partitions : DataFrame
        One row per source partition: documents, characters, units, pairs, timings, peak memory of the
        worker process, worker.
    target_units : int
        Target units compared (at least ``k`` normalised characters).
    seconds : float
        Wall time of the run (cluster start excluded).
    pass_seconds : dict
        ``target`` (preparing the target, until it was ready), ``partitions`` (all partitions done) and
        ``combine`` (gather, sort, shares).
    """

    pairs: pd.DataFrame
    documents: pd.DataFrame
    partitions: pd.DataFrame
    target_units: int
    seconds: float
    pass_seconds: dict = field(default_factory=dict)


def run_reuse(source, target="national", *, client=None, scheduler: str | None = None,
              n_workers: int | None = None, partition_bytes: int = PARTITION_BYTES, retries: int = 2,
              progress: bool = True, dashboard: bool = True, **params) -> ReuseResult:
    """Which provisions of ``source`` restate ``target``: :func:`analysis.text.reuse.find_reuse` over
    partitions of the source on a Dask cluster.

    Parameters
    ----------
    source : str, path-like or DataFrame
        The corpus whose units are matched (read lazily, a partition per task):
        see :func:`analysis.distributed.partitions.list_partitions` (``"local"``, a folder, a zip, a tar, a
        corpus table).
    target : str, path-like or DataFrame, default "national"
        The corpus restated: a project corpus name, a folder, an archive or a corpus table (``doc_id``,
        ``text``, optionally ``title``). Read and indexed once, on a worker.
    client : distributed.Client, optional
        Use this client (not closed). Otherwise one is made by :func:`analysis.distributed.cluster` from
        ``scheduler`` / ``n_workers`` (a LocalCluster sized to the machine by default) and closed at the end,
        also on error.
    partition_bytes : int
        Source text bytes per partition; a worker's memory is the target index plus this.
    retries : int
        Retries of a failed task (the target's or a partition's) before it is named in :class:`PipelineError`.
    progress, dashboard : bool
        Dask's progress bar on stderr and the dashboard address.
    **params
        Overrides of :data:`analysis.text.reuse.DEFAULTS`.

    Returns
    -------
    ReuseResult
    """
    unknown = sorted(set(params) - set(reuse.DEFAULTS))
    if unknown:
        raise TypeError(f"run_reuse: unknown parameter(s) {unknown}; known: {sorted(reuse.DEFAULTS)}")
    if client is None:
        with cluster(scheduler, n_workers=n_workers, dashboard=dashboard,
                     stream=sys.stderr if progress else None) as c:
            return run_reuse(source, target, client=c, partition_bytes=partition_bytes, retries=retries,
                             progress=progress, **params)
    from distributed import wait

    t0 = time.perf_counter()
    parts = list_partitions(source, partition_bytes=partition_bytes)
    label = "<DataFrame>" if isinstance(target, pd.DataFrame) else str(target)
    spec = client.scatter(target) if isinstance(target, pd.DataFrame) else target
    target_f = client.submit(prepare_target, spec, params, retries=retries, pure=False)
    n_target = client.submit(lambda t: len(t.units), target_f, pure=False)
    try:
        wait([n_target])
        if target_f.status == "error":
            raise PipelineError([(f"target {label}", target_f.exception())])
        timing = {"target": time.perf_counter() - t0}
        futs = _run(client, partition_reuse, parts, retries=retries, progress=progress,
                    label=f"text reuse against {label}: {len(parts)} partitions", target=target_f)
        got = client.gather(futs)
        timing["partitions"] = time.perf_counter() - t0 - timing["target"]
        del futs
        n_units = int(n_target.result())
    finally:
        target_f.release()
        n_target.release()
    t1 = time.perf_counter()
    pairs = reuse.combine_pairs([g["pairs"] for g in got])
    body = pd.concat([g["body"] for g in got])
    documents, _ = reuse.restatement_shares(pairs, body)
    stats = pd.DataFrame([g["info"] for g in got]).sort_values("partition", kind="stable").reset_index(drop=True)
    timing["combine"] = time.perf_counter() - t1
    return ReuseResult(pairs, documents, stats, n_units, time.perf_counter() - t0, timing)


def write_reuse_outputs(result: ReuseResult, out: Path | str) -> list[Path]:
    """Write ``reuse_pairs.csv``, ``reuse_documents.csv`` and ``reuse_partitions.csv`` under ``out``
    (atomically, :func:`analysis.tables.write_csv`). Returns the paths written."""
    from ..tables import write_csv

    out = Path(out)
    return [write_csv(result.pairs, out / "reuse_pairs.csv"),
            write_csv(result.documents, out / "reuse_documents.csv"),
            write_csv(result.partitions, out / "reuse_partitions.csv")]
