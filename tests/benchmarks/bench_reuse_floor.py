"""Benchmark and scan for the reuse detector's candidate floor (issue 20); writes tests/benchmarks/reuse_floor.md.

Run (not part of the test suite)::

    .venv/bin/python tests/benchmarks/bench_reuse_floor.py

1. **Time** of the whole local × national comparison with the defaults (``reuse.reuse_target`` of the 1,512
   national texts, then ``reuse.reuse_against`` of the 1,911 local texts; every confirmed pair kept, both
   candidate routes, kinds of shared text), wall and CPU, peak resident memory, pairs by kind.
2. **Scan below the containment floor**: every candidate pair sharing at least ``min_shared`` shingles with
   containment below ``min_containment`` (0.30) is aligned, and the pairs the alignment confirms (``min_matched``,
   ``min_similarity``) are counted by containment band and by shared shingles — what a lower floor would add,
   and what the second route (``route_shared`` shared shingles) takes of it.
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from machine import cpu_name  # tests/benchmarks/machine.py (scripts run with this folder on sys.path)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).with_name("reuse_floor.md")


def main() -> None:
    import os

    import numpy as np
    import pandas as pd

    from analysis.corpus.corpora import load_clauses, national_corpus
    from analysis.corpus.local import local_corpus
    from analysis.text import reuse

    load_before = os.getloadavg()
    loc, nat = local_corpus(), national_corpus()
    lc, nc = load_clauses(loc), load_clauses(nat)
    ltext = dict(zip(loc["doc_id"], loc["text"]))
    w0, c0 = time.perf_counter(), time.process_time()
    target = reuse.reuse_target(nc, dict(zip(nat["doc_id"], nat["text"])), dict(zip(nat["doc_id"], nat["title"])))
    w1 = time.perf_counter()
    su = reuse.units(lc, ltext)
    su = su[su["norm"].str.len() >= reuse.DEFAULTS["k"]].reset_index(drop=True)
    pairs = reuse.reuse_against(lc, ltext, target, source_units=su)
    w2, c2 = time.perf_counter(), time.process_time()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kinds = pairs["kind"].value_counts().sort_index()

    p = reuse.DEFAULTS
    cand = reuse.match_index(target.index, list(su["norm"]), min_shared=p["min_shared"], min_containment=0.0)
    low = cand[cand["containment"] < p["min_containment"]].reset_index(drop=True)
    s_norm, t_norm = su["norm"].tolist(), target.units["norm"].tolist()
    w3 = time.perf_counter()
    ok = np.zeros(len(low), dtype=bool)
    for i, (s, t) in enumerate(zip(low["source"].to_numpy(), low["target"].to_numpy())):
        al = reuse.align(s_norm[s], t_norm[t], min_block=p["min_block"], gap_cost=p["gap_cost"])
        ok[i] = al is not None and al.matched >= p["min_matched"] and al.similarity >= p["min_similarity"]
    w4 = time.perf_counter()
    low["confirmed"] = ok
    low["band"] = pd.cut(low["containment"], [0, 0.1, 0.2, 0.3], right=False).astype(str)
    low["shared_band"] = pd.cut(low["shared"], [6, 10, 15, 20, 30, 10**9], right=False,
                                labels=["6–9", "10–14", "15–19", "20–29", "30+"]).astype(str)
    by_band = low.groupby("band").agg(candidates=("confirmed", "size"), confirmed=("confirmed", "sum"))
    by_shared = low.groupby("shared_band").agg(candidates=("confirmed", "size"), confirmed=("confirmed", "sum"))
    route = low["shared"] >= p["route_shared"]

    lines = ["# Benchmark: the reuse detector's candidate floor (issue 20)", "",
             f"Machine: {cpu_name()}, {os.cpu_count()} cores; Python {sys.version.split()[0]}; load average before "
             f"{load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} (shared with other jobs: wall times are under "
             "that load). Written by `tests/benchmarks/bench_reuse_floor.py`.", "",
             "## The whole local × national comparison with the defaults", "",
             "| step | wall s |", "|---|---|",
             f"| national target (units, shingles, title frequencies) | {w1 - w0:.1f} |",
             f"| local units, candidates (both routes), alignment, kinds | {w2 - w1:.1f} |",
             f"| total | {w2 - w0:.1f} (CPU {c2 - c0:.1f} s) |", "",
             f"Peak resident memory {rss:,.0f} MB. Pairs: {len(pairs):,} "
             f"({', '.join(f'{k} {n:,}' for k, n in kinds.items())}).", "",
             "## Scan below containment 0.30", "",
             f"Candidate pairs sharing ≥ {p['min_shared']} shingles at containment < {p['min_containment']}: "
             f"{len(low):,}, each aligned ({w4 - w3:.1f} s); confirmed by the alignment: {int(ok.sum()):,}.", "",
             "| containment | candidates | confirmed |", "|---|---|---|"]
    lines += [f"| {b} | {int(r.candidates):,} | {int(r.confirmed):,} |" for b, r in by_band.iterrows()]
    lines += ["", "| shared shingles | candidates | confirmed |", "|---|---|---|"]
    order = ["6–9", "10–14", "15–19", "20–29", "30+"]
    lines += [f"| {b} | {int(by_shared.at[b, 'candidates']):,} | {int(by_shared.at[b, 'confirmed']):,} |"
              for b in order if b in by_shared.index]
    lines += ["", f"The second route (≥ {p['route_shared']} shared shingles) takes {int(route.sum()):,} of these "
              f"candidates, of which the alignment confirms {int(ok[route.to_numpy()].sum()):,}.", "",
              "## Reading these numbers", "",
              "- Nearly all the pairs a lower floor would confirm share few shingles after the `max_df` filter: their",
              "  alignment runs through wording common to many laws (penalty and planning formulae, lists of bodies),",
              "  which the filter prunes from the candidate count but the alignment sees. Lowering the floor would add",
              "  hundreds of thousands of such pairs; the second route adds the pairs whose shared text is long enough to",
              "  be a sentence (a copied sentence in a long article), and the gold set measures what it brings:",
              "  `reuse_precision.csv` and notebook 08 (stratum 1, containment 0.10–0.30: precision about 0.55).",
              "- `min_matched` (15 characters) stays: of the 7 labelled restatements the detector misses, 5 are copied",
              "  phrases of 7–14 characters; lowering it would confirm many more of the short stock runs the labellers",
              "  call stock, the largest group of false positives.",
              "- Cost grows linearly with the local corpus (each local unit is matched on its own against the prepared",
              "  national index; see `reuse.md` and `distributed_reuse.md` for 1×–4×) and with the number of candidate",
              "  pairs; the national index is built once.", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
