"""The package's layout: intake (analysis.corpus) ← methods (analysis.text) ← notebooks, the report branch apart.

Imports are read with ast from every file of analysis/ (function-level imports included), as
``analysis.build`` reads them for the build manifest. A failure names the import that breaks the rule.
"""
import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Package modules a file imports, anywhere in it, resolved to a module that exists."""
    name = _name(path)
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = (pkg[:len(pkg) - node.level + 1] if node.level else [])
            mod = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                out.add(f"{mod}.{a.name}" if f"{mod}.{a.name}" in MODULES else mod)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in MODULES}


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (found := visit(m)):
                return found
        state[n] = 2
        stack.pop()
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def _unit(module: str) -> str:
    """A subpackage (analysis.corpus, analysis.text, …) or a top-level module (analysis.tables, …)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def test_intake_imports_neither_the_methods_nor_the_report_branch():
    bad = {m: sorted(i for i in deps if i.startswith(("analysis.text", "analysis.report", "analysis.distributed")))
           for m, deps in GRAPH.items() if m.startswith("analysis.corpus")}
    assert not {m: d for m, d in bad.items() if d}, "analysis.corpus must not import analysis.text/report/distributed"


def test_intake_modules_import_only_modules_listed_above_them():
    """analysis/corpus/__init__.py lists its modules in dependency order; each may import only those above it."""
    doc = ast.get_docstring(ast.parse((PACKAGE / "corpus" / "__init__.py").read_text(encoding="utf-8")))
    order = re.findall(r"^``(\w+)``\s{2,}\S", doc, flags=re.M)          # the rows of the module table
    assert sorted(order) == sorted(m.rsplit(".", 1)[1] for m in MODULES if m.startswith("analysis.corpus."))
    for i, name in enumerate(order):
        deps = {d.rsplit(".", 1)[1] for d in GRAPH[f"analysis.corpus.{name}"] if d.startswith("analysis.corpus.")}
        assert deps <= set(order[:i]), f"analysis.corpus.{name} imports {sorted(deps - set(order[:i]))}, listed below it"


def test_methods_and_report_branch_do_not_import_each_other():
    assert not {m: sorted(d for d in deps if d.startswith("analysis.report"))
                for m, deps in GRAPH.items() if m.startswith("analysis.text.") and any(
                    d.startswith("analysis.report") for d in deps)}
    assert not {m: sorted(d for d in deps if d.startswith("analysis.text"))
                for m, deps in GRAPH.items() if m.startswith("analysis.report.") and any(
                    d.startswith("analysis.text") for d in deps)}


def test_no_import_cycle_between_subpackages():
    """``import analysis`` inside the package is left out: Python runs analysis/__init__ before any submodule anyway,
    so importing the facade adds no dependency."""
    units: dict[str, set[str]] = {}
    for m, deps in GRAPH.items():
        if m == "analysis":
            continue
        units.setdefault(_unit(m), set()).update(_unit(d) for d in deps if d != "analysis" and _unit(d) != _unit(m))
    assert _cycle(units) is None, f"import cycle between subpackages: {' → '.join(_cycle(units))}"


def test_no_import_cycle_between_modules():
    """No module imports, even inside a function, a module that imports it back (the old text/corpus ↔ text/local);
    a package's __init__ is left out as a target (it runs before its submodules anyway)."""
    graph = {m: {d for d in deps if MODULES[d].name != "__init__.py"} for m, deps in GRAPH.items()}
    assert _cycle(graph) is None, f"import cycle: {' → '.join(_cycle(graph))}"


#: every public name of the modules that moved, at its old import path (the aliases must keep them working)
OLD_PUBLIC = {
    "analysis.report.text": [
        "RUNNING_HEADER", "FRONT_MATTER_LAST_LINE", "N_FOOTNOTES", "FULL_WIDTH", "INDENT", "TERMINAL", "ReportParts",
        "parse_report", "page_of_line", "find_quote", "write_report_tables", "report_tables",
    ],
    "analysis.text.clauses": [
        "LAW_LEVELS", "POLICY_LEVELS", "CLAUSE_COLUMNS", "STRUCTURE_COLUMNS", "cn_to_int", "body_start", "unwrap",
        "segment_document", "segment", "structure",
    ],
    "analysis.text.corpus": [
        "CORPUS_COLUMNS", "CORPUS_NAMES", "POLICY_XLSX", "STATE_COUNCIL_DATES", "NATIONAL_TAR", "SHEETS",
        "EXCEL_CELL_LIMIT", "cited_texts", "digest_corpus", "digest_principles", "recover_title", "date_evidence",
        "policy_collection_raw", "policy_collection", "national_corpus", "folder_documents", "folder_doc_ids",
        "load_folder", "load_corpus", "LONG_CLAUSE", "load_clauses",
    ],
    "analysis.text.corpus_stats": [
        "TECH_KEYWORDS", "normalize_title", "document_year", "cited_document_year", "technology_mentions",
        "technology_mentions_by_year", "technology_timing", "corpus_summary", "law_outline", "CLAUSE_END_MARKS",
        "unterminated_clauses",
    ],
    "analysis.text.local": [
        "LOCAL_TAR", "PROVINCES", "KINDS", "promulgation_dates", "issuer_of", "kind_of", "completeness", "local_doc_id",
        "local_corpus", "digital_regulations", "LOCAL_DOCUMENT_COLUMNS", "local_documents",
    ],
    "analysis.text.metadata": ["METADATA_FIELDS", "parse_date", "text_metadata"],
    "analysis.text.readers": [
        "SUPPORTED_SUFFIXES", "CONVERSIONS", "UnsupportedFileError", "UnreadableFileError", "Document",
        "conversion_hint", "warn_caller", "decode_text", "read_text", "read_docx", "read_pdf", "read_html",
        "read_document",
    ],
    "analysis.text.tokens": ["standard_ideographs", "IDEOGRAPH_TABLE"],
}


@pytest.mark.parametrize("old", sorted(OLD_PUBLIC))
def test_old_import_paths_still_work(old):
    module = importlib.import_module(old)
    missing = [n for n in OLD_PUBLIC[old] if not hasattr(module, n)]
    assert not missing, f"{old} lost {missing}"


def test_aliases_hold_no_code():
    for old in OLD_PUBLIC:
        path = MODULES[old]
        if old == "analysis.text.tokens":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        kinds = {type(n).__name__ for n in tree.body}
        assert kinds <= {"Expr", "ImportFrom", "Assign"}, f"{old} is an alias: imports and __all__ only"


def test_package_api():
    import analysis
    from analysis import corpus
    from analysis.corpus import corpora

    for name in ("load_corpus", "load_clauses", "cited_texts", "digest_corpus", "digest_principles",
                 "national_corpus", "policy_collection"):
        assert getattr(analysis, name) is getattr(corpora, name) is getattr(corpus, name)
