"""The corpus pipeline beyond one process: partitions read lazily, run on a Dask cluster.

==================  ==========================================================================
module              what it holds
==================  ==========================================================================
``partitions``      a corpus as partitions (tar/zip archives, folders, in-memory corpora), read on the worker
``pipeline``        per-partition steps (clauses, tokens, counts, matrices), their tree reduction,
                    keyness, TF-IDF and streamed topic models; the cluster context; ``run_pipeline``
``reuse``           the text-reuse search (``analysis.text.reuse``) of source partitions against a target
                    prepared once; ``run_reuse``
``blocked_reuse``   a corpus against itself (local × local, diffusion) by blocks of documents, memory per
                    worker set by the block size; ``run_local_reuse``, ``sample_local_reuse``, ``synthetic_local``
==================  ==========================================================================

One entry point runs the same analysis on a laptop (a LocalCluster sized to the machine) and on a
cluster (``scheduler="tcp://host:8786"``)::

    python -m analysis pipeline national --out results/national
    python -m analysis pipeline path/to/folder --against national --topics 20 --scheduler tcp://host:8786
    python -m analysis pipeline local --reuse national --out results/reuse

    from analysis.distributed import run_pipeline
    res = run_pipeline("national")
"""
from .partitions import ARCHIVES, Partition, list_partitions, read_partition
from .pipeline import PipelineError, PipelineResult, cluster, matched_cosine, run_pipeline, write_outputs
from .reuse import ReuseResult, run_reuse, write_reuse_outputs
from .blocked_reuse import LocalReuseResult, run_local_reuse, sample_local_reuse, synthetic_local

__all__ = ["ARCHIVES", "Partition", "list_partitions", "read_partition", "PipelineError", "PipelineResult",
           "cluster", "matched_cosine", "run_pipeline", "write_outputs", "ReuseResult", "run_reuse",
           "write_reuse_outputs", "LocalReuseResult", "run_local_reuse", "sample_local_reuse",
           "synthetic_local"]
