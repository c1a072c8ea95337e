"""Labelling packets for the reuse gold set: each pair's two articles in full, nothing else.

A labeller (a person following ``data/curated/reuse_labelling_guide.md``, or an independent assistant that
sees only the guide and the packet) reads a packet and writes one label per pair. The packet shows the pair id,
the two documents and articles and their full texts — never the stratum, the shingle containment, the
detector's decision or another labeller's label — in the order given (a seeded shuffle of the pairs).

    python -m analysis.text.reuse_labelling PAIRS.csv OUT.md [--seed N]

``PAIRS.csv`` has ``pair_id``, ``source_doc``, ``source_unit``, ``target_doc``, ``target_unit`` (the columns of
``data/curated/reuse_gold.csv``).
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

__all__ = ["pair_texts", "write_packet", "double_coded_subset", "DOUBLE_SEED"]

DOUBLE_SEED = 20261207


def pair_texts(pairs: pd.DataFrame, local: pd.DataFrame | None = None,
               national: pd.DataFrame | None = None) -> pd.DataFrame:
    """The full text of both articles of each pair (``source_text``, ``target_text``) beside the pair's keys.

    Raises ``ValueError`` naming the pair id when an article is not in its corpus."""
    from ..corpus.corpora import load_clauses, national_corpus
    from ..corpus.local import local_corpus
    from .reuse import units

    loc = local_corpus() if local is None else local
    nat = national_corpus() if national is None else national
    out = pairs.copy()
    for side, corpus in (("source", loc), ("target", nat)):
        sub = corpus[corpus["doc_id"].isin(set(pairs[f"{side}_doc"]))]
        u = units(load_clauses(sub), dict(zip(sub["doc_id"], sub["text"])))
        text = {(d, k): t for d, k, t in zip(u["doc_id"], u["unit"], u["text"])}
        vals = []
        for pid, d, k in zip(pairs["pair_id"], pairs[f"{side}_doc"], pairs[f"{side}_unit"]):
            if (d, k) not in text:
                raise ValueError(f"pair {pid}: {side} article {d} {k} not found in the corpus")
            vals.append(text[(d, k)])
        out[f"{side}_text"] = vals
    return out


def double_coded_subset(gold: pd.DataFrame, *, per_stratum: int = 30, seed: int = DOUBLE_SEED) -> pd.DataFrame:
    """The pairs given to the second guide-v2 labeller: ``per_stratum`` pairs of each stratum of the first draw,
    chosen with ``numpy.random.default_rng(seed)`` (strata in order, positions sorted), in ``pair_id`` order."""
    rng = np.random.default_rng(seed)
    first = gold[gold["pair_id"].str.startswith("g")]
    parts = []
    for _, grp in first.groupby(first["stratum"].astype(int), sort=True):
        parts.append(grp.iloc[np.sort(rng.choice(len(grp), size=per_stratum, replace=False))])
    return pd.concat(parts).sort_values("pair_id", kind="stable").reset_index(drop=True)


def write_packet(pairs: pd.DataFrame, path: str, *, seed: int | None = None) -> None:
    """Write a markdown packet of the pairs (shuffled with ``numpy.random.default_rng(seed)`` when a seed is
    given) for a labeller."""
    df = pair_texts(pairs)
    if seed is not None:
        df = df.iloc[np.random.default_rng(seed).permutation(len(df))]
    lines = ["# Pairs to label", "",
             "For each pair write one label (boilerplate, formula, stock, verbatim, edited, independent) by the guide.", ""]
    for r in df.itertuples(index=False):
        lines += [f"## {r.pair_id}", "", f"**Local** — {r.source_doc} · {r.source_unit}", "",
                  "> " + str(r.source_text).strip().replace("\n", "\n> "), "",
                  f"**National** — {r.target_doc} · {r.target_unit}", "",
                  "> " + str(r.target_text).strip().replace("\n", "\n> "), ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs"); ap.add_argument("out"); ap.add_argument("--seed", type=int)  # noqa: E702
    a = ap.parse_args(argv)
    write_packet(pd.read_csv(a.pairs, dtype=str), a.out, seed=a.seed)


if __name__ == "__main__":
    main()
