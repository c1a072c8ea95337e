"""A corpus's text reuse against itself (local × local, :mod:`analysis.text.diffusion`) on a Dask cluster, with no
worker holding the whole corpus or its shingle index.

Library: Dask (``dask.distributed``); numpy and scipy.sparse for the shingle statistics and the candidate
product; the detector's own steps from :mod:`analysis.text.reuse` (units, normalisation,
:func:`~analysis.text.reuse.align`, :func:`~analysis.text.reuse.formula_kind`, :func:`~analysis.text.reuse.sort_pairs`).

Why not :func:`analysis.distributed.run_reuse`: it prepares the whole target index once and copies it to every
worker. For local × local the target is the corpus itself, so every worker holds an index that grows with the
corpus (1.5 GB per worker at 1,888 regulations, ``tests/benchmarks/diffusion.md``). Here nothing a worker holds
is the whole corpus or its whole vocabulary. The corpus (sorted by ``doc_id``) is cut into **blocks** of about
``block_chars`` characters of whole documents, contiguous in ``doc_id`` order, and written to a work folder; every
intermediate result is a file there (a shared file system when the workers are on several machines).

The target side of the detector has two corpus-wide statistics per shingle (:class:`analysis.text.reuse.ShingleIndex`):
the number of units holding it (``max_df`` drops shingles of more than 500 units) and the number of titles
holding it (``group_df``, read by :func:`analysis.text.reuse.classify_pair`). They are computed exactly, by shingle
**buckets** (a hash of the shingle's characters, as many buckets as blocks):

1. per block (``_shingle_block``): units, normalised texts, each unit's distinct shingles with its title code,
   written by bucket;
2. per bucket (``_bucket_stats``): units and distinct titles per shingle, over the bucket's entries from every block;
3. per block (``_block_stats``): each unit's kept shingles (``df <= max_df``), their count, and the title count of
   the shingle starting at each normalised position, looked up bucket by bucket;
4. per pair of blocks ``i <= j`` (``_pair_block``): the candidate product of block ``i``'s units against block
   ``j``'s on the union of their kept shingles (shared counts and containment are exactly the index's: a
   shingle of either block's units is kept or not by its global count), slab by slab of source units, alignment and
   confirmation of each candidate, spans, clause paths, ``common_share``/``rare_shingles`` and the formula wording —
   in both directions (``i`` against ``j`` and ``j`` against ``i``; one direction when ``i = j``). The confirmed
   rows are written as they come, in files of at most ``chunk_rows`` rows, with an index: each file's range of
   source units and each source unit's number of rows;
5. per **range of source units** of a block (``_merge_range``; the driver cuts each block's units, in
   ``(doc_id, start)`` order, into consecutive ranges of at most ``chunk_rows`` rows against all blocks, a unit
   with more alone): the rows of those units, read file by file from the files whose range meets it, one version
   per (source unit, target title) as :func:`analysis.text.reuse.reuse_against` chooses it, ``n_target_titles``, the
   ``many_titles`` formula, the kinds, sorted by :func:`analysis.text.reuse.sort_pairs` and written. Every one of
   these is a question about one source unit's rows, so a range holds all it needs.

Since blocks are contiguous in ``doc_id`` order, the ranges are contiguous in ``(doc_id, start)`` order and
:func:`~analysis.text.reuse.sort_pairs` sorts by source document, then source start, the pair table is the ranges'
tables concatenated in order, and it equals :func:`analysis.text.diffusion.local_pairs` of the same corpus byte for
byte, whatever ``chunk_rows`` is (``tests/test_distributed_reuse.py``, with the default and with 50 rows).

What a task holds: one or two blocks with their shingles (set by ``block_chars``), one bucket's entries (the corpus's
entries divided by as many buckets as blocks), one slab's candidates, and at most ``chunk_rows`` pair rows (a merge:
one range and the file being read, so up to twice that, or one unit's rows if a unit alone has more; each task
reports the most it held, ``held_rows``, and a test asserts the bound). None of it grows with the corpus at a fixed
block size, except a slab's candidates and one unit's rows (numbers, not rows, and the rows of one article against
every text like it). Measured (``tests/benchmarks/diffusion.md``, blocks of 1 M characters, 20,000-row chunks, the
whole local corpus ×1, ×4 and ×10 with a seeded sample of block-pair tasks): the peak of a block-pair task is
0.37–0.38 GB from 1,888 to 18,880 texts (N^0.02), the other steps' 0.21–0.27 GB; a block-pair task costs about 2 CPU
seconds at every size, so the run's CPU grows with the number of block pairs (N^1.83 ± 0.12; 4.2 core-hours at
18,880 texts). :func:`sample_local_reuse` runs the statistics steps and a seeded sample of the block-pair tasks and
their merges of a corpus too large to run whole, for such measurements. The client holds the corpus table it was given (to
write the blocks), one integer per unit of a block at a time (to plan the merge) and, when asked (``gather=True``),
the pair table.
"""
from __future__ import annotations

import os
import pickle
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..text import reuse

__all__ = ["BLOCK_CHARS", "CHUNK_ROWS", "SYNTHETIC_SEED", "LocalReuseResult", "blocks_of", "run_local_reuse",
           "sample_local_reuse", "synthetic_local"]

BLOCK_CHARS = 1_000_000
"""Characters of text per block (whole documents): the unit of a worker's memory."""

SYNTHETIC_SEED = 20261207
"""Seed of :func:`synthetic_local` and of the sample of :func:`sample_local_reuse`."""

CHUNK_ROWS = 20_000
"""Pair rows per file of a block-pair task and per merge range: the most pair rows a task holds (a merge: one range
and one file being read), unless one source unit alone has more."""


def _dump(obj, path: Path) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _load(path: Path):
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _peak() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def _rss() -> int:
    """Current resident set of this process in bytes (Linux ``/proc/self/statm``; 0 where it does not exist)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _TaskMeter:
    """Peak resident set and CPU of one task: memory freed by earlier tasks is given back first (``malloc_trim``),
    then a thread samples the current resident set every 10 ms while the task runs. ``start_rss`` is the process
    at the task's start (imports, earlier tasks' leftovers); ``task_peak_rss`` the largest sample (or the start).
    CPU: user + system seconds of the process during the task (one thread per worker: the task's own)."""

    def __enter__(self):
        import threading

        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
        self.start_rss = self.peak = _rss()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._sample, daemon=True)
        self._t.start()
        self._cpu0 = time.process_time()
        self._t0 = time.perf_counter()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, _rss())
        self.cpu_s = time.process_time() - self._cpu0
        self.seconds = time.perf_counter() - self._t0
        return False

    def info(self, **kw) -> dict:
        return dict(kw, seconds=self.seconds, cpu_s=self.cpu_s, start_rss=self.start_rss, task_peak_rss=self.peak,
                    peak_rss=_peak(), pid=os.getpid())


def blocks_of(corpus: pd.DataFrame, block_chars: int = BLOCK_CHARS) -> list[pd.DataFrame]:
    """The corpus sorted by ``doc_id`` (code-point order, as :func:`analysis.text.reuse.sort_pairs` sorts) and cut into
    consecutive runs of whole documents of at least ``block_chars`` characters (the last may be shorter)."""
    if corpus["doc_id"].duplicated().any():
        dup = corpus.loc[corpus["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise ValueError(f"blocks_of: doc_id {dup!r} occurs more than once in the corpus table")
    order = sorted(range(len(corpus)), key=lambda i: str(corpus["doc_id"].iat[i]))
    c = corpus.iloc[order].reset_index(drop=True)
    n = c["text"].str.len().to_numpy()
    out, a, acc = [], 0, 0
    for i, x in enumerate(n):
        acc += int(x)
        if acc >= block_chars:
            out.append(c.iloc[a:i + 1].reset_index(drop=True))
            a, acc = i + 1, 0
    if a < len(c):
        out.append(c.iloc[a:].reset_index(drop=True))
    return out


def _shingles(norm: str, k: int) -> np.ndarray:
    """Shingle at each position of ``norm`` (fixed-width unicode, exact)."""
    if len(norm) < k:
        return np.array([], dtype=f"<U{k}")
    return np.array([norm[i:i + k] for i in range(len(norm) - k + 1)], dtype=f"<U{k}")


def _bucket(keys: np.ndarray, k: int, n_buckets: int) -> np.ndarray:
    """A deterministic bucket per shingle from its code points (no per-process hash salt)."""
    if not len(keys):
        return np.array([], dtype=np.int64)
    cp = keys.view(np.uint32).reshape(len(keys), k).astype(np.int64)
    h = np.zeros(len(keys), dtype=np.int64)
    for c in range(k):
        h = (h * 1_000_003 + cp[:, c]) % 2_147_483_647
    return h % n_buckets


# --------------------------------------------------------------------------- tasks (run on workers)
def _shingle_block(work: str, b: int, n_buckets: int, params: dict) -> dict:
    with _TaskMeter() as m:
        info = _shingle_block_run(work, b, n_buckets, params)
    return m.info(**info)


def _shingle_block_run(work: str, b: int, n_buckets: int, params: dict) -> dict:
    from ..corpus.corpora import load_clauses

    w = Path(work)
    docs = _load(w / f"docs_{b}.pkl")
    k = params["k"]
    clauses = load_clauses(docs[["doc_id", "text"]])
    su = reuse.units(clauses, dict(zip(docs["doc_id"], docs["text"])))
    su = su[su["norm"].str.len() >= k].sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    tkey = dict(zip(docs["doc_id"], docs["title_code"]))
    keys, unit_ix, titles = [], [], []
    for i, (norm, d) in enumerate(zip(su["norm"], su["doc_id"])):
        u = np.unique(_shingles(norm, k))
        keys.append(u)
        unit_ix.append(np.full(len(u), i, dtype=np.int32))
        titles.append(np.full(len(u), tkey[d], dtype=np.int64))
    keys = np.concatenate(keys) if keys else np.array([], dtype=f"<U{k}")
    titles = np.concatenate(titles) if titles else np.array([], dtype=np.int64)
    bk = _bucket(keys, k, n_buckets)
    for h in range(n_buckets):
        m = bk == h
        _dump((keys[m], titles[m]), w / f"sh_{b}_{h}.pkl")
    _dump(su, w / f"units_{b}.pkl")
    return dict(step="shingles", block=b, n_docs=len(docs), n_units=len(su), entries=len(keys))


def _bucket_stats(work: str, h: int, n_blocks: int, params: dict) -> dict:
    with _TaskMeter() as m:
        info = _bucket_stats_run(work, h, n_blocks, params)
    return m.info(**info)


def _bucket_stats_run(work: str, h: int, n_blocks: int, params: dict) -> dict:
    w = Path(work)
    ks, ts = [], []
    for b in range(n_blocks):
        kk, tt = _load(w / f"sh_{b}_{h}.pkl")
        ks.append(kk)
        ts.append(tt)
    keys = np.concatenate(ks)
    titles = np.concatenate(ts)
    uk, inv, df = np.unique(keys, return_inverse=True, return_counts=True)
    pair = np.unique(np.stack([inv.astype(np.int64).ravel(), titles]), axis=1)
    gdf = np.bincount(pair[0], minlength=len(uk)).astype(np.int32)
    del keys, titles, inv, pair
    for b, kk in enumerate(ks):       # each block's answer: its shingles of this bucket, units and titles holding them
        bu = np.unique(kk)
        j = np.searchsorted(uk, bu)
        _dump((bu, df[j].astype(np.int64), gdf[j]), w / f"ans_{b}_{h}.pkl")
    return dict(step="buckets", bucket=h, entries=int(sum(len(x) for x in ks)), shingles=len(uk))


def _block_stats(work: str, b: int, n_buckets: int, params: dict) -> dict:
    with _TaskMeter() as m:
        info = _block_stats_run(work, b, n_buckets, params)
    return m.info(**info)


def _block_stats_run(work: str, b: int, n_buckets: int, params: dict) -> dict:
    w = Path(work)
    k, max_df = params["k"], params["max_df"]
    su = _load(w / f"units_{b}.pkl")
    got = [_load(w / f"ans_{b}_{h}.pkl") for h in range(n_buckets)]
    sk = np.concatenate([g[0] for g in got]) if got else np.array([], dtype=f"<U{k}")
    sdf = np.concatenate([g[1] for g in got]) if got else np.array([], dtype=np.int64)
    sg = np.concatenate([g[2] for g in got]) if got else np.array([], dtype=np.int32)
    o = np.argsort(sk, kind="stable")
    sk, sdf, sg = sk[o], sdf[o], sg[o]
    gdf_pos, kept_keys = [], []
    for n in su["norm"]:
        sh = _shingles(n, k)
        j = np.searchsorted(sk, sh)
        if len(sh) and ((j >= len(sk)).any() or (sk[np.minimum(j, len(sk) - 1)] != sh).any()):
            raise RuntimeError(f"blocked reuse: a shingle of block {b} has no statistics")
        gdf_pos.append(sg[j].astype(np.int32))
        kept_keys.append(np.unique(sh[sdf[j] <= max_df]))
    _dump({"units": su, "gdf_pos": gdf_pos, "kept": kept_keys,
           "n_kept": np.array([len(x) for x in kept_keys], dtype=np.int64)}, w / f"block_{b}.pkl")
    return dict(step="block stats", block=b, n_units=len(su))


def _matrices(blocks: list) -> list:
    """Unit × shingle matrices (CSR, ones) of the kept shingles of one or two blocks over their joint vocabulary: the
    shingles' ids are their positions in the sorted union (``numpy.unique``'s inverse), one call for all units."""
    from scipy import sparse

    kept = [u for B in blocks for u in B["kept"]]
    if not kept:
        return [sparse.csr_matrix((len(B["kept"]), 0), dtype=np.int32) for B in blocks]
    vocab, inv = np.unique(np.concatenate(kept), return_inverse=True)
    inv = inv.reshape(-1).astype(np.int64)
    out, at = [], 0
    for B in blocks:
        n = np.array([len(u) for u in B["kept"]], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(n)])
        ind = inv[at:at + indptr[-1]]          # each unit's kept shingles are sorted and distinct: so are its ids
        at += indptr[-1]
        out.append(sparse.csr_matrix((np.ones(len(ind), dtype=np.int32), ind, indptr), shape=(len(n), len(vocab))))
    return out


SLAB_UNITS = 1000
"""Source units per sparse product in a block-pair task (the candidates of one slab are held at once, as arrays)."""


class _ChunkWriter:
    """Confirmed pairs of one direction (source block ``si`` against target block ``ti``) written in chunks of at most
    ``chunk_rows`` rows (``pairs_<si>_<ti>_<c>.pkl``), with an index ``pairs_<si>_<ti>.pkl``: the source-unit range
    and row count of each chunk, and the number of rows of each source unit (what the merge is planned from).
    ``held`` is the largest number of pair rows held at once."""

    def __init__(self, w: Path, si: int, ti: int, n_units: int, chunk_rows: int):
        self.w, self.si, self.ti, self.chunk_rows = w, si, ti, chunk_rows
        self.rows: list = []
        self.chunks: list = []
        self.counts = np.zeros(n_units, dtype=np.int64)
        self.held = self.n = 0
        self.candidate_cpu_s = 0.0

    def add(self, row: dict) -> None:
        self.rows.append(row)
        self.held = max(self.held, len(self.rows))
        if len(self.rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        df = pd.DataFrame(self.rows)
        self.rows = []
        six = df["six"].to_numpy()
        self.counts += np.bincount(six, minlength=len(self.counts))
        _dump(df, self.w / f"pairs_{self.si}_{self.ti}_{len(self.chunks):05d}.pkl")
        self.chunks.append((int(six.min()), int(six.max()), len(df)))
        self.n += len(df)

    def close(self) -> None:
        self.flush()
        _dump({"chunks": self.chunks, "counts": self.counts}, self.w / f"pairs_{self.si}_{self.ti}.pkl")


def _direction(S: dict, T: dict, p: dict, sink: _ChunkWriter, src, tgt_t, offsets: dict) -> int:
    """Confirmed pairs of the units of block ``S`` (source) against those of block ``T`` (target), every version,
    before the choice of version and the title count, given to ``sink`` one by one in source-unit order (slab by slab
    of :data:`SLAB_UNITS` source units, so that the candidates held are one slab's). ``src`` and ``tgt_t``: the
    unit × shingle matrix of ``S`` and the transposed one of ``T`` (:func:`_matrices`); ``offsets``: normalised-to-
    original offsets by (block, unit), shared by both directions. Returns the candidates; adds the CPU seconds of the
    candidate product to ``sink.candidate_cpu_s``."""
    n_s, n_t = S["n_kept"], T["n_kept"]
    s_norm, t_norm = S["norms"], T["norms"]
    k, ct = p["k"], p["common_titles"]
    s_b, t_b = S["block"], T["block"]

    def span(b, i, text, a, e):
        if (b, i) not in offsets:
            offsets[(b, i)] = reuse.normalize_offsets(text)[1:]
        starts, ends = offsets[(b, i)]
        return int(starts[a]), int(ends[e - 1])

    s_rows, t_rows = S["rows"], T["rows"]
    n_cand, t_cand = 0, 0.0
    for a in range(0, src.shape[0], SLAB_UNITS):
        tc = time.process_time()
        prod = (src[a:a + SLAB_UNITS] @ tgt_t).tocoo()
        m = prod.data >= p["min_shared"]
        r, c, v = prod.row[m] + a, prod.col[m], prod.data[m]
        del prod, m
        denom = np.minimum(n_s[r], n_t[c])
        ok = v >= p["min_containment"] * np.maximum(denom, 1)
        if p["route_shared"] is not None:
            ok |= v >= p["route_shared"]
        s, t, n = r[ok].astype(np.int64), c[ok].astype(np.int64), v[ok].astype(np.int64)
        del r, c, v, denom, ok
        n_cand += len(s)
        cont = n / np.maximum(np.minimum(n_s[s], n_t[t]), 1)
        t_cand += time.process_time() - tc
        for si, ti, c in zip(s.tolist(), t.tolist(), cont.tolist()):
            al = reuse.align(s_norm[si], t_norm[ti], min_block=p["min_block"], gap_cost=p["gap_cost"])
            if al is None or al.matched < p["min_matched"] or al.similarity < p["min_similarity"]:
                continue
            su_r, tu_r = s_rows[si], t_rows[ti]
            sa, sb = span(s_b, si, su_r["text"], al.a0, al.a1)
            ta, tb = span(t_b, ti, tu_r["text"], al.b0, al.b1)
            # classify_pair without the title count (added per source unit in _merge_range): the title count of each
            # shingle of the target span is T's per-position table
            freq = T["gdf_pos"][ti][al.b0:al.b1 - k + 1] if al.b1 - al.b0 >= k else np.array([], dtype=np.int32)
            common = float((freq >= ct).mean()) if len(freq) else 0.0
            rare = int((freq < ct).sum())
            fk = reuse.formula_kind(su_r["text"], su_r["text"][sa:sb])
            if fk is None and common >= p["common_share"]:
                fk = "common"
            sink.add(dict(
                six=si, s=su_r["doc_id"] + "\x00" + str(su_r["start"]), title=T["titles"][tu_r["doc_id"]],
                doc=tu_r["doc_id"], source_doc=su_r["doc_id"], source_unit=su_r["unit"],
                source_start=su_r["start"] + sa, source_end=su_r["start"] + sb,
                source_clauses=reuse._clauses_in(su_r["clause_paths"], su_r["clause_starts"], su_r["clause_ends"],
                                                 su_r["unit"], su_r["start"] + sa, su_r["start"] + sb),
                target_doc=tu_r["doc_id"], target_title=T["titles"][tu_r["doc_id"]], target_unit=tu_r["unit"],
                target_start=tu_r["start"] + ta, target_end=tu_r["start"] + tb,
                target_clauses=reuse._clauses_in(tu_r["clause_paths"], tu_r["clause_starts"], tu_r["clause_ends"],
                                                 tu_r["unit"], tu_r["start"] + ta, tu_r["start"] + tb),
                containment=round(c, 4), matched=al.matched, similarity=round(al.similarity, 3),
                coverage_target=round(al.matched / max(len(tu_r["norm"]), 1), 3),
                coverage_source=round(al.matched / max(len(su_r["norm"]), 1), 3),
                common_share=round(common, 3), rare_shingles=rare, formula_kind=fk))
    sink.candidate_cpu_s += t_cand
    return n_cand


def _pair_block(work: str, i: int, j: int, params: dict, chunk_rows: int) -> dict:
    with _TaskMeter() as m:
        w = Path(work)
        tl = time.process_time()
        t_cols = ["doc_id", "unit", "start", "end", "text", "norm", "clause_paths", "clause_starts", "clause_ends"]

        def block(b):
            X = _load(w / f"block_{b}.pkl")
            X.update(titles=_load(w / f"titles_{b}.pkl"), block=b, rows=X["units"][t_cols].to_dict("records"),
                     norms=X["units"]["norm"].tolist())
            return X

        A = block(i)
        B = A if i == j else block(j)
        load_cpu = time.process_time() - tl
        tl = time.process_time()
        mats = _matrices([A] if i == j else [A, B])
        mA, mB = mats[0], mats[-1]
        cand_cpu = time.process_time() - tl     # the matrices, once for both directions, then each slab's product
        rows = cand = held = n_chunks = 0
        offsets: dict = {}
        for (si, S, mS), (ti, T, mT) in ([((i, A, mA), (j, B, mB))] + ([((j, B, mB), (i, A, mA))] if i != j else [])):
            sink = _ChunkWriter(w, si, ti, len(S["units"]), chunk_rows)
            cand += _direction(S, T, params, sink, mS, mT.T.tocsr(), offsets)
            sink.close()
            rows += sink.n
            held = max(held, sink.held)
            n_chunks += len(sink.chunks)
            cand_cpu += sink.candidate_cpu_s
    # CPU split: reading the blocks (and their rows), the candidates (matrices, products), the rest (alignment, rows,
    # files)
    return m.info(step="block pairs", block=i, other=j, candidates=cand, confirmed=rows, chunks=n_chunks,
                  held_rows=held, load_cpu_s=load_cpu, candidate_cpu_s=cand_cpu)


def _plan_ranges(counts: np.ndarray, chunk_rows: int) -> list[tuple[int, int]]:
    """Consecutive ranges ``[a, b)`` of source units covering all of them, each with at most ``chunk_rows`` pair rows
    (``counts``: rows per unit), except a single unit with more, which is a range of its own (the merge needs all
    pairs of one unit together). At least one range."""
    out, a, acc = [], 0, 0
    for u, n in enumerate(counts.tolist()):
        if acc and acc + n > chunk_rows:
            out.append((a, u))
            a, acc = u, 0
        acc += n
    out.append((a, len(counts)))
    return out


def _merge_range(work: str, i: int, a: int, b: int, js: list, params: dict, out: str) -> dict:
    """The final pairs of source units ``a`` to ``b - 1`` of block ``i`` from their rows against blocks ``js``: one
    version per (source unit, target title) as :func:`analysis.text.reuse.reuse_against` chooses it,
    ``n_target_titles``, the ``many_titles`` formula, the kinds, :func:`analysis.text.reuse.sort_pairs` order. Only
    the chunks whose unit range meets ``[a, b)`` are read, one at a time."""
    with _TaskMeter() as m:
        w = Path(work)
        parts, acc, held, read = [], 0, 0, 0
        for j in js:
            idx = _load(w / f"pairs_{i}_{j}.pkl")
            for c, (lo, hi, n) in enumerate(idx["chunks"]):
                if hi < a or lo >= b:
                    continue
                got = _load(w / f"pairs_{i}_{j}_{c:05d}.pkl")
                read += 1
                held = max(held, acc + len(got))
                six = got["six"].to_numpy()
                got = got[(six >= a) & (six < b)]
                if len(got):
                    parts.append(got)
                    acc += len(got)
                del six
        held = max(held, acc)
        pairs = _merged(parts, params)
        del parts
        _dump(pairs, Path(out) / f"part_{i:05d}_{a:07d}.pkl")
    return m.info(step="merge", block=i, first_unit=a, end_unit=b, pairs=len(pairs), rows_in=acc, chunks_read=read,
                  held_rows=held)


def _merged(parts: list, params: dict) -> pd.DataFrame:
    if not parts:
        return reuse._typed_pairs(pd.DataFrame(columns=reuse.PAIR_COLUMNS))
    pairs = pd.concat(parts, ignore_index=True)
    # one version per (source unit, title), as reuse_against chooses it
    tot = pairs.groupby(["s", "title", "doc"], sort=True)["matched"].agg(["max", "sum"]).reset_index()
    tot = tot.sort_values(["s", "title", "max", "sum", "doc"], ascending=[True, True, False, False, False],
                          kind="stable")
    best = tot.drop_duplicates(["s", "title"], keep="first")
    pairs = pairs.merge(best[["s", "title", "doc"]], on=["s", "title", "doc"], how="inner")
    n_titles = pairs.groupby("s")["title"].transform("nunique").astype("int64").to_numpy()
    fk = pairs["formula_kind"].to_numpy(dtype=object)
    many = pd.isna(fk) & (n_titles >= params["formulaic_titles"])
    fk = np.where(many, "many_titles", fk)
    rare = pairs["rare_shingles"].astype("int64").to_numpy()
    fk = np.where(pd.isna(fk), None, fk)
    kind = np.where(~pd.isna(fk), "formula",
                    np.where(rare < params["stock_rare"], "stock", "substantive"))
    pairs["n_target_titles"] = n_titles
    pairs["formula_kind"] = fk
    pairs["kind"] = kind
    return reuse.sort_pairs(reuse._typed_pairs(pairs[reuse.PAIR_COLUMNS].copy()))


def _worker_usage() -> dict:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return dict(peak_rss=int(r.ru_maxrss) * 1024, cpu_s=r.ru_utime + r.ru_stime, pid=os.getpid())


# --------------------------------------------------------------------------- the driver
@dataclass
class LocalReuseResult:
    """What :func:`run_local_reuse` (and :func:`sample_local_reuse`) returns.

    Attributes
    ----------
    pairs : DataFrame or None
        :func:`analysis.text.diffusion.local_pairs` of the corpus (same columns, same order, same bytes); None
        unless ``gather=True``.
    parts : list of Path
        The pair table by ranges of source units (pickled DataFrames, in order; concatenated they are ``pairs``).
    tasks : DataFrame
        One row per task: step, block(s), sizes, ``seconds`` and ``cpu_s`` of the task, ``start_rss`` and
        ``task_peak_rss`` (the worker's resident set at the task's start and its largest value during the task),
        ``peak_rss`` (the worker process's maximum so far), ``held_rows`` (block pairs and merges: the most pair rows
        the task held at once), process id.
    n_blocks, n_pairs, n_candidates : int
    seconds : float
        Wall time (writing the blocks included, cluster start excluded); ``step_seconds`` by step.
    workers : dict
        Per worker address: ``peak_rss`` (bytes, the process's maximum resident set) and ``cpu_s`` (user + system
        seconds of the process) at the end of the run.
    chunk_rows : int
        The bound on the pair rows a block-pair task holds and on those of one merge range.
    max_unit_rows : int
        The most rows of one source unit (every version, against every block the merge read): a merge range of one
        such unit holds them whatever ``chunk_rows`` is.
    planned : dict
        Tasks per step of the whole run (for :func:`sample_local_reuse`, of which only some ran).
    """

    pairs: pd.DataFrame | None
    parts: list
    tasks: pd.DataFrame
    n_blocks: int
    n_pairs: int
    n_candidates: int
    seconds: float
    step_seconds: dict = field(default_factory=dict)
    workers: dict = field(default_factory=dict)
    chunk_rows: int = 0
    max_unit_rows: int = 0
    planned: dict = field(default_factory=dict)


def _check(corpus: pd.DataFrame, titles: dict, params: dict, chunk_rows: int, who: str) -> dict:
    unknown = sorted(set(params) - set(reuse.DEFAULTS))
    if unknown:
        raise TypeError(f"{who}: unknown parameter(s) {unknown}; known: {sorted(reuse.DEFAULTS)}")
    missing = sorted(set(corpus["doc_id"].astype(str)) - set(titles))
    if missing:
        raise ValueError(f"{who}: no title for doc_id {missing[0]!r} ({len(missing)} without one)")
    if int(chunk_rows) < 1:
        raise ValueError(f"{who}: chunk_rows must be at least 1, got {chunk_rows}")
    return {**reuse.DEFAULTS, **params}


def run_local_reuse(corpus: pd.DataFrame, titles: dict, *, client, block_chars: int = BLOCK_CHARS,
                    chunk_rows: int = CHUNK_ROWS, work: str | os.PathLike | None = None, gather: bool = True,
                    retries: int = 1, **params) -> LocalReuseResult:
    """:func:`analysis.text.diffusion.local_pairs` of ``corpus`` (every unit against every unit of the same corpus,
    ``target_title`` from ``titles``) by blocks on a Dask cluster (module docstring).

    Parameters
    ----------
    corpus : DataFrame
        ``doc_id`` (unique) and ``text``; e.g. :func:`analysis.text.diffusion.latest_local`.
    titles : dict
        Title key by ``doc_id`` (:func:`analysis.text.diffusion.local_titles`); versions of one title share it.
    client : distributed.Client
    block_chars : int
        Characters of text per block (:func:`blocks_of`).
    chunk_rows : int
        Pair rows per file of a block-pair task and per merge range (module docstring): with the block size, what
        bounds a worker's memory. The table does not depend on it.
    work : path, optional
        Folder for the intermediate files and the parts (made if missing; a temporary folder by default, removed
        at the end unless ``gather=False``). Must be visible to every worker.
    gather : bool
        Read the parts back into one table (``pairs``); with ``False`` only ``parts`` are returned.
    **params
        Overrides of :data:`analysis.text.reuse.DEFAULTS`.
    """
    p = _check(corpus, titles, params, chunk_rows, "run_local_reuse")
    t0 = time.perf_counter()
    remove = work is None and gather          # a folder of our own, not needed once the pairs are gathered
    w = Path(tempfile.mkdtemp(prefix="blocked_reuse_") if work is None else work)
    w.mkdir(parents=True, exist_ok=True)
    try:
        return _run_blocks(corpus, titles, client, w, block_chars, int(chunk_rows), gather, retries, p, t0, remove)
    finally:
        if remove:
            shutil.rmtree(w, ignore_errors=True)


def _write_blocks(corpus: pd.DataFrame, titles: dict, w: Path, block_chars: int) -> int:
    codes = {t: i for i, t in enumerate(sorted(set(str(titles[d]) for d in corpus["doc_id"])))}
    blocks = blocks_of(corpus[["doc_id", "text"]].assign(doc_id=corpus["doc_id"].astype(str)), block_chars)
    for b, blk in enumerate(blocks):
        _dump(blk.assign(title_code=[codes[str(titles[d])] for d in blk["doc_id"]]), w / f"docs_{b}.pkl")
        _dump({d: str(titles[d]) for d in blk["doc_id"]}, w / f"titles_{b}.pkl")
    return len(blocks)


class _Steps:
    """Runs one step's tasks on the cluster and keeps their reports and the step's wall time."""

    def __init__(self, client, retries: int):
        self.client, self.retries, self.infos, self.seconds = client, retries, [], {}

    def __call__(self, name: str, fn, args_list: list) -> list:
        from distributed import wait

        t = time.perf_counter()
        futs = [self.client.submit(fn, *a, pure=False, retries=self.retries) for a in args_list]
        wait(futs)
        bad = [f for f in futs if f.status == "error"]
        if bad:
            raise RuntimeError(f"blocked reuse, step {name}: {len(bad)} task(s) failed; first: {bad[0].exception()!r}")
        got = self.client.gather(futs)
        self.infos.extend(got)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t
        return got


def _merge_plan(w: Path, i: int, js: list, chunk_rows: int) -> tuple[list, int]:
    """Ranges of source units of block ``i`` for the merge (:func:`_plan_ranges` of its rows against ``js``) and
    the most rows of one unit. The counts are one integer per unit of the block."""
    counts = None
    for j in js:
        c = _load(w / f"pairs_{i}_{j}.pkl")["counts"]
        counts = c.copy() if counts is None else counts + c
    return _plan_ranges(counts, chunk_rows), int(counts.max()) if len(counts) else 0


def _run_blocks(corpus, titles, client, w: Path, block_chars: int, chunk_rows: int, gather: bool, retries: int,
                p: dict, t0: float, remove: bool) -> LocalReuseResult:
    nb = _write_blocks(corpus, titles, w, block_chars)
    run = _Steps(client, retries)
    run.seconds["write blocks"] = time.perf_counter() - t0
    ws = str(w)
    run("shingles", _shingle_block, [(ws, b, nb, p) for b in range(nb)])
    run("buckets", _bucket_stats, [(ws, h, nb, p) for h in range(nb)])
    run("block stats", _block_stats, [(ws, b, nb, p) for b in range(nb)])
    run("block pairs", _pair_block, [(ws, i, j, p, chunk_rows) for i in range(nb) for j in range(i, nb)])
    outdir = w / "parts"
    outdir.mkdir(exist_ok=True)
    t = time.perf_counter()
    merges, max_unit = [], 0
    for i in range(nb):
        ranges, mu = _merge_plan(w, i, list(range(nb)), chunk_rows)
        max_unit = max(max_unit, mu)
        merges += [(ws, i, a, b, list(range(nb)), p, str(outdir)) for a, b in ranges]
    run.seconds["plan merge"] = time.perf_counter() - t
    run("merge", _merge_range, merges)
    workers = client.run(_worker_usage)
    tasks = pd.DataFrame(run.infos)
    parts = [outdir / f"part_{m[1]:05d}_{m[2]:07d}.pkl" for m in merges]
    pairs = None
    t1 = time.perf_counter()
    if gather:
        got = [_load(x) for x in parts]
        pairs = reuse.combine_pairs(got)
        if len(pairs) == 0:
            pairs = got[0] if got else pairs
    run.seconds["gather"] = time.perf_counter() - t1
    n_pairs = int(tasks.loc[tasks["step"] == "merge", "pairs"].sum())
    n_cand = int(tasks.loc[tasks["step"] == "block pairs", "candidates"].sum())
    return LocalReuseResult(pairs, [] if remove else parts, tasks, nb, n_pairs, n_cand, time.perf_counter() - t0,
                            run.seconds, workers, chunk_rows, max_unit,
                            {"shingles": nb, "buckets": nb, "block stats": nb, "block pairs": nb * (nb + 1) // 2,
                             "merge": len(merges)})


def sample_local_reuse(corpus: pd.DataFrame, titles: dict, *, client, n_pairs: int, seed: int = SYNTHETIC_SEED,
                       block_chars: int = BLOCK_CHARS, chunk_rows: int = CHUNK_ROWS, all_stats: bool = True,
                       work: str | os.PathLike, retries: int = 1, **params) -> LocalReuseResult:
    """A measured sample of :func:`run_local_reuse` on a corpus too large to run whole: the blocks written, the
    corpus-wide statistics steps run in full (shingles and buckets always; block statistics of every block with
    ``all_stats``, else of the sampled blocks only), then ``n_pairs`` block-pair tasks drawn without replacement from
    all ``i <= j`` by ``numpy.random.default_rng(seed)``, and for each of their directions the merge of its rows by
    ranges of source units (a partial merge: the rows against one target block, not every block's — the same work
    per row, on fewer rows). Every task reports its CPU, its peak resident set and the pair rows it held
    (``tasks``); ``planned`` the tasks of the whole run. No pair table: ``pairs`` is None, ``n_pairs`` and
    ``n_candidates`` are the sampled tasks'."""
    p = _check(corpus, titles, params, chunk_rows, "sample_local_reuse")
    t0 = time.perf_counter()
    w = Path(work)
    w.mkdir(parents=True, exist_ok=True)
    nb = _write_blocks(corpus, titles, w, block_chars)
    run = _Steps(client, retries)
    run.seconds["write blocks"] = time.perf_counter() - t0
    ws = str(w)
    allp = [(i, j) for i in range(nb) for j in range(i, nb)]
    rng = np.random.default_rng(seed)
    pick = sorted(rng.choice(len(allp), size=min(n_pairs, len(allp)), replace=False).tolist())
    sampled = [allp[x] for x in pick]
    need = sorted({b for ij in sampled for b in ij}) if not all_stats else list(range(nb))
    run("shingles", _shingle_block, [(ws, b, nb, p) for b in range(nb)])
    run("buckets", _bucket_stats, [(ws, h, nb, p) for h in range(nb)])
    run("block stats", _block_stats, [(ws, b, nb, p) for b in need])
    run("block pairs", _pair_block, [(ws, i, j, p, int(chunk_rows)) for i, j in sampled])
    t = time.perf_counter()
    merges, max_unit = [], 0
    for i, j in sampled:
        for si, ti in ([(i, j)] + ([(j, i)] if i != j else [])):
            out = w / "sample_parts" / f"{si}_{ti}"
            out.mkdir(parents=True, exist_ok=True)
            ranges, mu = _merge_plan(w, si, [ti], int(chunk_rows))
            max_unit = max(max_unit, mu)
            merges += [(ws, si, a, b, [ti], p, str(out)) for a, b in ranges]
    run.seconds["plan merge"] = time.perf_counter() - t
    run("merge", _merge_range, merges)
    workers = client.run(_worker_usage)
    tasks = pd.DataFrame(run.infos)
    pt = tasks[tasks["step"] == "block pairs"]
    return LocalReuseResult(None, [], tasks, nb, int(pt["confirmed"].sum()), int(pt["candidates"].sum()),
                            time.perf_counter() - t0, run.seconds, workers, int(chunk_rows), max_unit,
                            {"shingles": nb, "buckets": nb, "block stats": nb, "block pairs": len(allp),
                             "sampled block pairs": sampled, "seed": seed})


# --------------------------------------------------------------------------- synthetic corpora for the benchmark
_KEEP_CHARS = set("第条章节款项目编一二三四五六七八九十百千零〇两之（）()《》〈〉、，。；：\n")


def synthetic_local(corpus: pd.DataFrame, times: int, *, edit_rate: float = 0.03,
                    seed: int = SYNTHETIC_SEED) -> pd.DataFrame:
    """A synthetic local corpus ``times`` the size of ``corpus``: the corpus itself, then ``times - 1`` copies of
    every document as a regulation of a new province (``province`` ``<province>·合成<c>``, ``doc_id`` prefixed by
    it, so every copy is a new title key of :func:`analysis.text.diffusion.local_titles`), its text with random
    character edits (:func:`analysis.text.reuse._edit`: substitution, insertion or deletion, about ``edit_rate`` of
    its Chinese characters, never on article numbers, numerals, markup or punctuation — the articles are kept).

    Deterministic: copy ``c`` of the document at position ``i`` (in ``doc_id`` order) draws from
    ``numpy.random.default_rng([seed, c, i])``. Each copy is a near-duplicate of its original (similarity about
    ``1 - 2 * edit_rate`` on its articles), so a ×s corpus has about s² times the pairs of ×1: the growth of a
    corpus in which every regulation has counterparts elsewhere, not that of ``times`` unrelated corpora.

    Returns
    -------
    DataFrame
        Columns of ``corpus`` (``doc_id``, ``province``, ``text``, ``title`` and whatever else it has; ``n_chars``
        updated when present), originals first, then copy 1 of every document, copy 2, …
    """
    if times < 1:
        raise ValueError(f"synthetic_local: times must be at least 1, got {times}")
    base = corpus.iloc[sorted(range(len(corpus)), key=lambda i: str(corpus["doc_id"].iat[i]))].reset_index(drop=True)
    out = [base]
    for c in range(1, times):
        cp = base.copy()
        prov = cp["province"].astype(str) + f"·合成{c}"
        cp["doc_id"] = [f"{p}/{str(d).split('/', 1)[-1]}" for p, d in zip(prov, cp["doc_id"])]
        cp["province"] = prov
        texts = []
        for i, text in enumerate(cp["text"].astype(str)):
            rng = np.random.default_rng([seed, c, i])
            texts.append(_edit_text(text, edit_rate, rng))
        cp["text"] = texts
        if "n_chars" in cp:
            cp["n_chars"] = cp["text"].str.len()
        out.append(cp)
    return pd.concat(out, ignore_index=True)


def _edit_text(text: str, rate: float, rng: np.random.Generator) -> str:
    """Edit the runs of Chinese characters (U+4E00–U+9FFF) between kept ones — article and chapter numbers
    (``第…条``), numerals, headings' markup, punctuation, Latin text and line breaks are never touched: about
    ``rate`` × the run's length edits by :func:`analysis.text.reuse._edit` in each run."""
    import re

    keep = "".join(sorted(c for c in _KEEP_CHARS if "\u4e00" <= c <= "\u9fff"))
    parts = re.split(f"(第[^条章节\\n]{{1,8}}[条章节]|[^\u4e00-\u9fff]+|[{keep}])", text)
    out = []
    for part in parts:
        if not part or not ("\u4e00" <= part[0] <= "\u9fff") or part[0] in _KEEP_CHARS:
            out.append(part)
            continue
        k = int(rng.binomial(len(part), rate))
        out.append(reuse._edit(part, k, rng) if k else part)
    return "".join(out)
