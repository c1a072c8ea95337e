"""Benchmark of tokenisation and the keyword pipeline (writes tests/benchmarks/keywords.md).

Run:  cd /work/main && PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_keywords.py [--quick]
      cd /work/main && PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_keywords.py --notebook04
      (the second times only the keyword pipeline of notebooks/04-keywords.ipynb, cold and warm)

Corpora (clause tables with doc_id, clause_id, text, corpus):
* cited   -- the 8 LawRefBook files of laws the report cites (data/raw/lawrefbook-laws/) and the 5 cited
             policy texts of data/raw/xvshiting-policies/policies-data.xlsx (rows No. 56, 147, 67, 86, 82),
             segmented with analysis.corpus.clauses.segment (falls back to one clause per non-empty line);
* national -- every file of data/raw/lawrefbook-national.tar.xz (1,512 Markdown files), same segmentation.
Corpus size multiples (2x, 4x) repeat the clause table with new clause ids: the texts repeat, so the
token cache serves the repeats (this measures the pipeline's scaling at a warm cache, not jieba).
"""
from __future__ import annotations

import io
import os
import platform
import sys
import tarfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.paths import RAW_DIR  # noqa: E402

CITED_LAWS = {
    "网络安全法": "cybersecurity-law-2016", "数据安全法": "data-security-law-2021", "个人信息保护法": "pipl-2021",
    "关键信息基础设施安全保护条例": "ciip-regulation-2021",
    "国务院关于在线政务服务的若干规定": "online-gov-services-regulation-2019",
    "最高人民法院关于审理使用人脸识别技术": "spc-face-recognition-2021",
    "上海市数据条例": "shanghai-data-regulation-2021", "深圳经济特区人工智能产业促进条例": "shenzhen-ai-regulation-2022",
}
CITED_POLICIES = {56: "digital-government-guideline-2022", 147: "ai-development-plan-2017", 67: "ai-ethics-norms-2021",
                  86: "ai-standards-guide-2020", 82: "elderly-smart-tech-plan-2020"}


def _clauses(text: str, doc_id: str) -> pd.DataFrame:
    try:
        from analysis.corpus import clauses
        df = clauses.segment(text, doc_id)[["doc_id", "clause_id", "text"]]
    except Exception:  # noqa: BLE001 - the clause module is optional for this benchmark
        body = text.split("<!-- INFO END -->")[-1]
        lines = [l.strip() for l in body.split("\n") if l.strip() and not l.lstrip().startswith("#")]
        df = pd.DataFrame({"doc_id": doc_id, "clause_id": [f"{doc_id}:{i}" for i in range(1, len(lines) + 1)],
                           "text": lines})
    return df


def load_cited() -> pd.DataFrame:
    frames = []
    for p in sorted((RAW_DIR / "lawrefbook-laws").rglob("*.md")):
        for prefix, doc_id in CITED_LAWS.items():
            if p.name.startswith(prefix):
                frames.append(_clauses(p.read_text(encoding="utf-8"), doc_id))
    xl = pd.read_excel(RAW_DIR / "xvshiting-policies" / "policies-data.xlsx", sheet_name="Central Policies Table")
    for no, doc_id in CITED_POLICIES.items():
        frames.append(_clauses(str(xl.loc[xl["No."] == no, "Policy Content"].iloc[0]), doc_id))
    out = pd.concat(frames, ignore_index=True)
    out["corpus"] = "cited"
    return out


def load_national() -> pd.DataFrame:
    frames = []
    with tarfile.open(RAW_DIR / "lawrefbook-national.tar.xz", "r:xz") as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if m.isfile() and m.name.endswith(".md"):
                text = tf.extractfile(m).read().decode("utf-8")
                frames.append(_clauses(text, "nat:" + m.name.split("/", 1)[1][:-3]))
    out = pd.concat(frames, ignore_index=True)
    out["corpus"] = "national"
    return out


def scaled(df: pd.DataFrame, k: int) -> pd.DataFrame:
    parts = []
    for i in range(k):
        p = df.copy()
        p["clause_id"] = p["clause_id"] + (f"#{i}" if i else "")
        p["doc_id"] = p["doc_id"] + (f"#{i}" if i else "")
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------------------------
def _timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def _per_text_cache_trial(texts, root: Path):
    """Alternative layout for comparison: one pickle file per text (atomic write each)."""
    import hashlib
    import pickle
    import tempfile
    import importlib
    segment = importlib.import_module("analysis.text.tokens")
    root.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for s in texts:
        n = segment.normalize(s)
        k = hashlib.sha256(n.encode()).hexdigest()
        d = root / k[:2]
        d.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(tuple(segment._segment_raw(n, False)[0]), fh, protocol=5)
        os.replace(tmp, d / f"{k}.pkl")
    cold = time.perf_counter() - t
    t = time.perf_counter()
    for s in texts:
        k = hashlib.sha256(segment.normalize(s).encode()).hexdigest()
        with open(root / k[:2] / f"{k}.pkl", "rb") as fh:
            pickle.load(fh)
    return cold, time.perf_counter() - t


def main(quick: bool = False) -> str:
    import tempfile
    import importlib
    from analysis.text import keywords
    segment = importlib.import_module("analysis.text.tokens")

    tmp = Path(tempfile.mkdtemp(prefix="bench-kw-"))
    segment.TOKEN_CACHE_DIR = tmp / "tokens"
    res: list[str] = []
    cited, t_c = _timed(load_cited)
    national, t_n = _timed(load_national)
    if quick:
        national = national.iloc[:20000].copy()
    res.append(f"- corpus loading (clause segmentation by analysis.corpus.clauses): cited {len(cited):,} clauses / "
               f"{cited.text.str.len().sum():,} chars in {t_c:.1f} s; national {len(national):,} clauses / "
               f"{national.text.str.len().sum():,} chars in {t_n:.1f} s (not part of the numbers below)")
    segment.get_tokenizer(); segment.get_tokenizer(pos=True)   # jieba dictionary load is not counted
    rows = []
    for name, df in (("cited", cited), ("national", national)):
        n = int(df.text.str.len().sum())
        for mode, pos in (("words", False), ("words+POS", True)):
            _, cold = _timed(segment.tokenize_series, df.text, pos=pos)
            segment._MEM.clear(); segment._LOADED.clear()
            _, warm = _timed(segment.tokenize_series, df.text, pos=pos)
            _, mem = _timed(segment.tokenize_series, df.text, pos=pos)
            rows.append((name, mode, len(df), n, cold, warm, mem))
    res.append("\n| corpus | mode | clauses | chars | cold s | cold chars/s | disk cache s | disk chars/s | memory s |")
    res.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, mode, k, n, cold, warm, mem in rows:
        res.append(f"| {name} | {mode} | {k:,} | {n:,} | {cold:.2f} | {n / cold:,.0f} | {warm:.2f} | "
                   f"{n / warm:,.0f} | {mem:.2f} |")
    files = sum(1 for _ in segment.TOKEN_CACHE_DIR.rglob("*.pkl"))
    size = sum(p.stat().st_size for p in segment.TOKEN_CACHE_DIR.rglob("*.pkl"))
    res.append(f"\nCache after both corpora and both modes: {files} files, {size / 1e6:.1f} MB.")

    sample = national.text.iloc[:20000].tolist()
    segment._MEM.clear(); segment._LOADED.clear()
    import shutil
    shutil.rmtree(segment.TOKEN_CACHE_DIR / segment.dictionary_version(), ignore_errors=True)
    _, sh_cold = _timed(segment.tokenize_series, sample)
    segment._MEM.clear(); segment._LOADED.clear()
    _, sh_warm = _timed(segment.tokenize_series, sample)
    pt_cold, pt_warm = _per_text_cache_trial(sample, tmp / "per-text")
    res.append("\nCache layout, first 20,000 national clauses (cold = segment + write, warm = read back):\n")
    res.append("| layout | cold s | warm s |\n|---|---:|---:|")
    res.append(f"| shard files per batch (used) | {sh_cold:.2f} | {sh_warm:.2f} |")
    res.append(f"| one file per text | {pt_cold:.2f} | {pt_warm:.2f} |")

    both = pd.concat([cited, national], ignore_index=True)
    # Re-warm the disk cache *and* the in-memory copy in both modes (the layout trial removed the words cache and
    # cleared memory): every row below then measures the pipeline only, with tokens already in memory. (The first
    # version only re-warmed words, so the 1x row also paid the disk read of the POS cache for TextRank.)
    segment.tokenize_series(both.text)
    segment.tokenize_series(both.text, pos=True)
    res.append("\nKeyword pipeline from a warm cache (cited + national clauses; k× = table repeated k times):\n")
    res.append("| size | clauses | term_frequencies s | tfidf_top_terms s | keyness s | textrank s | kwic s | total s |")
    res.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in (1, 2, 4):
        df = scaled(both, k)
        mask = df["corpus"] == "cited"
        t = {}
        _, t["tf"] = _timed(keywords.term_frequencies, df, by="corpus")
        _, t["tfidf"] = _timed(keywords.tfidf_top_terms, df, by="corpus", top_n=30)
        _, t["key"] = _timed(keywords.keyness, df, mask, min_count=5)
        _, t["tr"] = _timed(keywords.textrank_keywords, df, by="corpus", top_n=30)
        _, t["kwic"] = _timed(keywords.kwic, df, "数据")
        res.append(f"| {k}× | {len(df):,} | {t['tf']:.1f} | {t['tfidf']:.1f} | {t['key']:.1f} | {t['tr']:.1f} | "
                   f"{t['kwic']:.1f} | {sum(t.values()):.1f} |")
    _, jt = _timed(keywords.jieba_tfidf_keywords, cited, by="doc_id", idf_corpus=both, top_n=20)
    res.append(f"\njieba.analyse.TFIDF keywords per cited document with the IDF of cited+national "
               f"(IDF build from warm cache + extraction, which re-segments the cited texts): {jt:.1f} s.")
    shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(res)


# ----------------------------------------------------------------------------------------------
def notebook04_pipeline() -> None:
    """Every keyword computation of notebooks/04-keywords.ipynb (same calls, no plotting): corpora, TF-IDF and
    TextRank per category / rule line / cited text, keyness inside the digest and against the stored national-law
    counts, KWIC for four terms, four word-cloud images."""
    import analysis
    from analysis.text import keywords

    docs = analysis.load_documents().set_index("doc_id")
    cited = analysis.load_clauses(analysis.cited_texts()).join(docs[["short_name", "rule_line", "category"]],
                                                                 on="doc_id")
    dd = analysis.digest_corpus()
    digest = analysis.load_clauses(dd).merge(dd[["doc_id", "page", "rule_line", "category"]], on="doc_id", how="left")
    keywords.token_counts(cited), keywords.token_counts(digest)
    lab = digest.dropna(subset=["category"])
    for by, n in (("category", 8), ("rule_line", 12)):
        keywords.tfidf_top_terms(lab, by=by, top_n=n, min_df=1)
        keywords.textrank_keywords(lab, by=by, top_n=n)
    keywords.tfidf_top_terms(cited, by="doc_id", top_n=8)
    keywords.textrank_keywords(cited, by="doc_id", top_n=8)
    cat_key = keywords.keyness_by_group(digest, "category", min_count=2)
    [keywords.significant_keywords(g) for _, g in cat_key.groupby("category")]
    national = keywords.national_term_counts()
    members = analysis.cited_texts().merge(analysis.national_corpus()[["sha256"]], on="sha256")["doc_id"]
    for target, ref in ((digest, keywords.reference_counts(national)),
                        (cited, keywords.reference_counts(national, exclude=cited[cited["doc_id"].isin(members)]))):
        res = keywords.keyness(keywords.token_counts(target), ref, min_count=3)
        keywords.significant_keywords(res), keywords.significant_keywords(res, positive=False)
    both = pd.concat([cited.assign(corpus="cited"), digest.assign(corpus="digest")], ignore_index=True)
    for t in ("数据共享", "个人信息", "算法", "安全评估"):
        keywords.kwic(both, t, window=14, id_cols=("corpus", "doc_id", "clause_id"))
    freqs = keywords.term_frequencies(digest[digest["category"].isin(list(analysis.TECH_COLORS))], by="category")
    for tech in analysis.TECH_COLORS:
        keywords.wordcloud_image(freqs[freqs["category"] == tech], width=700, height=420, max_words=60)


def _nb04_child(mode: str) -> None:
    """Run the notebook-04 pipeline in this (fresh) process; ``cold`` = empty token and jieba caches."""
    t = time.perf_counter()
    import importlib
    import tempfile
    segment = importlib.import_module("analysis.text.tokens")
    if mode == "cold":
        tmp = Path(tempfile.mkdtemp(prefix="bench-nb04-"))
        segment.TOKEN_CACHE_DIR = tmp / "tokens"
        segment.CACHE_DIR = tmp                      # jieba's prefix-dictionary cache too (fresh clone)
    notebook04_pipeline()
    print(f"{time.perf_counter() - t:.2f}")


def notebook04(repeats: int = 3) -> str:
    """Time :func:`notebook04_pipeline` in fresh processes (imports included): warm = the project's token cache as
    the notebook finds it after one run; cold = empty token cache and jieba dictionary cache."""
    import subprocess
    run = lambda mode: float(subprocess.run([sys.executable, __file__, "--nb04-child", mode], check=True,  # noqa: E731
                                            capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1])
    run("warm")                                     # make sure the project cache holds every text
    warm = sorted(run("warm") for _ in range(repeats))
    cold = sorted(run("cold") for _ in range(repeats))
    return (f"notebook 04 pipeline: {warm[len(warm) // 2]:.1f} s warm, {cold[len(cold) // 2]:.1f} s cold "
            f"(median of {repeats} fresh processes each, imports included; warm runs {', '.join(f'{x:.1f}' for x in warm)} s, "
            f"cold runs {', '.join(f'{x:.1f}' for x in cold)} s)")


if __name__ == "__main__":
    if "--nb04-child" in sys.argv:
        _nb04_child(sys.argv[sys.argv.index("--nb04-child") + 1])
        sys.exit(0)
    if "--notebook04" in sys.argv:
        print(notebook04())
        sys.exit(0)
    quick = "--quick" in sys.argv
    body = main(quick)
    import jieba
    header = (f"# Benchmark: tokenisation and keyword pipeline\n\nMachine: {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, jieba {jieba.__version__}, "
              f"pandas {pd.__version__}; single process (n_jobs=1). Produced by "
              f"`PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_keywords.py`{' --quick' if quick else ''}.\n")
    print(header + "\n" + body)
