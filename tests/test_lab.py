"""Opening a notebook in JupyterLab and saving it without edits leaves it byte-identical (``git status`` clean).

JupyterLab writes the running kernel's ``language_info`` into a notebook's metadata and saves through Jupyter
Server's contents manager; both are reproduced here on copies of the notebooks, without a browser.
"""
from __future__ import annotations

import shutil

import pytest

from analysis.reproduce import KERNEL_NAME, notebooks


@pytest.fixture(scope="module")
def kernel_language_info():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=KERNEL_NAME)
    try:
        return kc.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_notebooks_store_the_language_info_the_kernel_reports(kernel_language_info):
    import nbformat

    for path in notebooks():
        stored = nbformat.read(path, as_version=4).metadata.get("language_info")
        assert stored == kernel_language_info, path.name


def test_open_and_save_without_edits_changes_no_byte(tmp_path, kernel_language_info):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    for path in notebooks():
        shutil.copyfile(path, tmp_path / path.name)
    cm = FileContentsManager(root_dir=str(tmp_path))
    for path in notebooks():
        model = cm.get(path.name, content=True, type="notebook")
        model["content"]["metadata"]["language_info"] = kernel_language_info  # what JupyterLab does on open
        cm.save(model, path.name)
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_unstored_language_info_would_dirty_the_notebook(tmp_path, kernel_language_info):
    """The test above can fail: a notebook with the old, trimmed language_info changes when saved."""
    import json

    from jupyter_server.services.contents.filemanager import FileContentsManager

    path = notebooks()[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"]["language_info"] = {"name": "python"}
    (tmp_path / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    before = (tmp_path / path.name).read_bytes()
    cm = FileContentsManager(root_dir=str(tmp_path))
    model = cm.get(path.name, content=True, type="notebook")
    model["content"]["metadata"]["language_info"] = kernel_language_info
    cm.save(model, path.name)
    assert (tmp_path / path.name).read_bytes() != before


def test_stored_outputs_hold_no_path_of_this_clone_and_no_layout_warning():
    """A stored output naming this folder would fail nbval in any other clone (CI runs in a fresh one)."""
    from analysis.paths import ROOT

    for path in notebooks():
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text, path.name
        assert "constrained_layout not applied" not in text, path.name
