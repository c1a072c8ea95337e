"""Benchmark: all local clauses against all national clauses (analysis.text.reuse.find_reuse), at 1x, 2x and
4x the local corpus; and the candidate step against MinHash + LSH (datasketch).

Run (not part of the test suite)::

    .venv/bin/python tests/benchmarks/bench_reuse.py

Each size runs in its own process (so that its peak resident memory is its own): the local corpus is
replicated by repeating every document under a new doc_id; the national corpus (1,512 texts) stays the
target. Phases: segmentation into clauses, units and normalisation, candidates (sparse shingle product),
alignment and assembly. Then, at 1x, MinHash signatures (128 permutations, the same 5-gram shingles) of
every national unit and of a 10 % sample of local units, an LSH index at Jaccard threshold 0.3, and the
share of the sparse method's confirmed pairs of the sampled units that LSH proposes as candidates.
Writes tests/benchmarks/reuse.md.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from machine import cpu_name  # tests/benchmarks/machine.py (scripts run with this folder on sys.path)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = Path(__file__).with_name("reuse.md")
FACTORS = (1, 2, 4)


def run_size(k: int) -> dict:
    import pandas as pd

    from analysis.text import reuse
    from analysis.corpus.corpora import load_clauses, national_corpus
    from analysis.corpus.local import local_corpus

    nat, loc = national_corpus(), local_corpus()
    if k > 1:
        loc = pd.concat([loc.assign(doc_id=loc["doc_id"] + (f"#copy{i}" if i else "")) for i in range(k)],
                        ignore_index=True)
    t = {}
    t0 = time.perf_counter()
    lc, nc = load_clauses(loc), load_clauses(nat)
    t["segment"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    su = reuse.units(lc, dict(zip(loc["doc_id"], loc["text"])))
    tu = reuse.units(nc, dict(zip(nat["doc_id"], nat["text"])))
    t["units"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cand = reuse.candidates(list(su["norm"]), list(tu["norm"]))
    t["candidates"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = reuse.find_reuse(lc, dict(zip(loc["doc_id"], loc["text"])), nc, dict(zip(nat["doc_id"], nat["text"])),
                             dict(zip(nat["doc_id"], nat["title"])))
    t["find_reuse (all steps again)"] = time.perf_counter() - t0
    return dict(k=k, local_texts=len(loc), local_chars=int(loc["n_chars"].sum()), local_units=len(su),
                national_units=len(tu), candidates=len(cand), pairs=len(pairs), times=t,
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_minhash() -> dict:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from analysis.text import reuse
    from analysis.corpus.corpora import load_clauses, national_corpus
    from analysis.corpus.local import local_corpus

    nat, loc = national_corpus(), local_corpus()
    su = reuse.units(load_clauses(loc), dict(zip(loc["doc_id"], loc["text"])))
    tu = reuse.units(load_clauses(nat), dict(zip(nat["doc_id"], nat["text"])))
    su = su[su["norm"].str.len() >= 5].reset_index(drop=True)
    tu = tu[tu["norm"].str.len() >= 5].reset_index(drop=True)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(len(su), size=len(su) // 10, replace=False))
    out = {}
    # sparse: candidates of the sample, and the pairs it confirms
    t0 = time.perf_counter()
    cand = reuse.candidates(list(su["norm"].iloc[sample]), list(tu["norm"]))
    out["sparse_candidates_s"] = time.perf_counter() - t0
    confirmed = set()
    for s, tt in zip(cand["source"], cand["target"]):
        al = reuse.align(su["norm"].iloc[sample[s]], tu["norm"].iloc[tt])
        if al and al.matched >= reuse.DEFAULTS["min_matched"] and al.similarity >= reuse.DEFAULTS["min_similarity"]:
            confirmed.add((int(sample[s]), int(tt)))

    def shingles(s):
        return {s[i:i + 5].encode("utf-8") for i in range(len(s) - 4)}

    t0 = time.perf_counter()
    mh_t = MinHash.bulk([shingles(s) for s in tu["norm"]], num_perm=128)
    out["minhash_national_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    for i, m in enumerate(mh_t):
        lsh.insert(i, m)
    out["lsh_index_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mh_s = MinHash.bulk([shingles(su["norm"].iloc[i]) for i in sample], num_perm=128)
    found = set()
    n_cand = 0
    for i, m in zip(sample, mh_s):
        hits = lsh.query(m)
        n_cand += len(hits)
        found.update((int(i), int(h)) for h in hits)
    out["minhash_query_sample_s"] = time.perf_counter() - t0
    out.update(sample_units=len(sample), sparse_candidates=len(cand), lsh_candidates=n_cand,
               confirmed_pairs=len(confirmed), lsh_recall_of_confirmed=len(confirmed & found) / max(len(confirmed), 1),
               peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    load = os.popen("uptime").read().strip()
    results = []
    for k in FACTORS:
        r = subprocess.run([sys.executable, __file__, "--size", str(k)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "0"})
        results.append(json.loads(r.stdout.strip().splitlines()[-1]))
        print(results[-1], flush=True)
    r = subprocess.run([sys.executable, __file__, "--minhash"], capture_output=True, text=True, check=True)
    mh = json.loads(r.stdout.strip().splitlines()[-1])
    print(mh, flush=True)
    load_after = os.popen("uptime").read().strip()
    lines = ["# Benchmark: local × national text reuse", "",
             f"Machine: {os.cpu_count()} cores, {cpu_name()}; Python {platform.python_version()}.  ",
             f"Load before: `{load}`  ", f"Load after: `{load_after}`  ",
             "The machine is shared with other engineers' jobs: times are wall-clock under that load.", "",
             "## All local clauses against all national clauses (`find_reuse`)", "",
             "Each size in its own process; local corpus replicated k times; national corpus (1,512 texts) as "
             "target. `find_reuse` repeats units and candidates, so its time is the end-to-end figure.", "",
             "| size | local texts | local chars | local units | national units | candidates | pairs | segment s "
             "| units s | candidates s | find_reuse s | peak RSS MB |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        t = r["times"]
        lines.append(f"| {r['k']}× | {r['local_texts']:,} | {r['local_chars']:,} | {r['local_units']:,} | "
                     f"{r['national_units']:,} | {r['candidates']:,} | {r['pairs']:,} | {t['segment']:.1f} | "
                     f"{t['units']:.1f} | {t['candidates']:.1f} | {t['find_reuse (all steps again)']:.1f} | "
                     f"{r['peak_mb']:,.0f} |")
    lines += ["", "## Candidate search: sparse shingle product vs MinHash + LSH (datasketch 2.0.0)", "",
              f"Sample: {mh['sample_units']:,} local units (10 %, seed 0) against all national units.", "",
              "| method | time s | candidates | recall of the sparse method's confirmed pairs |", "|---|---|---|---|",
              f"| sparse product (containment ≥ 0.3) | {mh['sparse_candidates_s']:.1f} | {mh['sparse_candidates']:,} "
              "| 1 (by construction) |",
              f"| MinHash 128 perm + LSH (Jaccard ≥ 0.3) | {mh['minhash_national_s'] + mh['lsh_index_s'] + mh['minhash_query_sample_s']:.1f} "
              f"(national signatures {mh['minhash_national_s']:.1f}, index {mh['lsh_index_s']:.1f}, sample "
              f"signatures + queries {mh['minhash_query_sample_s']:.1f}) | {mh['lsh_candidates']:,} | "
              f"{mh['lsh_recall_of_confirmed']:.3f} |", "",
              f"Confirmed pairs of the sample (sparse candidates aligned with the default thresholds): "
              f"{mh['confirmed_pairs']:,}. Peak RSS of the comparison process: {mh['peak_mb']:,.0f} MB.", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        print(json.dumps(run_size(int(sys.argv[2]))))
    elif len(sys.argv) == 2 and sys.argv[1] == "--minhash":
        print(json.dumps(run_minhash()))
    else:
        main()
