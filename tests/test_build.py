"""Rebuilding the derived tables from data/raw and data/curated gives byte-identical files."""
import pytest

from analysis import build
from analysis.tables import csv_bytes, table_path


@pytest.mark.parametrize("step_name, step", build._steps(), ids=[name for name, _ in build._steps()])
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
