"""A small mutation run: do the unit tests catch single-point edits of analysis/? (writes tests/benchmarks/mutation.md)

Run:  cd /work/main && .venv/bin/python tests/benchmarks/mutation.py                 # every mutant, current tests
      .venv/bin/python tests/benchmarks/mutation.py --tests-at 2e4557b --no-write    # same mutants, older tests
      .venv/bin/python tests/benchmarks/mutation.py --only egov-world-mean-zeros     # one mutant

Each mutant below is one chosen edit of one line (an operator swapped, a bound moved by one, a fillna or a
skipna dropped, a sort reversed, a count drawn wrong) with the module tests that should catch it. The script
copies the repository's work tree (without .git, .venv*, .cache, build/) into a temporary folder, checks that
the unmutated copy passes those tests, then for each mutant edits the file *in the copy*, runs
``pytest <tests>`` there (PYTHONPATH and the working directory point at the copy, no bytecode is written) and
puts the original file back. The work tree itself is never written, except for the report
(tests/benchmarks/mutation.md, unless --no-write). A mutant is *killed* when pytest fails (a failed test, an
error or a timeout) and *survives* when every test passes. Notebooks (nbval) are not run: the point is which
mutants the unit tests catch by themselves.

``--tests-at REV`` replaces tests/ in the copy by tests/ of git revision REV (the code stays as it is in the
work tree), to show which mutants the tests of that revision let through.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import cpu_name  # noqa: E402

OUT = Path(__file__).with_name("mutation.md")
TIMEOUT = 600  # seconds per pytest run; a mutant that hangs the tests counts as killed (by the timeout)


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str
    path: str          # file under the repository root
    old: str           # exact text, must occur exactly once in the file
    new: str
    tests: tuple[str, ...]
    note: str = ""     # what the edit does; for a survivor, why no unit test sees it


EGOV, TOPICS, NETWORKS = "analysis/report/egov.py", "analysis/text/topics.py", "analysis/text/networks.py"
KEYWORDS, STATS = "analysis/text/keywords.py", "analysis/text/corpus_stats.py"
T_EGOV, T_TOPICS, T_NET = ("tests/test_egov.py",), ("tests/test_topics.py",), ("tests/test_networks.py",)
T_KW, T_STATS = ("tests/test_keywords.py",), ("tests/test_corpus_stats.py",)

MUTANTS: list[Mutant] = [
    # ---- the three the issue names (18): they survived every unit test before
    Mutant("egov-world-mean-zeros", "missing → 0 (fillna(0) added)", EGOV,
           '"world_mean_egdi": a["egdi"].mean(),', '"world_mean_egdi": a["egdi"].fillna(0).mean(),', T_EGOV,
           "world mean EGDI counts the 2003–2012 'no score' zeros as 0 (2003: 0.4024 → 0.3645)"),
    Mutant("egov-diff-zeros", "missing → 0 (fillna(0) added)", EGOV,
           '"country_minus_world_mean": me["egdi"] - a["egdi"].mean(),',
           '"country_minus_world_mean": me["egdi"] - a["egdi"].fillna(0).mean(),', T_EGOV,
           "the same error in China minus world mean only"),
    Mutant("topics-cluster-draws-n-1", "off-by-one", TOPICS,
           "idx = rng.integers(0, n_clu, size=(n_boot, n_clu))",
           "idx = rng.integers(0, n_clu, size=(n_boot, n_clu - 1))", T_TOPICS,
           "cluster bootstrap draws one cluster fewer than the group has"),
    Mutant("topics-cluster-draws-n+1", "off-by-one", TOPICS,
           "idx = rng.integers(0, n_clu, size=(n_boot, n_clu))",
           "idx = rng.integers(0, n_clu, size=(n_boot, n_clu + 1))", T_TOPICS,
           "cluster bootstrap draws one cluster more than the group has"),
    Mutant("topics-cluster-draws-rows", "wrong count", TOPICS,
           "idx = rng.integers(0, n_clu, size=(n_boot, n_clu))",
           "idx = rng.integers(0, n_clu, size=(n_boot, len(m)))", T_TOPICS,
           "cluster bootstrap draws as many clusters as the group has rows (clauses)"),
    Mutant("networks-communities-smallest-first", "reversed sort", NETWORKS,
           "comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))",
           "comms = sorted((sorted(c) for c in comms), key=lambda c: (len(c), c[0]))", T_NET,
           "community 0 is the smallest community instead of the largest"),
    Mutant("networks-communities-tie-reversed", "reversed sort", NETWORKS,
           "comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))",
           "comms = sorted((sorted(c) for c in comms), key=lambda c: (len(c), c[0]), reverse=True)", T_NET,
           "largest first, but communities of equal size by their first term descending"),
    # ---- egov: other edits of the same table
    Mutant("egov-median-skipna", "skipna dropped", EGOV,
           '"world_median_egdi": a["egdi"].median(),', '"world_median_egdi": a["egdi"].median(skipna=False),',
           T_EGOV, "world median is <NA> in every edition with a country without score"),
    Mutant("egov-region-mean-zeros", "missing → 0 (fillna(0) added)", EGOV,
           '"region_mean_egdi": reg["egdi"].mean(),', '"region_mean_egdi": reg["egdi"].fillna(0).mean(),', T_EGOV,
           "region mean counts the zeros"),
    Mutant("egov-zero-editions-off-by-one", "off-by-one", EGOV,
           '(a["year"].astype(int) <= EGDI_ZERO_LAST_EDITION)', '(a["year"].astype(int) < EGDI_ZERO_LAST_EDITION)',
           T_EGOV, "the 2012 zeros (3 countries) count as scores"),
    # ---- topics
    Mutant("topics-ci-alpha", "operator", TOPICS,
           "alpha = (1 - ci) / 2", "alpha = (1 - ci) * 2", T_TOPICS,
           "percentile interval at (1-ci)*2 instead of (1-ci)/2: a 80 % interval for ci=0.95"),
    # ---- networks
    Mutant("networks-min-count-off-by-one", "off-by-one", NETWORKS,
           "keep = co.data >= min_count", "keep = co.data > min_count", T_NET,
           "pairs seen in exactly min_count clauses are dropped"),
    Mutant("networks-npmi-sign", "operator", NETWORKS,
           "npmi = np.where(p_ab >= 1.0, 1.0, pmi / -np.log(p_ab))",
           "npmi = np.where(p_ab >= 1.0, 1.0, pmi / np.log(p_ab))", T_NET, "NPMI with the wrong sign"),
    Mutant("networks-backbone-weakest", "reversed sort", NETWORKS,
           "key=lambda kv: (-kv[1].get(weight, 0.0), kv[0])", "key=lambda kv: (kv[1].get(weight, 0.0), kv[0])",
           T_NET, "backbone keeps each node's weakest edges"),
    # ---- keywords
    Mutant("keywords-keyness-min-count", "off-by-one", KEYWORDS,
           "out = out[(a + b) >= min_count]", "out = out[(a + b) > min_count]", T_KW,
           "features seen exactly min_count times are dropped. Survives: the hand-computed keyness tests use "
           "the default min_count=1 on features seen at least twice, and the min_count=3 tests compare two ways of "
           "calling keyness (both mutated alike); no test puts a feature exactly at the bound. Notebook 04's stored "
           "keyness tables would show it (nbval). A test with one feature at a + b == min_count would kill it."),
    Mutant("keywords-keyness-order", "reversed sort", KEYWORDS,
           'return out.sort_values(["G2", "feature"], ascending=[False, True], kind="stable")',
           'return out.sort_values(["G2", "feature"], ascending=[True, True], kind="stable")', T_KW,
           "keyness table weakest first"),
    Mutant("keywords-yates-sign", "operator", KEYWORDS,
           "adj = diff - np.minimum(0.5, diff)", "adj = diff + np.minimum(0.5, diff)", T_KW,
           "Yates' continuity correction added instead of subtracted (chi2 column)"),
    Mutant("keywords-bonferroni", "operator", KEYWORDS,
           "thr = alpha / max(len(res), 1)", "thr = alpha * max(len(res), 1)", T_KW,
           "Bonferroni threshold multiplied instead of divided"),
    # ---- corpus_stats
    Mutant("stats-median-year-off-by-one", "off-by-one", STATS,
           "median_year=expanded[(n - 1) // 2]", "median_year=expanded[n // 2]", T_STATS,
           "upper instead of lower median year. Survives: the only median_year asserted in test_timing_summary is "
           "of a technology with one title, where lower and upper median are the same year; notebook 03's stored "
           "timing table would show it (nbval). A technology with an even number of titles in different years "
           "would kill it."),
    Mutant("stats-window-exclusive", "off-by-one", STATS,
           "inside = sum(lo <= y <= hi for y in expanded)", "inside = sum(lo <= y < hi for y in expanded)", T_STATS,
           "the window's last year (2020) left out"),
    Mutant("stats-year-fillna-dropped", "fillna dropped", STATS,
           'year = written.fillna(published).astype("Int64")', 'year = written.astype("Int64")', T_STATS,
           "documents without a written date get no year (the published year is not used)"),
]

_IGNORE = shutil.ignore_patterns(".git", ".venv*", ".cache", "build", "__pycache__", ".pytest_cache", "*.pyc")


def _copy_tree(dest: Path, tests_at: str | None) -> None:
    shutil.copytree(ROOT, dest, ignore=_IGNORE, dirs_exist_ok=True)
    if tests_at:
        shutil.rmtree(dest / "tests")
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", tests_at, "tests"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def _pytest(copy: Path, tests: tuple[str, ...]) -> tuple[int, list[str], float, str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", "--no-header", *tests]
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return -1, [f"timeout after {TIMEOUT} s"], time.perf_counter() - start, ""
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", r.stdout, flags=re.M)
    tail = "\n".join(r.stdout.strip().splitlines()[-3:])
    return r.returncode, failed, time.perf_counter() - start, tail


def run(mutants: list[Mutant], tests_at: str | None) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        copy = Path(tmp) / "repo"
        _copy_tree(copy, tests_at)
        # the copy must be what is imported (not the work tree through the editable install)
        probe = subprocess.run([sys.executable, "-c", "import analysis, sys; print(analysis.__file__)"], cwd=copy,
                               env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True, text=True, check=True)
        if not Path(probe.stdout.strip()).resolve().is_relative_to(copy.resolve()):
            raise SystemExit(f"the copy is not imported: analysis from {probe.stdout.strip()}")
        for tests in sorted({m.tests for m in mutants}):
            rc, failed, secs, tail = _pytest(copy, tests)
            print(f"baseline {' '.join(tests)}: exit {rc}, {secs:.1f} s", flush=True)
            if rc != 0:
                raise SystemExit(f"the unmutated copy fails {tests}: {failed}\n{tail}")
        for m in mutants:
            target = copy / m.path
            original = target.read_text(encoding="utf-8")
            n = original.count(m.old)
            if n != 1:
                results.append(dict(mutant=m, status="stale", failed=[f"text found {n} times in {m.path}"], secs=0.0))
                print(f"{m.id}: STALE ({n} matches)", flush=True)
                continue
            target.write_text(original.replace(m.old, m.new), encoding="utf-8")
            try:
                rc, failed, secs, tail = _pytest(copy, m.tests)
            finally:
                target.write_text(original, encoding="utf-8")
            status = "killed" if rc != 0 else "survived"
            if rc != 0 and not failed:
                failed = [tail.splitlines()[-1] if tail else f"exit {rc}"]
            results.append(dict(mutant=m, status=status, failed=failed, secs=secs))
            print(f"{m.id}: {status.upper()} in {secs:.1f} s {failed[:3]}", flush=True)
    return results


def _git_head() -> str:
    r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "analysis", "tests"],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def report(results: list[dict], before: list[dict] | None, tests_at: str | None, seconds: float) -> str:
    killed = sum(r["status"] == "killed" for r in results)
    valid = sum(r["status"] != "stale" for r in results)
    lines = [
        "# Mutation run: do the unit tests catch single-point edits?",
        "",
        f"Written by `tests/benchmarks/mutation.py` (code and tests at {_git_head()}"
        + (f", tests/ of {tests_at}" if tests_at else "") + f"); {platform.python_version()}, {cpu_name()}, "
        f"{seconds:.0f} s in all. Each mutant is one edit of one line of `analysis/`, applied in a temporary copy of "
        "the work tree; the tests run are the module's own unit tests (no notebook, no nbval). "
        "Killed = pytest fails.",
        "",
        f"**Kill rate: {killed} of {valid} mutants ({100 * killed / max(valid, 1):.0f} %).**",
    ]
    if before is not None:
        kb = sum(r["status"] == "killed" for r in before)
        vb = sum(r["status"] != "stale" for r in before)
        lines += ["", f"With the tests of {before[0]['tests_at']} (before the tests of issue 18): {kb} of {vb} "
                      f"({100 * kb / max(vb, 1):.0f} %)."]
    lines += ["", "| mutant | kind | edit (file: old → new) | tests run | result | killed by |",
              "|---|---|---|---|---|---|"]
    prev = {r["mutant"].id: r for r in before or []}
    for r in results:
        m = r["mutant"]
        edit = f"`{m.path}`: `{m.old.strip()}` → `{m.new.strip()}`".replace("|", "\\|")
        res = r["status"]
        if m.id in prev:
            res += f" (before: {prev[m.id]['status']})"
        by = ", ".join(f"`{f.split('::')[-1]}`" for f in r["failed"][:4]) + (
            f" (+{len(r['failed']) - 4})" if len(r["failed"]) > 4 else "")
        lines.append(f"| {m.id} | {m.kind} | {edit} | {', '.join(t.split('/')[-1] for t in m.tests)} | {res} "
                     f"| {by or '—'} |")
    lines += ["", "What each edit does" + (" and why a survivor survives" if killed < valid else "") + ":", ""]
    for r in results:
        lines.append(f"- **{r['mutant'].id}** ({r['status']}): {r['mutant'].note}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="mutant ids")
    ap.add_argument("--tests-at", help="use tests/ of this git revision instead of the work tree's")
    ap.add_argument("--compare-with", help="also run the mutants against tests/ of this revision and report both")
    ap.add_argument("--no-write", action="store_true", help="print the report, do not write mutation.md")
    args = ap.parse_args()
    mutants = [m for m in MUTANTS if not args.only or m.id in args.only]
    if args.only and len(mutants) != len(args.only):
        raise SystemExit(f"unknown mutant id(s): {sorted(set(args.only) - {m.id for m in MUTANTS})}")
    start = time.perf_counter()
    before = None
    if args.compare_with:
        before = run(mutants, args.compare_with)
        for r in before:
            r["tests_at"] = args.compare_with
    results = run(mutants, args.tests_at)
    text = report(results, before, args.tests_at, time.perf_counter() - start)
    print(text)
    if not args.no_write and not args.only:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
