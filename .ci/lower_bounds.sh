#!/usr/bin/env bash
# Proves the lower bounds of pyproject.toml: a separate venv (.venv-lower, git-ignored) gets every
# [project].dependencies entry at its floor (`name>=X` installed as `name==X`; an entry without a floor is an
# error), the package itself with --no-deps, and pytest; then the unit tests run there (`make test-lower-bounds`).
# What pip adds beyond the floors (dependencies of dependencies) is whatever it resolves today.
#
# Tests run: the unit tests (no notebook is compared with its stored outputs, no nbval; counts in the README):
#   1. `pytest tests -m "not slow"` without
#        tests/test_lab.py   (needs jupyter_server, a test tool pinned in requirements.txt, not a dependency)
#        tests/test_build.py (rebuilt tables byte-identical to the committed ones: a property of the pinned set)
#        the three browser tests of tests/test_book.py (need Chromium and websocket-client; the book's build
#        tests still run: nbconvert's HTMLExporter and fontTools' subsetter at their floors)
#   2. the slow tests that prove the floors nothing else reaches: the kernel tests of tests/test_reproduce.py
#      (notebooks executed in an ipykernel by nbclient over jupyter_client's IPC transport, traitlets config,
#      nbconvert's CoalesceStreamsPreprocessor) and the README's Dask example (tests/test_pipeline.py: a
#      LocalCluster of distributed, partitions, keyness and a streamed topic model).
# The run fails if a test leaves a tracked file changed. Extra arguments go to both pytest runs.
# The venv is reused while the floors, the pytest pin and the Python are unchanged (.venv-lower/.stamp);
# LOWER_FRESH=1 (`make test-lower-bounds LOWER_FRESH=1`) rebuilds it. Times: README, "Testing".
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=${VENV_LOWER:-.venv-lower}
start=$(date +%s)

floors=$("$PYTHON" -c '
import re, sys, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
pins = [re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*(?:,[^;]*)?(;.*)?", d) for d in deps]
bad = [d for d, m in zip(deps, pins) if m is None]
if bad:
    sys.exit(f"pyproject.toml: dependencies without a >= floor: {bad}")
print("\n".join(m.group(1) + "==" + m.group(2) + (m.group(3) or "") for m in pins))   # a marker is kept
')
pytest_pin=$(grep -E '^pytest==' requirements.txt | cut -d' ' -f1)
stamp="$floors
$pytest_pin
$("$PYTHON" --version)"
echo "lower bounds ($(echo "$floors" | wc -l) packages): $(echo $floors)"

if [ "${LOWER_FRESH:-0}" != 1 ] && [ -f "$VENV/.stamp" ] && [ "$(cat "$VENV/.stamp")" = "$stamp" ]; then
    echo "lower bounds: reusing $VENV (same floors; LOWER_FRESH=1 rebuilds it)"
else
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    echo "*" >"$VENV/.gitignore"   # the whole venv is untracked (no entry in the project's .gitignore needed)
    echo "$floors" >"$VENV/lower-bounds.txt"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$VENV/lower-bounds.txt" "$pytest_pin"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    "$VENV/bin/python" -m pip freeze --exclude-editable >"$VENV/freeze.txt"   # what the floors resolved to
    echo "$stamp" >"$VENV/.stamp"
fi
"$VENV/bin/python" -m pip check
installed=$(( $(date +%s) - start ))
echo "lower bounds: environment ready in ${installed} s"

before=$(git status --porcelain --untracked-files=no)
# pyproject's addopts name nbval options; nbval is not installed here (no notebook is compared). The session guard
# (tests/session_guard.py: outputs to a temporary folder, work tree unchanged) is loaded as in every other run.
run_pytest() { "$VENV/bin/python" -m pytest -o addopts="-ra --strict-markers" -p session_guard -p no:cacheprovider "$@"; }
run_pytest tests -m "not slow" --ignore=tests/test_lab.py --ignore=tests/test_build.py --ignore=tests/benchmarks \
    --deselect tests/test_book.py::test_page_in_chromium \
    --deselect tests/test_book.py::test_chromium_check_sees_characters_missing_from_the_font \
    --deselect tests/test_book.py::test_search_box_finds_a_chinese_term "$@"
run_pytest -m slow tests/test_reproduce.py \
    tests/test_pipeline.py::test_readme_large_corpora_example_runs_and_leaves_no_process "$@"
after=$(git status --porcelain --untracked-files=no)
if [ "$before" != "$after" ]; then
    echo "lower bounds: the tests changed tracked files:"; diff <(echo "$before") <(echo "$after") || true
    exit 1
fi
echo "lower bounds: passed in $(( $(date +%s) - start )) s (environment ${installed} s)"
