"""GLOSSARY.md is complete for the notebooks' prose, and says truthfully where each term is used.

The maintained term list is ``book/glossary-terms.csv``: one row per glossary entry (``entry`` = the entry's first
cell in GLOSSARY.md) with a regular expression that finds the term, plus rows without an entry for abbreviations
that are deliberately not glossary terms (each with its reason). Checked here:

* every term of the list that the notebooks' markdown or the headings of the tables they print use has an entry;
* every entry is in the list (so a new entry comes with its pattern);
* every notebook an entry's "where" names uses the term (markdown, code or table headings), and an entry that names
  no notebook is used in none of them (its "where" must say where it does apply: the README, a module);
* every abbreviation in the notebooks' prose (two or more capitals: NPMI, PIPL …) is matched by a row of the list,
  so that a new one cannot slip in without a decision.
"""
from __future__ import annotations

import csv
import json
import re
from functools import lru_cache

from analysis.paths import NOTEBOOKS_DIR, ROOT

GLOSSARY = ROOT / "GLOSSARY.md"
TERMS = ROOT / "book" / "glossary-terms.csv"


@lru_cache(maxsize=None)
def _notebooks() -> dict[str, dict[str, str]]:
    """notebook number → {"markdown": prose, "code": code, "headings": table header cells of the outputs}."""
    out = {}
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        parts = {"markdown": [], "code": [], "headings": []}
        for cell in nb["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            parts["markdown" if cell["cell_type"] == "markdown" else "code"].append(src)
            for o in cell.get("outputs", []):
                html = o.get("data", {}).get("text/html", "")
                html = "".join(html) if isinstance(html, list) else html
                parts["headings"].extend(re.findall(r"<th[^>]*>([^<]+)</th>", html))
        # one space for any run of white space, so that a term broken over two lines is found
        out[path.name[:2]] = {k: "\n".join(re.sub(r"\s+", " ", x) for x in v) for k, v in parts.items()}
    return out


def _terms() -> list[dict[str, str]]:
    with TERMS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _glossary() -> dict[str, str]:
    """entry → its "where" cell, for every row of every table in GLOSSARY.md."""
    rows = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("term", "---"):
            rows[cells[0]] = cells[2]
    return rows


def _where_notebooks(where: str) -> set[str]:
    """``"03–06, 08; analysis.x"`` → {"03", "04", "05", "06", "08"} (only the part before the first ``;``)."""
    head = re.sub(r"\([^)]*\)", "", where.split(";")[0])
    if not re.match(r"^\s*\d\d", head):
        return set()
    out = set()
    for a, b in re.findall(r"\b(\d\d)(?:\s*[–-]\s*(\d\d))?\b", head):
        out |= {f"{n:02d}" for n in range(int(a), int(b or a) + 1)}
    return out


def _missing_entries(glossary: dict[str, str]) -> list[str]:
    missing = []
    for row in _terms():
        if not row["entry"]:
            continue
        pat = re.compile(row["pattern"])
        used = [n for n, nb in _notebooks().items() if pat.search(nb["markdown"]) or
                any(pat.fullmatch(h.strip()) for h in nb["headings"].splitlines())]
        if used and row["entry"] not in glossary:
            missing.append(f"{row['entry']} (notebooks {', '.join(used)})")
    return missing


def test_every_term_the_notebooks_use_has_an_entry():
    missing = _missing_entries(_glossary())
    assert not missing, "terms used in the notebooks without a GLOSSARY.md entry: " + "; ".join(missing)


def test_a_term_without_its_entry_is_listed():
    """The check is not vacuous: drop three entries the issue named and they are reported, with their notebooks."""
    glossary = {k: v for k, v in _glossary().items()
                if not k.startswith(("Spearman", "Cohen", "tp, fp"))}
    missing = _missing_entries(glossary)
    assert len(missing) == 3, missing
    assert any(m.startswith("Spearman") and "05" in m for m in missing)
    assert any(m.startswith("tp, fp") and "06" in m and "08" in m for m in missing)  # table headings count


def test_every_entry_is_in_the_term_list():
    listed = {r["entry"] for r in _terms() if r["entry"]}
    glossary = set(_glossary())
    assert not glossary - listed, f"GLOSSARY.md entries without a row in {TERMS.name}: {sorted(glossary - listed)}"
    assert not listed - glossary, f"rows of {TERMS.name} whose entry is not in GLOSSARY.md: {sorted(listed - glossary)}"


def test_where_names_the_notebooks_that_use_the_term():
    glossary = _glossary()
    wrong = []
    for row in _terms():
        if not row["entry"] or row["entry"] not in glossary:
            continue
        pat = re.compile(row["pattern"])
        named = _where_notebooks(glossary[row["entry"]])
        using = {n for n, nb in _notebooks().items() if pat.search(nb["markdown"])}
        anywhere = {n for n, nb in _notebooks().items() if pat.search("\n".join(nb.values()))}
        if named:
            if named - anywhere:
                wrong.append(f"{row['entry']}: named {sorted(named - anywhere)}, not used there")
        elif using:
            wrong.append(f"{row['entry']}: names no notebook, but notebooks {sorted(using)} use it")
    assert not wrong, "; ".join(wrong)


def test_every_abbreviation_in_the_prose_is_decided():
    patterns = [re.compile(r["pattern"]) for r in _terms()]
    undecided = {}
    for n, nb in _notebooks().items():
        prose = re.sub(r"`[^`]*`|\]\([^)]*\)", " ", nb["markdown"])  # code spans and link targets are not prose
        for word in set(re.findall(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b", prose)):
            if not any(p.search(word) for p in patterns):
                undecided.setdefault(word, []).append(n)
    assert not undecided, f"abbreviations in the notebooks with no row in {TERMS.name}: {undecided}"


def test_the_where_parser():
    assert _where_notebooks("03–06, 08; `analysis.corpus.clauses`") == {"03", "04", "05", "06", "08"}
    assert _where_notebooks("01 (`ind-egov-china-vs-region`), 08") == {"01", "08"}
    assert _where_notebooks("README (Large corpora); `analysis.distributed`") == set()


#: Words of statistics and text analysis a student may need explained (a maintained list: add a word when a notebook
#: starts using it). Wherever the notebooks' prose uses one, a row of the term list must match it there, so the word
#: has a glossary entry or a recorded decision. Greek letters count: κ and ρ are how the prose names kappa and rho.
STATISTICAL_WORDS = (
    "median", "quartile", "percentile", "quantile", "standard error", "confidence interval", "p-value", "bootstrap",
    "κ", "kappa", "ρ", "Spearman", "Benjamini", "Bonferroni", "Wilson", "adjudicat", "calibrat", "precision", "recall",
    "F1", "micro average", "cross-validation", "logistic regression", "stratified", "Kish", "containment", "Jaccard",
    "LCS", "Smith–Waterman", "MinHash", "LSH", "shingle", "NPMI", "cosine", "Jensen–Shannon", "MDS", "perplexity",
    "coherence", "exclusivity", "modularity", "Louvain", "Rand index", "TF-IDF", "TextRank", "keyness", "log ratio",
    "G²", "χ²", "effect size", "multiple testing", "prevalence", "held-out", "random seed", "backbone",
)


def _undecided_statistical_words(words=STATISTICAL_WORDS) -> dict[str, list[str]]:
    patterns = [re.compile(r["pattern"]) for r in _terms()]
    out: dict[str, list[str]] = {}
    for n, nb in _notebooks().items():
        prose = re.sub(r"`[^`]*`|\]\([^)]*\)", " ", nb["markdown"])
        for word in words:
            for m in re.finditer(re.escape(word), prose, flags=re.I):
                around = prose[max(0, m.start() - 40):m.end() + 40]
                if not any(p.search(around) or p.search(around.lower()) for p in patterns):   # "Precision" too
                    out.setdefault(word, []).append(n)
                    break
    return out


def test_every_statistical_word_in_the_prose_has_an_entry():
    undecided = _undecided_statistical_words()
    assert not undecided, f"statistical words the notebooks use with no row in {TERMS.name}: {undecided}"


def test_the_statistical_word_check_can_fail():
    # a word no row matches, used in the prose, is reported with its notebooks
    assert "notebook" in _notebooks()["00"]["markdown"]
    assert "00" in _undecided_statistical_words(("notebook",)).get("notebook", [])
