"""Rebuild every table under data/processed from data/raw and data/curated, deterministically — only what is stale.

Each step is a function returning ``{table_name: DataFrame}``; the frames are validated against their
schemas *before* anything is written, and written atomically, so a failed build leaves the previous
files in place. A step may also return a network (networkx graph) under a file name ending in ``.graphml``
(:func:`is_graph_output`): it is written to ``data/processed/<name>`` with
:func:`analysis.text.networks.write_graphml` and recorded among the step's outputs.

Staleness (as owid/etl's steps): ``data/processed/BUILD.json`` records, per step, the sha256 of

* ``inputs`` — every file under ``data/`` the step opened while it ran (traced with a Python audit hook
  on ``open``; every ``functools.lru_cache`` of the package is emptied before a step so nothing is
  served from an earlier read),
* ``code`` — every module of the ``analysis`` package the step's function imports, directly or
  through other package modules (static import closure of the module defining the step function,
  or of the functions a lambda step calls),
* ``outputs`` — the tables it wrote.

A step is stale when any of these differ from the files on disk (or the step is new). ``python -m
analysis build`` rebuilds only stale steps; ``--all`` rebuilds everything. The manifest is JSON with
sorted keys, so a rebuild that changes nothing leaves it byte-identical.
"""
from __future__ import annotations

import ast
import functools
import gc
import hashlib
import json
import sys
from pathlib import Path
from typing import Callable

import pandas as pd

from .files import atomic_write_bytes
from .paths import DATA_DIR, PROCESSED_DIR, ROOT
from .tables import DataError, csv_bytes, schemas, table_path, validate, write_csv

MANIFEST = PROCESSED_DIR / "BUILD.json"
PACKAGE_DIR = Path(__file__).resolve().parent


def _steps() -> list[tuple[str, Callable[[], dict[str, pd.DataFrame]]]]:
    from .report.documents import build_documents
    from .report.egov import build_egov_survey
    from .text.keywords import build_national_term_counts
    from .corpus.report_text import report_tables
    from .text.reuse_eval import build_reuse_tables
    from .text.citations import build_citation_tables
    from .text.instrument_model import build_instrument_model_tables
    from .text.diffusion import build_diffusion_tables
    from .text.adoption import build_adoption_tables

    steps: list[tuple[str, Callable[[], dict[str, pd.DataFrame]]]] = [
        ("report", report_tables),
        ("egov", lambda: {"egov_survey": build_egov_survey()}),
        ("documents", lambda: {"documents_processed": build_documents()}),
        ("keywords", build_national_term_counts),
        ("reuse", build_reuse_tables),
        ("citations", build_citation_tables),
        ("instrument_model", build_instrument_model_tables),
        ("diffusion", build_diffusion_tables),
        ("adoption", build_adoption_tables),
    ]
    return steps


def _graphs() -> dict[str, list[tuple[str, Callable[[dict[str, pd.DataFrame]], object]]]]:
    """GraphML files a step writes beside its tables: ``{step: [(file name in data/processed, frames → graph)]}``.
    Written after the step's tables (:func:`analysis.text.networks.write_graphml`) and recorded among its outputs,
    so a missing or changed file makes the step stale."""
    from .text.citations import citation_graph

    return {"citations": [("citations.graphml", lambda frames: citation_graph(frames["citations"]))]}


def is_graph_output(name: str) -> bool:
    """A step output that is a network written as GraphML (``data/processed/<name>``), not a table."""
    return name.endswith(".graphml")


def output_path(name: str) -> Path:
    """Where a step output goes: ``data/processed/<name>`` for a GraphML network, else the table's path."""
    return PROCESSED_DIR / name if is_graph_output(name) else table_path(name)


def output_bytes(name: str, obj) -> bytes:
    """The bytes a step output is written as (CSV of a table, GraphML of a network)."""
    if not is_graph_output(name):
        return csv_bytes(obj)
    import tempfile

    from .text.networks import write_graphml

    with tempfile.TemporaryDirectory() as tmp:
        return write_graphml(obj, Path(tmp) / name).read_bytes()


# --------------------------------------------------------------------------- checksums
def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix()


def _module_file(module: str) -> Path | None:
    """File of a module of the analysis package, from its dotted name (no import)."""
    parts = module.split(".")
    if parts[0] != PACKAGE_DIR.name:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _imports(path: Path) -> set[str]:
    """Dotted names of the package modules a file imports (anywhere in it, relative or absolute)."""
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    pkg = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[:len(pkg) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)   # ``from . import tokens``
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.split(".")[0] == PACKAGE_DIR.name}


def code_closure(modules: set[str]) -> list[Path]:
    """Files of the given package modules and of every package module they import, transitively
    (package ``__init__`` files on the way included: importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__``)."""
    seen: dict[Path, None] = {}
    todo = list(modules)
    while todo:
        mod = todo.pop()
        parts = mod.split(".")
        for i in range(1, len(parts) + 1):
            f = _module_file(".".join(parts[:i]))
            if f is not None and f not in seen:
                seen[f] = None
                todo.extend(_imports(f))
    return sorted(seen)


def _step_modules(step: Callable) -> set[str]:
    """Modules whose code a step runs: the function's own module, or for a lambda/closure the modules
    of the functions it refers to."""
    mods = set()
    fn = step.func if isinstance(step, functools.partial) else step
    if getattr(fn, "__name__", "") != "<lambda>":
        mods.add(fn.__module__)
    for cell in getattr(fn, "__closure__", None) or ():
        obj = cell.cell_contents
        if callable(obj) and getattr(obj, "__module__", None):
            mods.add(obj.__module__)
    for name in getattr(getattr(fn, "__code__", None), "co_names", ()):
        obj = getattr(sys.modules.get(fn.__module__), name, None)
        if callable(obj) and getattr(obj, "__module__", None):
            mods.add(obj.__module__)
    return {m for m in mods if m and m.split(".")[0] == PACKAGE_DIR.name}


def code_hashes(step: Callable) -> dict[str, str]:
    """``{path relative to the repository: sha256}`` of the code a step runs."""
    return {_rel(p): _sha256(p) for p in code_closure(_step_modules(step))}


# --------------------------------------------------------------------------- tracing inputs
_TRACE: list[set[str]] = []


def _audit(event: str, args) -> None:
    if event == "open" and _TRACE and args and isinstance(args[0], (str, bytes, Path)):
        mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
        if any(c in mode for c in "wax+"):
            return
        try:
            p = Path(args[0].decode() if isinstance(args[0], bytes) else args[0]).resolve()
        except (OSError, ValueError):
            return
        if p.is_relative_to(DATA_DIR) and p.is_file():
            _TRACE[-1].add(str(p))


_HOOKED = False


def _clear_package_caches() -> None:
    """Empty every functools.lru_cache of the package, so a traced step opens every file it reads."""
    for name, mod in list(sys.modules.items()):
        if name.split(".")[0] != PACKAGE_DIR.name or mod is None:
            continue
        for obj in list(vars(mod).values()):
            if hasattr(obj, "cache_clear") and getattr(obj, "__module__", name) == name:
                obj.cache_clear()


def run_traced(step: Callable) -> tuple[dict[str, pd.DataFrame], set[Path]]:
    """Run a step from cold package caches; return its frames and the data files it opened."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    _clear_package_caches()
    _TRACE.append(set())
    try:
        frames = step()
    finally:
        opened = _TRACE.pop()
    return frames, {Path(p) for p in opened}


# --------------------------------------------------------------------------- manifest
def read_manifest(path: Path = MANIFEST) -> dict:
    """The build manifest (``{}`` when absent)."""
    return json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).is_file() else {}


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def stale_reasons(step_name: str, step: Callable, manifest: dict) -> list[str]:
    """Why a step must be rebuilt (empty list: it is up to date)."""
    entry = manifest.get("steps", {}).get(step_name)
    if entry is None:
        return ["no record in the build manifest"]
    reasons = []
    now_code = code_hashes(step)
    for kind, recorded, current in (("code", entry.get("code", {}), now_code),):
        for f in sorted(set(recorded) | set(current)):
            if recorded.get(f) != current.get(f):
                reasons.append(f"{kind} {f} " + ("added" if f not in recorded else "removed" if f not in current
                                                 else "changed"))
    for kind in ("inputs", "outputs"):
        for f, sha in sorted(entry.get(kind, {}).items()):
            p = ROOT / f
            if not p.is_file():
                reasons.append(f"{kind[:-1]} {f} missing")
            elif _sha256(p) != sha:
                reasons.append(f"{kind[:-1]} {f} changed")
    return reasons


def _build_entry(step: Callable, inputs: set[Path], outputs: list[Path]) -> dict:
    outs = {_rel(p) for p in outputs}
    return {"code": code_hashes(step),
            "inputs": {_rel(p): _sha256(p) for p in sorted(inputs) if _rel(p) not in outs},
            "outputs": {_rel(p): _sha256(p) for p in sorted(outputs)}}


def build_all(force: bool = True, manifest_path: Path = MANIFEST, stream=None) -> list[str]:
    """Run the build steps; return one summary line per table written (or step skipped).

    Parameters
    ----------
    force : bool
        ``True`` (default, ``--all``): run every step. ``False``: run only stale steps (:func:`stale_reasons`).
    manifest_path : path
        Where the manifest is read and written.

    Raises
    ------
    DataError
        When a step's output breaks its schema; nothing of that step is written, nor the manifest.
    """
    manifest = read_manifest(manifest_path)
    steps_rec = dict(manifest.get("steps", {}))
    lines = []
    gc.collect()
    for step_name, step in _steps():
        reasons = [] if force else stale_reasons(step_name, step, manifest)
        if not force and not reasons:
            lines.append(f"{step_name:<28} up to date")
            continue
        frames, inputs = run_traced(step)
        problems = []
        for name, frame in frames.items():
            if not is_graph_output(name):
                problems += validate(frame, schemas()[name], f"{step_name} → {name}")
        if problems:
            raise DataError(problems)
        outputs = []
        for name, frame in sorted(frames.items()):
            path = output_path(name)
            if is_graph_output(name):
                data = output_bytes(name, frame)
                if not path.is_file() or path.read_bytes() != data:
                    atomic_write_bytes(path, data)
                size = f"{frame.number_of_nodes():>6} nodes"
            else:
                if not path.is_file() or path.read_bytes() != csv_bytes(frame):
                    write_csv(frame, path)
                size = f"{len(frame):>6} rows"
            outputs.append(path)
            lines.append(f"{name:<28} {size} → {path.relative_to(path.parents[2])}"
                         + (f"  ({reasons[0]}{' …' if len(reasons) > 1 else ''})" if reasons else ""))
        for fname, make in _graphs().get(step_name, []):
            from .text.networks import write_graphml

            path = write_graphml(make(frames), PROCESSED_DIR / fname)
            outputs.append(path)
            lines.append(f"{fname:<28} graph  → {path.relative_to(path.parents[2])}")
        steps_rec[step_name] = _build_entry(step, inputs, outputs)
    known = {name for name, _ in _steps()}
    new = {"steps": {k: v for k, v in sorted(steps_rec.items()) if k in known}}
    data = manifest_bytes(new)
    if not Path(manifest_path).is_file() or Path(manifest_path).read_bytes() != data:
        atomic_write_bytes(manifest_path, data)
    return lines


def stale_steps(manifest_path: Path = MANIFEST) -> dict[str, list[str]]:
    """``{step: reasons}`` for every step that a build would rerun."""
    manifest = read_manifest(manifest_path)
    out = {}
    for name, step in _steps():
        r = stale_reasons(name, step, manifest)
        if r:
            out[name] = r
    return out
