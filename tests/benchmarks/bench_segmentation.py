"""Benchmark: the two segmentation engines — plain jieba and jieba with jieba-next's Rust route — and what decides
whether jieba-next is a default dependency or an extra (writes tests/benchmarks/segmentation.md).

Run:  .venv/bin/python tests/benchmarks/bench_segmentation.py [--rounds N] [--fresh-clone ROUNDS] [--no-wheels]

Needs jieba-next in the environment (``pip install .[fast]``). Measures:

1. cold segmentation of the whole national-law corpus (144,756 clauses) per core: each engine in a fresh process
   (``ANALYSIS_SEGMENTATION=jieba`` for plain jieba), token cache off; the tokenizer's start-up (dictionary, user
   dictionary, for jieba-next the Rust trie and the self-check) apart; then ``_segment_chunk`` without and with POS
   tags and ``tokenize_series(cache=False)`` end to end. Characters per CPU second = characters per second on one
   core; rounds alternate the engines;
2. jieba-next's *own* ``Tokenizer.cut`` (over jieba's dictionary state, the project user dictionary included) against
   jieba on the shipped corpora: clauses segmented differently — why the project takes only the route from it;
   and what loading the user dictionary with jieba-next's own ``add_word`` costs;
3. with ``--fresh-clone ROUNDS``: ``python -m analysis reproduce --jobs 2`` on a fresh clone of HEAD (empty token
   cache; nothing to rebuild when the build manifest is current) with each engine, alternating, and ``git status``
   afterwards;
4. unless ``--no-wheels``: which platforms jieba-next has wheels for (``pip download --only-binary=:all:``
   per platform tag and Python version; nothing is installed).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = ROOT / ".venv" / "bin" / "python"
sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

VERSION = "1.0.0rc1"
PLATFORMS = (("Linux x86-64 (glibc ≥ 2.28)", "manylinux_2_28_x86_64"),
             ("Linux x86-64, older glibc (manylinux2014)", "manylinux2014_x86_64"),
             ("Linux aarch64 (glibc ≥ 2.28)", "manylinux_2_28_aarch64"),
             ("Linux x86-64, musl (Alpine)", "musllinux_1_2_x86_64"),
             ("macOS arm64", "macosx_14_0_arm64"),
             ("macOS x86-64", "macosx_13_0_x86_64"),
             ("Windows x86-64", "win_amd64"))
PYTHONS = ("3.11", "3.12", "3.13")

ENGINE_RUN = r'''
import json, os, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import analysis
from analysis.text import tokens
texts = analysis.load_clauses("national")["text"].astype(str).tolist()
norm = [tokens.normalize(t) for t in texts]
n = sum(map(len, norm))
path = str(tokens.USERDICT_CSV.resolve())
res = {"chars": n, "clauses": len(texts)}
t, c = time.perf_counter(), time.process_time()
tokens.get_tokenizer()
res["startup"] = (time.perf_counter() - t, time.process_time() - c)
res["engine"] = tokens.ENGINE
t, c = time.perf_counter(), time.process_time()
tokens.get_tokenizer(pos=True)
res["startup_pos"] = (time.perf_counter() - t, time.process_time() - c)
for key, fn in (("plain", lambda: tokens._segment_chunk(norm, False, path)),
                ("pos", lambda: tokens._segment_chunk(norm, True, path)),
                ("series", lambda: tokens.tokenize_series(texts, cache=False))):
    t, c = time.perf_counter(), time.process_time()
    fn()
    res[key] = (time.perf_counter() - t, time.process_time() - c)
print(json.dumps(res))
'''

OWN_CUT = r'''
import json, logging, time
import jieba, jieba_next
import pandas as pd
import analysis
from analysis.paths import CACHE_DIR
from analysis.text import tokens
jieba.setLogLevel(40); jieba_next.set_log_level(40)
ref = jieba.Tokenizer(); ref.tmp_dir = str(CACHE_DIR / "jieba"); ref.initialize()
ud = tokens.load_userdict()
for row in ud.itertuples(index=False):
    ref.add_word(row.term, None if pd.isna(row.freq) else int(row.freq), row.pos)
own = jieba_next.Tokenizer(cache_dir=str(CACHE_DIR / "jieba-next")); own.initialize()
t = time.perf_counter()
for row in ud.head(40).itertuples(index=False):      # its own add_word, as a user would load the dictionary
    own.add_word(row.term, None if pd.isna(row.freq) else int(row.freq), row.pos)
res = {"add_word_40": time.perf_counter() - t, "terms": len(ud)}
own.FREQ, own.total, own._rust_prefix = dict(ref.FREQ), ref.total, None   # jieba's exact dictionary state
for name in ("cited", "digest", "collection", "national"):
    texts = [tokens.normalize(x) for x in analysis.load_clauses(name)["text"].astype(str)]
    diff = [t for t in texts if [w for w in ref.cut(t) if not w.isspace()] != [w for w in own.cut(t) if not w.isspace()]]
    example = None
    if diff:
        t0 = diff[0]
        a = [w for w in ref.cut(t0) if not w.isspace()]; b = [w for w in own.cut(t0) if not w.isspace()]
        i = next(k for k in range(min(len(a), len(b))) if a[k] != b[k])
        example = ("/".join(a[max(0, i - 2):i + 3]), "/".join(b[max(0, i - 2):i + 3]))
    res[name] = (len(texts), len(diff), example)
print(json.dumps(res, ensure_ascii=False))
'''


def run_json(code: str, env_extra: dict) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", **env_extra}
    p = subprocess.run([str(PY), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def engines(rounds: int) -> list[str]:
    runs: dict[str, list[dict]] = {"jieba": [], "auto": []}
    for _ in range(rounds):
        for mode in runs:
            runs[mode].append(run_json(ENGINE_RUN, {"ANALYSIS_SEGMENTATION": mode}))
    n = runs["auto"][0]["chars"]
    out = [f"Whole national-law corpus: {runs['auto'][0]['clauses']:,} clauses, {n:,} characters after normalisation; "
           f"token cache off; one process per engine and round, {rounds} rounds alternating; median of the rounds "
           "(CPU = user + system of the process; M chars/s per core = characters / CPU seconds).\n",
           f"- jieba: `{runs['jieba'][0]['engine']}`", f"- jieba-next: `{runs['auto'][0]['engine']}`\n",
           "| step | jieba: wall s | CPU s | M chars/s per core | jieba-next route: wall s | CPU s | "
           "M chars/s per core | CPU ratio |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    names = {"startup": "tokenizer start-up (dictionary, user dictionary; route: + Rust trie + self-check)",
             "startup_pos": "POS tagger start-up (route: + POS self-check)",
             "plain": "`_segment_chunk`, words (what the token cache stores)",
             "pos": "`_segment_chunk`, words + POS tags",
             "series": "`tokenize_series(cache=False)`: normalise + segment + filter"}
    for key, label in names.items():
        row = [label]
        cpus = []
        for mode in ("jieba", "auto"):
            wall = statistics.median(r[key][0] for r in runs[mode])
            cpu = statistics.median(r[key][1] for r in runs[mode])
            cpus.append(cpu)
            rate = "" if key.startswith("startup") else f"{n / cpu / 1e6:.2f}"
            row += [f"{wall:.1f}", f"{cpu:.1f}", rate]
        row.append(f"{cpus[0] / cpus[1]:.2f}×")
        out.append("| " + " | ".join(row) + " |")
    return out


def own_cut() -> list[str]:
    r = run_json(OWN_CUT, {})
    out = ["\njieba-next's own `Tokenizer.cut` (its block regex, its Rust HMM) over jieba's exact dictionary state "
           "(project user dictionary included), against jieba, HMM on, normalised clauses:\n",
           "| corpus | clauses | segmented differently | first difference: jieba / jieba-next |", "|---|---:|---:|---|"]
    for name in ("cited", "digest", "collection", "national"):
        total, diff, ex = r[name]
        cell = "—" if not ex else f"`{ex[0]}` / `{ex[1]}`".replace("|", "\\|")   # a | would split the table
        out.append(f"| {name} | {total:,} | {diff:,} ({diff / total:.2%}) | {cell} |")
    out.append(f"\nLoading the user dictionary with jieba-next's own `add_word` (it rebuilds its Rust trie at every "
               f"word): {r['add_word_40']:.1f} s for 40 of the {r['terms']} terms, about "
               f"{r['add_word_40'] / 40 * r['terms']:.0f} s for all; jieba's `add_word` loads all of them in 0.03 s.")
    return out


def fresh_clone(rounds: int) -> list[str]:
    times: dict[str, list[float]] = {"jieba": [], "auto": []}
    status: dict[str, set[str]] = {"jieba": set(), "auto": set()}
    loads = [load()]
    for _ in range(rounds):
        for mode in times:
            tmp = Path(tempfile.mkdtemp(prefix="fresh-seg-"))
            clone = tmp / "repo"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            env = {**os.environ, "PYTHONPATH": str(clone), "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
                   "ANALYSIS_SEGMENTATION": mode}
            env.pop("ANALYSIS_TOKEN_CACHE", None)
            t0 = time.perf_counter()
            p = subprocess.run([str(PY), "-m", "analysis", "reproduce", "--jobs", "2"], cwd=clone, env=env,
                               capture_output=True, text=True)
            times[mode].append(time.perf_counter() - t0)
            if p.returncode:
                raise SystemExit(p.stdout + p.stderr)
            st = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
            status[mode].add("clean" if not st.strip() else st.strip())
            shutil.rmtree(tmp, ignore_errors=True)
    loads.append(load())
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    out = [f"\nFresh clone of {head} (no `.cache`: empty token cache), `python -m analysis reproduce --jobs 2`, "
           f"{rounds} round(s) alternating the engines; load average {loads[0]} at start, {loads[1]} at the end:\n",
           "| engine | wall time per run | `git status` afterwards |", "|---|---|---|"]
    for mode, label in (("jieba", "jieba (`ANALYSIS_SEGMENTATION=jieba`)"), ("auto", "jieba-next route")):
        out.append(f"| {label} | {', '.join(f'{t:.1f} s' for t in times[mode])} | {'; '.join(sorted(status[mode]))} |")
    return out


def wheels() -> list[str]:
    out = [f"\njieba-next {VERSION}: a wheel on PyPI for (`pip download --no-deps --only-binary=:all: --platform TAG "
           "--python-version V`; otherwise pip would build the sdist, which needs a Rust toolchain):\n",
           "| platform (tag asked for) | " + " | ".join(f"Python {v}" for v in PYTHONS) + " |",
           "|---|" + "---|" * len(PYTHONS)]
    for label, tag in PLATFORMS:
        cells = []
        for v in PYTHONS:
            d = tempfile.mkdtemp(prefix="wheel-")
            p = subprocess.run([str(PY), "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform", tag,
                                "--python-version", v, "--implementation", "cp", "-d", d, f"jieba-next=={VERSION}"],
                               capture_output=True, text=True)
            got = [f.name for f in Path(d).glob("*.whl")]
            cells.append(f"`{got[0].split('-')[-1].removesuffix('.whl')}`" if p.returncode == 0 and got else "none")
            shutil.rmtree(d, ignore_errors=True)
        out.append(f"| {label} (`{tag}`) | " + " | ".join(cells) + " |")
    return out


def main() -> str:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--fresh-clone", type=int, default=0, metavar="ROUNDS",
                    help="rounds of reproduce on a fresh clone per engine (0: skip)")
    ap.add_argument("--no-wheels", action="store_true")
    args = ap.parse_args()
    load0 = load()
    body = engines(args.rounds)
    body += own_cut()
    if args.fresh_clone:
        body += fresh_clone(args.fresh_clone)
    if not args.no_wheels:
        body += wheels()
    head = [f"Machine: {cpu_name()}, {os.cpu_count()} cores, shared with other jobs; load average {load0} at start, "
            f"{load()} at the end. Python {sys.version.split()[0]}.\n"]
    return "\n".join(head + body)


if __name__ == "__main__":
    try:
        import jieba_next  # noqa: F401
    except ImportError:
        print("bench_segmentation: jieba-next is not installed (`pip install .[fast]`); nothing to compare, skipped")
        raise SystemExit(0)
    text = main()
    Path(__file__).with_name("segmentation.md").write_text(
        "# Segmentation engines: jieba and jieba-next's Rust route\n\nWritten by "
        f"`tests/benchmarks/bench_segmentation.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n"
        f"{text}\n", encoding="utf-8")
    print(text)
