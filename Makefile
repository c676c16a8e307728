# Dashboard Kecamatan — set-up and checks. `make serve` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Tests and lint run with production-like settings (DEBUG off) on plain HTTP. They write
# bytecode even where the shell asks not to (PYTHONDONTWRITEBYTECODE): the commands and
# servers the suite starts as subprocesses then do not compile the project again each time.
TEST_ENV := PYTHONDONTWRITEBYTECODE= DEBUG=0 SECURE_HTTPS=0 SECRET_KEY=test-only-not-secret-$$$$-0123456789abcdefghijklmnopqrstuvwxyz
# Test processes in parallel (pytest-xdist): one per core; TEST_JOBS=0 runs in this process.
# worksteal hands each process a run of neighbouring tests, which share their set-up data.
TEST_JOBS ?= auto

.PHONY: serve test test-fast lint bench lock screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 tidak ditemukan / Python 3.11 not found ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

# The background worker (big imports, prepared reports) runs next to runserver and stops
# with it: Ctrl-C reaches both, and the trap ends the worker whenever runserver exits. A job
# in progress is finished first; a second Ctrl-C abandons it (it is requeued on next start).
serve: $(VENV)/.base-installed
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py setupdemo
	DEBUG=1 $(BIN)/python manage.py runjobs & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_JOBS) --dist worksteal $(PYTEST_ARGS)

# The edit-test loop: the suite without the real-browser tests and the national master list.
test-fast: $(VENV)/.dev-installed
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_JOBS) --dist worksteal -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .

bench: $(VENV)/.dev-installed
	$(TEST_ENV) $(BIN)/python -m bench $(BENCH_ARGS)

# PNGs of the dashboard pages at 360 and 1280 px into docs/screenshots/ (needs chromium).
screenshots: $(VENV)/.dev-installed
	$(BIN)/python scripts/screenshots.py

# Re-pin dependencies after editing requirements/*.in (needs network to the registry).
lock: $(VENV)/.dev-installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --python-version 3.11 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
