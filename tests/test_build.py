"""Rebuilding the derived tables from data/raw and data/curated gives byte-identical files.

The three longest steps (:data:`REBUILD`, 1–2 CPU-minutes each on a quiet machine, together about half of the
suite's CPU) carry the marker ``rebuild``: ``make test`` leaves them out (``-m "not rebuild"``) and
``make test-rebuild`` runs them, with the redraws of two committed seeded samples marked the same way; CI (``.ci/run``) runs both, so every step is rebuilt and compared on every CI run.
A change to their code is still caught by ``make test``: tests/test_build_stale.py fails while the build manifest's
code or input hashes are not current, and ``python -m analysis build`` then shows the tables' difference.
"""
import pytest

from analysis import build
from analysis.tables import csv_bytes, table_path

#: Steps whose byte-identity rebuild runs under ``make test-rebuild`` (marker ``rebuild``), not ``make test``.
REBUILD = ("reuse", "instrument_model", "diffusion")


def _params():
    steps = build._steps()
    assert set(REBUILD) <= {name for name, _ in steps}, REBUILD
    return [pytest.param(name, step, id=name, marks=[pytest.mark.rebuild] if name in REBUILD else [])
            for name, step in steps]


@pytest.mark.parametrize("step_name, step", _params())
def test_build_step_reproduces_the_committed_tables(step_name, step):
    frames = step()
    assert frames, step_name
    for name, frame in frames.items():
        expected = build.output_path(name).read_bytes()
        rebuilt = build.output_bytes(name, frame)
        assert rebuilt == expected, f"{build.output_path(name)} differs from what `python -m analysis build` makes"


def test_a_build_step_with_invalid_output_writes_nothing(monkeypatch):
    from analysis.tables import DataError

    path = table_path("report_captions")
    before = path.read_bytes()

    report_step = dict(build._steps())["report"]

    def bad_step():
        frames = report_step()
        frames["report_captions"] = frames["report_captions"].assign(number=-1)  # fails the schema
        return frames

    monkeypatch.setattr(build, "_steps", lambda: [("report", bad_step)])
    with pytest.raises(DataError, match="report_captions"):
        build.build_all()
    assert path.read_bytes() == before
