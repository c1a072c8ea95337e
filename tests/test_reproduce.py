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
