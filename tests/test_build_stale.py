"""Builds that know when they are stale: data/processed/BUILD.json records input, code and output checksums."""
import json

import pandas as pd
import pytest

from analysis import build
from analysis.paths import ROOT
from analysis.tables import csv_bytes, table_path


def test_committed_manifest_is_current_and_names_what_each_step_reads():
    """On the committed tree nothing is stale: a clean clone's `build` rebuilds nothing.
    (After changing a step's code or inputs, run `python -m analysis build` and commit BUILD.json.)"""
    assert build.stale_steps() == {}, "run `python -m analysis build` and commit data/processed/BUILD.json"
    steps = build.read_manifest()["steps"]
    assert sorted(steps) == sorted(name for name, _ in build._steps())
    # the traced inputs are the raw files each step really reads
    assert "data/raw/lawrefbook-national.tar.xz" in steps["keywords"]["inputs"]
    assert "data/curated/userdict.csv" in steps["keywords"]["inputs"]
    assert list(steps["report"]["inputs"]) == ["data/raw/report/caict-2022-digital-governance-report.txt"]
    assert "analysis/text/tokens.py" in steps["keywords"]["code"]
    # only what the step imports: `import analysis` pulls in the intake (analysis/corpus), not the methods
    for module in ("analysis/text/tokens.py", "analysis/text/topics.py", "analysis/text/keywords.py",
                   "analysis/text/reuse.py"):
        assert module not in steps["egov"]["code"]
    assert "analysis/report/egov.py" in steps["egov"]["code"]
    # deterministic bytes: sorted keys, so re-serialising gives the committed file
    assert build.manifest_bytes(build.read_manifest()) == build.MANIFEST.read_bytes()


def _fake_steps(tmp_path, monkeypatch):
    src = tmp_path / "data" / "raw" / "input.txt"
    src.parent.mkdir(parents=True)
    src.write_text("a\nb\n", encoding="utf-8")
    out = tmp_path / "data" / "processed" / "out.csv"
    calls = []

    def step():
        calls.append(1)
        lines = src.read_text(encoding="utf-8").split()
        return {"fake": pd.DataFrame({"x": lines})}

    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(build, "_steps", lambda: [("fake", step)])
    monkeypatch.setattr(build, "table_path", lambda name: out)
    monkeypatch.setattr(build, "validate", lambda frame, schema, rel: [])
    monkeypatch.setattr(build, "schemas", lambda: {"fake": None})
    # the step's code lives in this test module, which is not in the package: hash a stand-in file
    code = tmp_path / "analysis" / "fake.py"
    code.parent.mkdir()
    code.write_text("# version 1\n", encoding="utf-8")
    monkeypatch.setattr(build, "code_hashes", lambda s: {"analysis/fake.py": build._sha256(code)})
    return src, out, code, calls


def test_only_stale_steps_rerun_and_each_kind_of_change_is_noticed(tmp_path, monkeypatch):
    src, out, code, calls = _fake_steps(tmp_path, monkeypatch)
    manifest = tmp_path / "data" / "processed" / "BUILD.json"
    lines = build.build_all(force=False, manifest_path=manifest)
    assert calls == [1] and "no record in the build manifest" in lines[0]
    rec = json.loads(manifest.read_text(encoding="utf-8"))["steps"]["fake"]
    assert rec["inputs"] == {"data/raw/input.txt": build._sha256(src)}          # traced, not declared
    assert rec["outputs"] == {"data/processed/out.csv": build._sha256(out)}
    before = manifest.read_bytes()

    assert build.build_all(force=False, manifest_path=manifest) == ["fake                         up to date"]
    assert calls == [1] and manifest.read_bytes() == before

    src.write_text("a\nb\nc\n", encoding="utf-8")                              # an input changes
    assert build.stale_reasons("fake", build._steps()[0][1], build.read_manifest(manifest)) == [
        "input data/raw/input.txt changed"]
    build.build_all(force=False, manifest_path=manifest)
    assert calls == [1, 1] and out.read_bytes() == csv_bytes(pd.DataFrame({"x": ["a", "b", "c"]}))

    code.write_text("# version 2\n", encoding="utf-8")                         # the code changes
    assert build.stale_reasons("fake", build._steps()[0][1], build.read_manifest(manifest)) == [
        "code analysis/fake.py changed"]
    build.build_all(force=False, manifest_path=manifest)
    assert len(calls) == 3

    out.write_text("edited by hand\n", encoding="utf-8")                       # an output was edited
    assert build.stale_reasons("fake", build._steps()[0][1], build.read_manifest(manifest)) == [
        "output data/processed/out.csv changed"]
    build.build_all(force=False, manifest_path=manifest)
    assert len(calls) == 4 and out.read_bytes() == csv_bytes(pd.DataFrame({"x": ["a", "b", "c"]}))

    build.build_all(force=True, manifest_path=manifest)                        # --all reruns a fresh step
    assert len(calls) == 5


def test_a_file_read_through_a_cached_loader_is_still_traced(monkeypatch):
    """Package lru_caches are emptied before a traced step: a table already read in this process
    (and cached) is still recorded as an input of the step that needs it."""
    from analysis.text import tokens

    tokens.dictionary_version()            # warms the digest cache of userdict.csv
    _, inputs = build.run_traced(lambda: {"v": tokens.dictionary_version()})
    assert (ROOT / "data" / "curated" / "userdict.csv").resolve() in inputs


def test_code_closure_follows_package_imports():
    files = {p.relative_to(ROOT).as_posix() for p in build.code_closure({"analysis.text.keywords"})}
    assert {"analysis/text/keywords.py", "analysis/text/tokens.py", "analysis/files.py", "analysis/paths.py",
            "analysis/__init__.py", "analysis/text/__init__.py"} <= files
    assert "analysis/report/egov.py" not in files
