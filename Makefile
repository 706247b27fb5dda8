# Trygg: `make run` sets everything up and serves the demo; `make test` runs the test suite.

# Django 6 needs Python 3.12 or newer: take the first such interpreter on this machine.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck format check-migrations messages clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Trygg needs Python 3.12 or newer (Django 6); none found." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(BIN)/trygg migrate --noinput
	DEBUG=true $(BIN)/trygg demo --if-empty
	@echo ""
	@echo "Trygg runs on http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@echo ""
	@# The task worker (file imports) runs beside the web server; Ctrl-C stops both.
	@DEBUG=true $(BIN)/trygg worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/trygg runserver $(HOST):$(PORT)

# SQLite in memory by default; PostgreSQL when TRYGG_TEST_DATABASE_URL (or DATABASE_URL) says so.
# One worker per core (pytest-xdist); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="tests/analysis".
test: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs (config in pyproject.toml); its plugin loads the development settings.
typecheck: $(STAMP)
	DEBUG=true $(BIN)/mypy trygg

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(STAMP)
	DEBUG=true $(BIN)/trygg makemigrations --check --dry-run

# Rebuild the Swedish catalogue from the sources (needs GNU gettext), then compile it.
messages: $(STAMP)
	cd trygg && DEBUG=true ../$(BIN)/trygg makemessages --locale sv --no-obsolete --no-location --ignore 'demo/data/*'
	cd trygg && DEBUG=true ../$(BIN)/trygg compilemessages --locale sv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
