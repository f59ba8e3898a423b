# Two commands for a new user: `make run` and `make test`. Both create .venv when it is missing and
# reinstall when pyproject.toml changed (the stamp files are older than it).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# Test processes: two per core, since most of a console test is waiting (measured on 2 loaded cores, 100 recordings
# tests: 122 s with 2 workers, 78 s with 4, 50 s with 6; 4 leaves room for whatever else the machine runs).
TEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))

.PHONY: run test test-fast lint bench screenshots sandbox clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip

# compileall: an editable install leaves our own sources uncompiled, and with PYTHONDONTWRITEBYTECODE set (as on
# some machines) every start compiled ~100 modules again (~70 ms of each launch).
COMPILE := $(BIN)/python -m compileall -q -j0 api console widgets sandbox relay

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	$(COMPILE)
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	$(COMPILE)
	touch $@ $(VENV)/.installed

## run: start the console against the built-in sandbox (demo scenario), or Sinch when credentials are set
run: $(VENV)/.installed
	@$(COMPILE)
	$(BIN)/sinch-console

## sandbox: run the simulated platform alone on a fixed port, for scripts and the SDK
sandbox: $(VENV)/.installed
	$(BIN)/sinch-sandbox --port 8700 --scenario demo

## lint: ruff, import contracts, types (mypy reads its packages and settings from pyproject.toml)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## test: lint, then the whole suite (slow tests included) spread over the cores by pytest-xdist
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS)

## test-fast: the suite without the slow tests (e2e, notebook, serve, snapshots), for a quick check while working
test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not slow"

## bench: speed and memory ratios against references measured in the same run, then a 10-minute soak under faults
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/client_throughput.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/roster_reconcile.py
	$(BIN)/python bench/tts_typing.py
	$(BIN)/python bench/mute_all.py
	$(BIN)/python bench/download.py
	$(BIN)/python bench/events.py
	$(BIN)/python bench/relay_fanout.py
	$(BIN)/python bench/relay_cluster.py
	$(BIN)/python bench/scale_console.py
	$(BIN)/python bench/idle_console.py
	$(BIN)/python bench/soak.py --minutes 10

## screenshots: regenerate the SVGs shown in the README
screenshots: $(VENV)/.installed-dev
	$(BIN)/python -m console.screenshots screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
