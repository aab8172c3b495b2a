# The two commands a newcomer needs: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint audit migrations-check loadtest faults scan clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

# Development settings (DEBUG on, a random key), read by mentoring/settings.py; production sets
# real environment variables instead (docs/architecture.md).
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Created .env for development (DEBUG=1)."

install: $(VENV)/.installed .env
	@scripts/system-deps.sh

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	HOST=$(HOST) PORT=$(PORT) scripts/run-demo.sh

migrations-check: $(VENV)/.installed .env
	$(BIN)/python manage.py makemigrations --check --dry-run

# ruff (lint and format), the floor plan's import contracts, the type check (all set in pyproject.toml).
lint: $(VENV)/.installed .env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: $(VENV)/.installed .env
	@scripts/system-deps.sh tests
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory migrations-check
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Without the browser tests, for a quick loop while coding.
test-fast: $(VENV)/.installed .env
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# The installed (pinned) packages against the vulnerability database, when it can be reached.
audit: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[audit]"
	scripts/audit.sh

# Operations proofs (docs/performance.md, docs/faults.md, docs/security.md): each starts its own
# gunicorn on PostgreSQL, runs for a bounded time and exits non-zero when the proof fails.
loadtest: $(VENV)/.installed .env
	@scripts/system-deps.sh
	scripts/loadtest.sh

faults: $(VENV)/.installed .env
	@scripts/system-deps.sh
	scripts/faults.sh

scan: $(VENV)/.installed .env
	@scripts/system-deps.sh
	scripts/scan.sh

clean:
	rm -rf $(VENV) var .env
