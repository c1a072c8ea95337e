"""How ``make test`` groups the suite for pytest-xdist (tests/xdist_scopes.py)."""
import pytest

import xdist_scopes


class FakeItem:
    def __init__(self, nodeid, group=None):
        self.nodeid = nodeid
        self.marks = [pytest.mark.xdist_group(group).mark] if group else []

    def get_closest_marker(self, name):
        return next((m for m in self.marks if m.name == name), None)

    def add_marker(self, mark):
        self.marks.append(mark.mark)

    @property
    def group(self):
        return self.get_closest_marker("xdist_group").args[0]


def test_notebooks_and_modules_are_one_group_each_build_steps_one_group_per_step():
    items = [FakeItem("notebooks/05-topics.ipynb::Cell 0"), FakeItem("notebooks/05-topics.ipynb::Cell 7"),
             FakeItem("notebooks/09-how-rules-travel.ipynb::Cell 0"),
             FakeItem("tests/test_reuse.py::test_a"), FakeItem("tests/test_reuse.py::test_b[x]"),
             FakeItem("tests/test_build.py::test_build_step_reproduces_the_committed_tables[reuse]"),
             FakeItem("tests/test_build.py::test_build_step_reproduces_the_committed_tables[diffusion]"),
             FakeItem("tests/test_pipeline.py::test_c", group="own")]
    xdist_scopes.pytest_collection_modifyitems(None, items)
    groups = [i.group for i in items]
    assert groups[0] == groups[1] == "notebooks/05-topics.ipynb"  # one kernel runs a notebook's cells in order
    assert groups[2] != groups[0]
    assert groups[3] == groups[4] == "tests/test_reuse.py"  # module fixtures built once
    assert groups[5] != groups[6]  # the two longest rebuilds may run at the same time
    assert groups[5].startswith("tests/test_build.py") and groups[6].startswith("tests/test_build.py")
    assert groups[7] == "own"  # an explicit marker is kept
    assert [len(i.marks) for i in items] == [1] * len(items)
