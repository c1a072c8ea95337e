"""Benchmark of cold word segmentation (writes tests/benchmarks/cold_tokens.md).

Run:  .venv/bin/python tests/benchmarks/bench_cold_tokens.py

On the first 23,215 clauses of the national-law corpus (clause order of ``analysis.load_clauses("national")``),
with the token cache off:

1. plain ``jieba.lcut`` (global tokenizer, no project dictionary) — the floor;
2. ``tokenize_series(cache=False)`` as it is now (tokenizer looked up once per batch, dictionary digest memoised);
3. the former per-text lookup, emulated: the tokenizer looked up for every text with the user-dictionary
   digest recomputed each time (what ``_segment_raw`` did before, 30 % of the time in a profile);
4. one ``tok.cut`` per text with the project dictionary (``_segment_raw``) against ``_segment_chunk`` (repeated
   jieba blocks looked up, words interned), timed here and checked token for token on every shipped corpus,
   with and without POS tags;
5. ``tokenize_series(cache=False, jobs=2)`` on the whole corpus against one process — two worker processes
   (a spawned ProcessPoolExecutor; Dask's multiprocessing scheduler measured slower), tokens checked identical;
6. jieba-fast-dat, when installed (it is *not* a project dependency: ``pip install jieba-fast-dat`` to measure
   it): speed on the same clauses, and on every shipped corpus the share of clauses whose segmentation differs
   from jieba's with the same project dictionary.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

N_CLAUSES = 23_215


def _timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def _fast_tokenizer():
    """jieba-fast-dat Tokenizer with the project dictionary loaded the way tokens._tokenizers loads it."""
    import jieba_fast_dat
    import pandas as pd

    from analysis.text import tokens

    jieba_fast_dat.setLogLevel(40)
    tok = jieba_fast_dat.Tokenizer()
    tok.initialize()
    for row in tokens.load_userdict().itertuples(index=False):
        tok.add_word(row.term, None if pd.isna(row.freq) else int(row.freq), row.pos)
    return tok


def main() -> str:
    import jieba

    import analysis
    from analysis.text import tokens

    jieba.setLogLevel(40)
    load = os.getloadavg()
    clauses = analysis.load_clauses("national")
    sample = clauses["text"].iloc[:N_CLAUSES].astype(str).tolist()
    norm = [tokens.normalize(t) for t in sample]
    n_chars = sum(map(len, norm))
    res = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; load average at start "
           f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (`uptime`: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}).",
           f"Sample: first {len(sample):,} clauses of the national-law corpus, {n_chars:,} characters after "
           "normalisation; tokenizer start-up (dictionary load) excluded from every row.\n",
           "| engine / path | seconds | M chars/s | × plain jieba |", "|---|---:|---:|---:|"]
    jieba.initialize()
    _, t_plain = _timed(lambda: [jieba.lcut(t) for t in norm])
    tokens.get_tokenizer()
    _, t_now = _timed(tokens.tokenize_series, sample, cache=False)

    def old_way():
        out = []
        for t in norm:
            tokens._sha256_of.cache_clear()
            out.append(tokens._segment_raw(t, False, tokens.USERDICT_CSV))
        return out

    _, t_old = _timed(old_way)
    path = str(tokens.USERDICT_CSV.resolve())
    tok = tokens.get_tokenizer()
    _, t_ref = _timed(lambda: [tokens._segment_raw(t, False, path, tok) for t in norm])
    _, t_chunk = _timed(tokens._segment_chunk, norm, False, path)
    rows = [("plain `jieba.lcut` (no project dictionary, no filters)", t_plain),
            ("former per-text tokenizer lookup (digest of userdict.csv per text), emulated", t_old),
            ("one `tok.cut` per text, project dictionary (`_segment_raw`: the reference)", t_ref),
            ("`_segment_chunk`: repeated jieba blocks looked up, words interned", t_chunk),
            ("`tokenize_series(cache=False)` now (normalise + segment + filter)", t_now)]
    try:
        fast = _fast_tokenizer()
        _, t_fast = _timed(lambda: [[w for w in fast.cut(t, HMM=True) if not w.isspace()] for t in norm])
        rows.append(("jieba-fast-dat `Tokenizer.cut` + project dictionary (segmentation only)", t_fast))
    except ImportError:
        fast = None
    for name, t in rows:
        res.append(f"| {name} | {t:.2f} | {n_chars / t / 1e6:.2f} | {t / t_plain:.2f} |")
    # parallel processes pay a start-up (import, dictionary load) per process: measured on the whole corpus
    everything = clauses["text"].astype(str).tolist()
    n_all = sum(len(tokens.normalize(t)) for t in everything)
    serial, t_ser = _timed(tokens.tokenize_series, everything, cache=False)
    par, t_par = _timed(tokens.tokenize_series, everything, cache=False, jobs=2)
    res.append(f"\nWhole national corpus ({len(everything):,} clauses, {n_all / 1e6:.1f} M characters), cache off: "
               f"one process {t_ser:.1f} s ({n_all / t_ser / 1e6:.2f} M chars/s); `jobs=2` (two spawned processes, "
               f"start-up included) {t_par:.1f} s ({n_all / t_par / 1e6:.2f} M chars/s, "
               f"{t_ser / t_par:.2f}× faster); tokens identical: {par.tolist() == serial.tolist()}.")
    res.append("\nExact shortcuts of `_segment_chunk` against one `tok.cut` per text (`_segment_raw`), every "
               "shipped corpus, without and with POS tags (seconds: reference / shortcut, one process):\n")
    res.append("| corpus | clauses | characters | POS | identical | reference s | `_segment_chunk` s | speed-up |\n"
               "|---|---:|---:|---|---|---:|---:|---:|")
    for name in ("cited", "digest", "collection", "national", "local"):
        texts = [tokens.normalize(t) for t in analysis.load_clauses(name)["text"].astype(str)]
        n = sum(map(len, texts))
        for pos in (False, True):
            ptok = tokens.get_tokenizer(pos=pos)
            ref, t_r = _timed(lambda: [tokens._segment_raw(t, pos, path, ptok) for t in texts])
            got, t_c = _timed(tokens._segment_chunk, texts, pos, path)
            same = got == [(tuple(w), tuple(f) if f is not None else None) for w, f in ref]
            res.append(f"| {name} | {len(texts):,} | {n:,} | {'yes' if pos else 'no'} | {same} | {t_r:.1f} | "
                       f"{t_c:.1f} | {t_r / t_c:.2f}× |")
            del ref, got
    if fast is not None:
        import jieba_fast_dat
        res.append(f"\njieba-fast-dat {jieba_fast_dat.__version__} against jieba {jieba.__version__}, both with the "
                   "project dictionary, HMM on, on normalised clause text: clauses segmented differently\n")
        res.append("| corpus | clauses | differing | share |\n|---|---:|---:|---:|")
        jtok = tokens.get_tokenizer()
        for name in ("cited", "digest", "collection", "national"):
            texts = [tokens.normalize(t) for t in analysis.load_clauses(name)["text"].astype(str)]
            diff = sum(1 for t in texts
                       if [w for w in jtok.cut(t, HMM=True) if not w.isspace()]
                       != [w for w in fast.cut(t, HMM=True) if not w.isspace()])
            res.append(f"| {name} | {len(texts):,} | {diff:,} | {diff / len(texts):.2%} |")
        res.append("\nNot identical on the shipped corpora, so it is not adopted: the project keeps jieba "
                   "(a different token would change every stored count, keyness table and notebook output).")
    else:
        res.append("\njieba-fast-dat is not installed in this environment; row omitted.")
    return "\n".join(res)


if __name__ == "__main__":
    body = main()
    out = Path(__file__).with_name("cold_tokens.md")
    out.write_text("# Cold word segmentation\n\nWritten by `tests/benchmarks/bench_cold_tokens.py` on "
                   f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n{body}\n", encoding="utf-8")
    print(body)
