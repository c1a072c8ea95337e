"""pytest plugin (``-p xdist_scopes`` in pyproject.toml): how ``make test`` shares the suite between xdist workers.

``make test`` runs ``pytest -n auto --dist loadgroup``. Under ``loadgroup`` a test marked
``xdist_group(name)`` runs on the same worker as every other test of that group, and a group is handed out whole.
This plugin gives every collected item a group, so that the schedule is ``--dist loadscope``'s with one exception:

- a **notebook** (nbval's cells of one ``.ipynb``) is one group: its cells run in order in one kernel;
- a **test module** is one group: its module- and session-scoped fixtures are built once;
- except the byte-identity rebuilds of ``tests/test_build.py`` (one per build step, 10 s to 4 min each): each step
  is its own group, so the longest steps run on different workers at the same time instead of one after another on
  one worker (under ``loadscope`` that module alone set the floor of ``make test``).

An item that already has an ``xdist_group`` marker keeps it. Without xdist (``TEST_WORKERS=0``) the markers do
nothing.
"""
from __future__ import annotations

import pytest

#: Modules whose tests are independent and long enough to be spread one test per group.
SPREAD = ("tests/test_build.py",)


@pytest.hookimpl(tryfirst=True)  # before xdist appends the group to the node id
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        path = item.nodeid.split("::", 1)[0]
        group = item.nodeid if path in SPREAD else path
        item.add_marker(pytest.mark.xdist_group(group))
