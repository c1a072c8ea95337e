"""Benchmark: the document readers, and loading folders of 250 / 500 / 1,000 mixed files.

Run (not part of the test suite)::

    .venv/bin/python tests/benchmarks/bench_readers.py

Measures :func:`analysis.corpus.readers.read_document` on the fixtures of tests/fixtures/readers/
(3 regulations: PDF pages/s, .docx files/s built with python-docx from the same texts, saved web
pages/s, flattened .txt/s), median of 3 runs; then :func:`analysis.corpus.folders.load_folder` on
folders of 250, 500 and 1,000 files in equal parts .txt, .md, .docx, .pdf and .html (copies of the
fixtures; the .txt/.md/.html copies get one distinct line so that no text is a duplicate, the
.docx/.pdf copies are byte copies kept apart by name, and identical texts are reported and kept
once — the table counts what was loaded).

Issue 19: per format, files/s and characters/s on the intake fixtures of tests/fixtures/intake/
(real regulations of 5–12k characters in saved-page, Word, PDF and text forms); a 300-file mixed
folder built from them (60 each of .txt, .md, .docx, .pdf, .html); and the loss check on every
fixture (characters of the source's text layer, kept, removed by rule). Writes
tests/benchmarks/readers.md.
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from analysis.corpus.folders import load_folder  # noqa: E402
from analysis.corpus.readers import read_document  # noqa: E402

from machine import cpu_name  # tests/benchmarks/machine.py (scripts run with this folder on sys.path)

FIX = ROOT / "tests" / "fixtures" / "readers"
INTAKE = ROOT / "tests" / "fixtures" / "intake"
#: intake fixtures by form (5–12k characters each; refused files left out)
REALISTIC = {
    ".html": ["govcn-furniture.html", "congress-furniture.html", "wechat.html", "cms-table.html",
              "govcn-infotable.html"],
    ".docx": ["numbering-per-chapter.docx", "numbering-multilevel.docx", "order-page-president.docx",
              "word-markup.docx"],
    ".pdf": ["gazette.pdf", "wrapped-items.pdf", "order-page-state-council.pdf", "radicals.pdf"],
    ".txt": ["flat-part-headings.txt", "flat-one-line.txt", "order-page-ministry.txt", "big5.txt"],
}
OUT = Path(__file__).with_name("readers.md")
SLUGS = ("data-security-law", "online-gov-services", "internet-info-services")
LAWS = ROOT / "data" / "raw" / "lawrefbook-laws"
SOURCES = {
    "data-security-law": LAWS / "行政法" / "数据安全法(2021-06-10).md",
    "online-gov-services": LAWS / "行政法规" / "国务院关于在线政务服务的若干规定(2019-04-26).md",
    "internet-info-services": LAWS / "行政法规" / "互联网信息服务管理办法(2011-01-08).md",
}
RUNS = 3
SIZES = (250, 500, 1000)


def _docx(slug: str, out: Path) -> None:
    d = docx.Document()
    for ln in SOURCES[slug].read_text(encoding="utf-8").split("\n"):
        ln = ln.strip()
        if ln and not ln.startswith("<!--"):
            d.add_paragraph(ln.lstrip("# "))
    d.save(str(out))


def _time(fn, runs: int = RUNS) -> tuple[float, float, float]:
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), min(ts), max(ts)


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = len(pdf)
    pdf.close()
    return n


def main() -> None:
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench-readers-"))
    try:
        for s in SLUGS:
            _docx(s, tmp / f"{s}.docx")
        forms = {
            ".pdf": [FIX / f"{s}.pdf" for s in SLUGS],
            ".docx": [tmp / f"{s}.docx" for s in SLUGS],
            ".html": [FIX / f"{s}.html" for s in SLUGS],
            "flattened .txt": [FIX / f"{s}-flat.txt" for s in SLUGS],
        }
        rows = []
        for form, files in forms.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                med, lo, hi = _time(lambda: [read_document(f) for f in files])
            n_chars = sum(len(read_document(f).text) for f in files)
            pages = sum(_pages(f) for f in files) if form == ".pdf" else None
            rows.append((form, len(files), pages, n_chars, med, lo, hi))

        folder_rows = []
        for size in SIZES:
            d = tmp / f"folder-{size}"
            d.mkdir()
            per = size // 5
            for i in range(per):
                s = SLUGS[i % 3]
                mark = f"\n（副本 {i}）\n"
                (d / f"t{i:04d}.txt").write_text(
                    (FIX / f"{s}-flat.txt").read_text(encoding="utf-8") + mark, encoding="utf-8")
                (d / f"m{i:04d}.md").write_text(
                    SOURCES[s].read_text(encoding="utf-8") + mark, encoding="utf-8")
                (d / f"h{i:04d}.html").write_bytes(
                    (FIX / f"{s}.html").read_bytes().replace(b"</body>", f"<p>{i}</p></body>".encode()))
                shutil.copy(tmp / f"{s}.docx", d / f"d{i:04d}.docx")
                shutil.copy(FIX / f"{s}.pdf", d / f"p{i:04d}.pdf")
            n_files = sum(1 for _ in d.iterdir())
            holder = {}

            def run():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    holder["df"] = load_folder(d)

            med, lo, hi = _time(run)
            df = holder["df"]
            folder_rows.append((size, n_files, len(df), int(df["n_chars"].sum()), med, lo, hi))
        # issue 19: realistic sizes, per format
        real_rows = []
        for form, names in REALISTIC.items():
            files = [INTAKE / n for n in names]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                med, lo, hi = _time(lambda: [read_document(f) for f in files])
                n_chars = sum(len(read_document(f).text) for f in files)
            real_rows.append((form, len(files), n_chars, med, lo, hi))
        # a 300-file mixed folder of the intake fixtures
        d = tmp / "folder-300"
        d.mkdir()
        for i in range(60):
            t = REALISTIC[".txt"][i % 3]
            (d / f"t{i:03d}.txt").write_bytes((INTAKE / t).read_bytes() + f"\n（副本 {i}）\n".encode("utf-8")
                                              if t != "big5.txt" else (INTAKE / t).read_bytes())
            (d / f"m{i:03d}.md").write_text((INTAKE / "order-note.txt").read_text(encoding="utf-8")
                                            + f"\n（副本 {i}）\n", encoding="utf-8")
            h = REALISTIC[".html"][i % 5]
            (d / f"h{i:03d}.html").write_bytes(
                (INTAKE / h).read_bytes().replace(b"</body>", f"<p>{i}</p></body>".encode()))
            shutil.copy(INTAKE / REALISTIC[".docx"][i % 4], d / f"d{i:03d}.docx")
            shutil.copy(INTAKE / REALISTIC[".pdf"][i % 4], d / f"p{i:03d}.pdf")
        holder = {}

        def run300():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                holder["df"] = load_folder(d)

        med, lo, hi = _time(run300)
        df = holder["df"]
        mixed = (sum(1 for _ in d.iterdir()), len(df), int(df["n_chars"].sum()), med, lo, hi)
        # the loss check on every fixture
        loss_rows = []
        for f in sorted(INTAKE.iterdir()) + sorted(FIX.iterdir()):
            if f.suffix not in (".html", ".htm", ".pdf", ".docx", ".txt", ".md"):
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    doc = read_document(f, f.name)
                except ValueError:
                    continue  # refused by name (tested in tests/test_intake_fixtures.py)
            rules = {}
            for r, t in doc.removed:
                rules[r] = rules.get(r, 0) + len("".join(t.split()))
            warned = sum(1 for w in caught if f.name in str(w.message)
                         and ("kept" in str(w.message) or "第…条" in str(w.message)))
            loss_rows.append((f"{f.parent.name}/{f.name}", doc.reader, doc.source_chars, doc.kept_chars,
                              doc.kept_share, rules, warned))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    from importlib.metadata import version

    lines = [
        "# Benchmark: document readers and folder loading",
        "",
        "Script: `tests/benchmarks/bench_readers.py` (run by hand, not by pytest). Median of "
        f"{RUNS} runs.",
        "",
        "## Machine",
        "",
        f"- CPU: {cpu_name()} ({os.cpu_count()} logical cores; the readers are single-threaded)",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, python-docx {version('python-docx')}, "
        f"pypdfium2 {version('pypdfium2')}, beautifulsoup4 {version('beautifulsoup4')}",
        f"- load average (1, 5, 15 min) before: {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f}; after: {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f} "
        "(the machine is shared by six people; timings vary by ±30 % or more between runs)",
        "",
        "## Readers, on the fixtures (3 regulations: 98 articles)",
        "",
        "| form | files | PDF pages | characters out | median s | min s | max s | files/s | pages/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for form, n, pages, chars, med, lo, hi in rows:
        lines.append(f"| {form} | {n} | {pages if pages else ''} | {chars:,} | {med:.3f} | {lo:.3f} | "
                     f"{hi:.3f} | {n / med:.1f} | {(pages / med) if pages else 0:.1f} |".replace("| 0.0 |", "| |"))
    lines += [
        "",
        "## load_folder on mixed folders (equal parts .txt, .md, .docx, .pdf, .html)",
        "",
        "| files | loaded (after duplicates) | characters | median s | min s | max s | files/s (median) | min time / 250-file min time |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = folder_rows[0][5]
    for size, n_files, n_loaded, chars, med, lo, hi in folder_rows:
        lines.append(f"| {n_files:,} | {n_loaded:,} | {chars:,} | {med:.2f} | {lo:.2f} | {hi:.2f} | "
                     f"{n_files / med:.0f} | {lo / base:.2f} |")
    lines += [
        "",
        "Growth is linear when the last column reads about 1, 2, 4 (minimum of the runs: the least "
        "disturbed by other processes on the shared machine). Byte-identical .docx/.pdf copies are "
        "read, found identical by sha256, reported and kept once, so the loaded count is smaller than "
        "the file count; every file is still read.",
        "",
        "## Realistic sizes (issue 19): the intake fixtures, 5–12k characters each",
        "",
        "Real regulations in the forms of tests/fixtures/intake/ (gov.cn, congress, WeChat and CMS-table "
        "pages; Word files with automatic numbering and revision markup; gazette and official-print PDFs; "
        "flattened, Big5 and order-page texts).",
        "",
        "| form | files | characters out | median s | min s | max s | files/s | characters/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for form, n, chars, med, lo, hi in real_rows:
        lines.append(f"| {form} | {n} | {chars:,} | {med:.3f} | {lo:.3f} | {hi:.3f} | {n / med:.1f} | "
                     f"{chars / med:,.0f} |")
    n_files, n_loaded, chars, med, lo, hi = mixed
    lines += [
        "",
        "### A 300-file mixed folder (60 each of .txt, .md, .docx, .pdf, .html, from the intake fixtures)",
        "",
        "| files | loaded (after duplicates) | characters | median s | min s | max s | files/s | characters/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {n_files} | {n_loaded} | {chars:,} | {med:.2f} | {lo:.2f} | {hi:.2f} | {n_files / med:.0f} | "
        f"{chars / med:,.0f} |",
        "",
        "load_folder runs the loss check on every file (source text layer counted, removed lines kept by "
        "rule); the .docx/.pdf copies are byte copies, read and kept once.",
        "",
        "## Share of characters kept, every fixture (the loss check)",
        "",
        "`source` = non-blank characters of the file's own text layer (all visible text of a page's body; a "
        "PDF's text layer; the w:t text of a Word body not inside w:del; the decoded text); `kept` = "
        "non-blank characters of the text read; removed characters by rule. A share above 1 is text the "
        "reader adds (Word's automatic numbers rendered; a page title from <title>). Warned = loss-check "
        "warnings (share below the format's threshold, or a removed line with a 第…条/章/节 marker).",
        "",
        "| fixture | reader | source | kept | kept share | removed by rule | warned |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for name, reader, src, kept, share, rules, warned in loss_rows:
        by = ", ".join(f"{r} {c:,}" for r, c in sorted(rules.items())) or "—"
        lines.append(f"| {name} | {reader} | {src if src is not None else '?':,} | {kept:,} | "
                     f"{share if share is None else format(share, '.3f')} | {by} | {warned} |")
    lines.append("")
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
