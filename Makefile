# The README's commands. Each creates .venv from requirements.txt when it is missing or older than
# requirements.txt, then runs. Plain pip/pytest equivalents (for machines without make) are in the README.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: test test-rebuild test-portable test-lower-bounds reproduce lab book check build bench clean-cache venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

## test: unit tests, data validation and every notebook under nbval (strict), on every core (pytest-xdist;
## --dist loadscope keeps a notebook's cells in order in one kernel and a module's tests on one worker (not loadgroup:
## with pytest 9.2 and xdist 3.8.0 it silently ignores xdist_group and spreads a notebook's cells, pytest-xdist#1386);
## TEST_WORKERS=0 runs in one process). The byte-identity rebuilds of the three longest build steps and the redraws
## of two committed seeded samples (marker `rebuild`) are left to test-rebuild; CI runs both.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest --nbval -n $(TEST_WORKERS) --dist loadscope -m "not rebuild" tests notebooks

## test-rebuild: rebuild the three longest build steps (reuse, instrument_model, diffusion) and compare every table
## byte for byte with the committed one (tests/test_build.py), and redraw the committed reuse gold set and instrument
## coding sample from their seeds (marker `rebuild`; about 6 CPU-minutes; --dist load: the tests share nothing)
test-rebuild: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load -m rebuild tests

## test-portable: every notebook again under other numpy SIMD levels, OpenBLAS cores and hash seeds
## (each switch proven to change the kernels first), compared strictly with the stored outputs
test-portable: $(STAMP)
	$(BIN)/python tests/portable.py

## test-lower-bounds: unit tests in a separate venv (.venv-lower) holding pyproject's floors (.ci/lower_bounds.sh);
## the venv is reused while the floors are unchanged, `make test-lower-bounds LOWER_FRESH=1` rebuilds it
test-lower-bounds:
	LOWER_FRESH=$(LOWER_FRESH) bash .ci/lower_bounds.sh

## reproduce: rebuild data/processed, execute every notebook in a fresh kernel, regenerate figures
reproduce: $(STAMP)
	$(BIN)/python -m analysis reproduce --jobs 2

## check: validate every table under data/
check: $(STAMP)
	$(BIN)/python -m analysis check

## build: rebuild the stale tables of data/processed (`python -m analysis build --all` rebuilds every one)
build: $(STAMP)
	$(BIN)/python -m analysis build

## lab: start JupyterLab at the repository root (README, data/, figures/ reachable) with notebook 00 open
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00-start-here.ipynb

## book: the notebooks as an offline HTML book in build/book/ (stored outputs, nothing executed)
book: $(STAMP)
	$(BIN)/python -m analysis book

## bench: run the benchmarks and rewrite tests/benchmarks/*.md
bench: $(STAMP)
	for f in tests/benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean-cache:
	rm -rf .cache
