"""The determinism contract (README, "Same results on every machine"): orders never left to a sort kernel,
floats written at a declared precision, outputs written outside the work tree during tests.

The cross-machine check itself is ``make test-portable`` (tests/portable.py), which re-executes every
notebook under other numpy SIMD levels, OpenBLAS cores and hash seeds; these tests hold the rules that make
it pass, so that a new sort or a new float column cannot quietly break it.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.files import FLOAT_SIGNIFICANT_DIGITS, declared_float, round_floats
from analysis.tables import csv_bytes, load_table, schemas, table_path
from analysis.text.networks import write_graphml

ROOT = Path(__file__).resolve().parents[1]
SORTS = ("sort_values", "sort_index", "argsort")


def _code_sources():
    for p in sorted((ROOT / "analysis").rglob("*.py")):
        yield p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(p.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                src = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
                yield f"{p.relative_to(ROOT).as_posix()} cell {i}", src


def unnamed_sort_kinds(sources) -> list[str]:
    """Calls of sort_values / sort_index / argsort that leave the algorithm to the library's default."""
    found = []
    for where, src in sources:
        for node in ast.walk(ast.parse(src)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SORTS
                    and "kind" not in {k.arg for k in node.keywords}):
                found.append(f"{where}, line {node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_every_sort_names_a_stable_kind():
    # pandas' and numpy's default sort is an unstable quicksort whose kernel numpy picks by CPU (AVX-512, AVX2,
    # baseline): tied rows then come out in a machine-dependent order (issue 18: notebook 08's by_article).
    assert unnamed_sort_kinds(_code_sources()) == []


def test_the_sort_rule_finds_a_default_sort():
    src = "df.sort_values('n', ascending=False)\nnp.argsort(v)\ns.sort_values(kind='stable')\n"
    assert len(unnamed_sort_kinds([("x.py", src)])) == 2


def test_sorting_on_ties_is_by_position_with_the_stable_kind():
    # the reason for the rule, shown on the library: on tied keys a stable sort keeps the input order
    s = pd.Series([3, 1, 3, 2, 3, 1] * 500, index=[f"k{i:04d}" for i in range(3000)])
    got = s.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    assert list(got.index[:3]) == ["k0000", "k0002", "k0004"]
    assert got.index.is_unique and (np.diff(got.to_numpy()) <= 0).all()


# --------------------------------------------------------------------------- floats at a declared precision
def _one_ulp(frame: pd.DataFrame, direction: float) -> pd.DataFrame:
    """Every nonzero float moved by one unit in the last place. Zeros stay: their neighbour is a denormal
    (5e-324), not a rounding error of a kernel, and the tables' zeros are read from source files."""
    out = frame.copy()
    for c in frame.columns:
        if pd.api.types.is_float_dtype(frame[c].dtype):
            v = frame[c].to_numpy(dtype=float, na_value=np.nan)
            moved = np.where(v == 0, v, np.nextafter(v, direction * np.inf))
            out[c] = pd.Series(moved, index=frame.index).astype(frame[c].dtype)
    return out


def test_declared_float_rounds_to_twelve_digits():
    assert FLOAT_SIGNIFICANT_DIGITS == 12
    assert declared_float(0.009285189376850418) == declared_float(0.00928518937685042) == 0.00928518937685
    assert repr(declared_float(0.1 + 0.2)) == "0.3"
    assert np.isnan(declared_float(float("nan"))) and declared_float(float("inf")) == float("inf")


def test_round_floats_keeps_missing_values_and_dtypes():
    f = pd.DataFrame({"a": [0.1 + 0.2, np.nan], "b": pd.array([1 / 3, None], dtype="Float64"), "s": ["x", "y"]})
    g = round_floats(f)
    assert list(g.dtypes) == list(f.dtypes)
    assert g["a"].iloc[0] == 0.3 and np.isnan(g["a"].iloc[1])
    assert g["b"].iloc[0] == 0.333333333333 and pd.isna(g["b"].iloc[1])
    assert round_floats(f[["s"]]) is not None


def _float_tables():
    for name in schemas():
        path = table_path(name)
        if not path.is_file():
            continue
        frame = load_table(name, typed=False)
        if any(pd.api.types.is_float_dtype(frame[c].dtype) for c in frame.columns):
            yield name, frame


@pytest.mark.parametrize("direction", [1.0, -1.0], ids=["up", "down"])
def test_every_committed_table_survives_a_one_ulp_change(direction):
    # a last-bit difference between two machines' kernels must not change a byte of any table we write
    names = []
    for name, frame in _float_tables():
        assert csv_bytes(_one_ulp(frame, direction)) == csv_bytes(frame), name
        names.append(name)
    assert len(names) >= 5, names


def test_without_rounding_one_ulp_would_change_the_bytes():
    # the test above is not vacuous: written at full precision, the same change shows
    name, frame = next((n, f) for n, f in _float_tables() if n == "reuse_pairs")
    full = lambda f: f.to_csv(index=False, lineterminator="\n").encode()  # noqa: E731
    assert full(_one_ulp(frame, 1.0)) != full(frame)


def _graphml_bytes(g: nx.Graph, tmp_path: Path, name: str) -> bytes:
    return write_graphml(g, tmp_path / name).read_bytes()


@pytest.mark.parametrize("name", ["cooccurrence_cited.graphml", "reuse_network.graphml", "diffusion_network.graphml"])
def test_committed_graphml_is_written_at_declared_precision_and_survives_one_ulp(name, tmp_path):
    path = paths.PROCESSED_DIR / name
    g = nx.read_graphml(path)
    # rewriting what was read gives the committed bytes: the file holds floats at the declared precision
    assert _graphml_bytes(g, tmp_path, "same.graphml") == path.read_bytes()
    n_float = 0
    for direction in (1.0, -1.0):
        h = g.copy()
        for _, _, d in h.edges(data=True):
            for k, v in d.items():
                if isinstance(v, float) and v != 0:     # zeros stay, as in _one_ulp (a lag of 0.0 years)
                    d[k] = float(np.nextafter(v, direction * np.inf))
                    n_float += 1
        assert _graphml_bytes(h, tmp_path, "moved.graphml") == path.read_bytes()
    assert n_float > 100


def test_write_graphml_rounds_and_leaves_the_graph_alone(tmp_path):
    g = nx.Graph()
    g.add_edge("a", "b", weight=0.009285189376850418, n=3)
    text = write_graphml(g, tmp_path / "g.graphml").read_text(encoding="utf-8")
    assert "0.00928518937685<" in text and "0.009285189376850418" not in text
    assert g.edges["a", "b"]["weight"] == 0.009285189376850418


# --------------------------------------------------------------------------- stored notebook outputs
LONG_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?")


def long_floats_in_outputs(nb: dict) -> list[str]:
    found = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            texts = ["".join(out.get("text", ""))]
            texts += ["".join(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
            for t in texts:
                for m in LONG_FLOAT.finditer(t):
                    digits = re.sub(r"\D", "", m.group().split("e")[0].split("E")[0]).lstrip("0")
                    if len(digits) > FLOAT_SIGNIFICANT_DIGITS:
                        found.append(f"cell {i}: {m.group()}")
    return found


def test_stored_outputs_print_no_float_beyond_the_declared_precision():
    # a float printed with 17 digits shows the kernel's last bits (print(x) of a sum); round it or let pandas
    # display it (analysis.setup() sets display.precision)
    bad = {p.name: long_floats_in_outputs(json.loads(p.read_text(encoding="utf-8")))
           for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    assert {k: v for k, v in bad.items() if v} == {}


def test_long_float_scan_finds_a_full_precision_float():
    nb = {"cells": [{"outputs": [{"text": ["0.30000000000000004 and 0.3\n"]}]}]}
    assert long_floats_in_outputs(nb) == ["cell 0: 0.30000000000000004"]


# --------------------------------------------------------------------------- outputs outside the work tree
def test_tests_write_outputs_to_a_temporary_folder():
    # the session guard (tests/session_guard.py) set this before any test or kernel started
    root = paths.output_root()
    assert root != paths.ROOT and not root.is_relative_to(paths.ROOT)
    assert paths.output_path(paths.FIGURES_DIR / "x.png") == root / "figures" / "x.png"
    assert paths.display_path(paths.output_path(paths.PROCESSED_DIR / "g.graphml")) == "data/processed/g.graphml"


def test_output_path_is_the_repository_without_the_variable(monkeypatch):
    monkeypatch.delenv(paths.OUTPUT_ENV)
    assert paths.output_path(paths.FIGURES_DIR) == paths.FIGURES_DIR
    assert paths.output_path("data/processed/x.csv") == paths.PROCESSED_DIR / "x.csv"


def test_session_guard_reports_a_changed_or_new_output(tmp_path):
    import session_guard

    repo, out = tmp_path / "repo", tmp_path / "out"
    (repo / "figures").mkdir(parents=True)
    (out / "figures").mkdir(parents=True)
    (repo / "figures" / "a.png").write_bytes(b"same")
    (out / "figures" / "a.png").write_bytes(b"same")
    assert session_guard.compare_outputs(out, repo) == []
    (out / "figures" / "a.png").write_bytes(b"other")
    (out / "figures" / "b.png").write_bytes(b"new")
    got = session_guard.compare_outputs(out, repo)
    assert [g.split(":")[0] for g in got] == ["figures/a.png", "figures/b.png"]
