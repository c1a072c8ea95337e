"""The reproduction runner: success writes back clean notebooks, failure names the cell and keeps the file."""
import nbformat
import pytest

from analysis import reproduce


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "something-else", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_success_stores_outputs_and_strips_volatile_metadata(tmp_path):
    path = _notebook(tmp_path / "01-ok.ipynb", "1 + 1", "print('数据')")
    outcome = reproduce.execute(path)
    assert outcome.ok and outcome.changed
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "2"
    assert nb.cells[1].outputs[0]["text"] == "数据\n"
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all("execution" not in c.metadata for c in nb.cells)
    before = path.read_bytes()
    again = reproduce.execute(path)  # a second run gives the same bytes and reports no change
    assert again.ok and not again.changed and path.read_bytes() == before


@pytest.mark.slow
def test_failure_names_cell_and_error_and_keeps_previous_file(tmp_path):
    path = _notebook(tmp_path / "02-bad.ipynb", "x = 1", "raise ValueError('no such table')", "x + 1")
    before = path.read_bytes()
    outcome = reproduce.execute(path)
    assert not outcome.ok
    assert outcome.cell == 1
    assert outcome.source.startswith("raise ValueError")
    assert "ValueError" in outcome.error and "no such table" in outcome.error
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["02-bad.ipynb"]
    assert "cell 1" in outcome.line()


def test_notebook_selection_by_number_or_name():
    names = [p.name for p in reproduce.notebooks()]
    assert names == sorted(names) and names[0].startswith("00-")
    assert [p.name for p in reproduce.notebooks(["00"])] == ["00-start-here.ipynb"]
    assert [p.name for p in reproduce.notebooks(["start-here"])] == ["00-start-here.ipynb"]
    assert reproduce.notebooks(["99"]) == []


def test_parallel_jobs_start_the_longest_notebook_first(tmp_path):
    paths = [tmp_path / n for n in ("00-a.ipynb", "01-b.ipynb", "02-c.ipynb", "03-new.ipynb")]
    hints = {"00-a.ipynb": 3.0, "01-b.ipynb": 30.0, "02-c.ipynb": 8.0}
    assert [p.name for p in reproduce.longest_first(paths, hints)] == \
        ["03-new.ipynb", "01-b.ipynb", "02-c.ipynb", "00-a.ipynb"]          # no record yet: may be long, first
    hints["00-a.ipynb"] = 60.0
    assert reproduce.longest_first(paths, hints)[1].name == "00-a.ipynb"


def test_committed_duration_hints_cover_every_notebook():
    """Written by tests/benchmarks/bench_reproduce.py; a notebook added without it would start last."""
    import json

    hints = json.loads(reproduce.DURATIONS_JSON.read_text(encoding="utf-8"))
    assert sorted(hints) == [p.name for p in reproduce.notebooks()]
    assert all(v > 0 for v in hints.values())


@pytest.mark.slow
def test_output_flushed_in_pieces_is_stored_as_one_stream(tmp_path):
    """On a busy machine print() can reach the notebook in two flushes; the stored bytes must not show it."""
    path = _notebook(tmp_path / "03-flush.ipynb",
                     "import sys\nsys.stdout.write('数据'); sys.stdout.flush()\nsys.stdout.write('安全\\n'); sys.stdout.flush()\n"
                     "sys.stderr.write('x\\n'); sys.stderr.flush()\nprint('法')")
    assert reproduce.execute(path).ok
    outs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o["name"], o["text"]) for o in outs] == [("stdout", "数据安全\n"), ("stderr", "x\n"), ("stdout", "法\n")]
