# Two commands on a fresh machine: `make run` and `make test`. No server, no root needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SAMPLE := sensibilisation-sante-mentale
export FLASK_APP := lms

.PHONY: install run test test-fast lint schemathesis translations french-plurals demo clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; else echo "npm not found: browser tests will be skipped"; fi
	@touch $@ 2>/dev/null || true

translations: $(BIN)/flask
	$(BIN)/pybabel compile --use-fuzzy -d lms/translations -D messages >/dev/null

## after new plural strings (ngettext): French's own catalogue of them (0 and 1 are singular in French)
french-plurals: $(BIN)/flask
	$(BIN)/python -m tests.i18ntools

install: $(BIN)/flask translations

demo: install
	$(BIN)/flask db upgrade
	$(BIN)/flask create-user --if-missing --role coordinator --email coordination@demo.clsm-metz.fr --password coordination-demo --full-name "Camille Coordination" --organisation "CLSM de Metz"
	$(BIN)/flask create-user --if-missing --role trainer --email formation@demo.clsm-metz.fr --password formation-demo --full-name "Dr Lucie Formatrice" --organisation "Centre hospitalier de Jury"
	$(BIN)/flask create-user --if-missing --role learner --email apprenant@demo.clsm-metz.fr --password apprenant-demo --full-name "Alex Apprenant" --organisation "MDPH de la Moselle"
	$(BIN)/flask import-course courses/$(SAMPLE) --owner formation@demo.clsm-metz.fr --publish

## make run: install, migrate, demo accounts, then web + Celery worker + beat on http://$(HOST):$(PORT),
## serving at once while the worker prepares the sample films (a line of progress is printed)
run: demo
	$(BIN)/python -m lms.devserver --host $(HOST) --port $(PORT) --films-of $(SAMPLE)

## make test: the whole suite (browser tests need Debian's chromium and npm; worker tests need redis-server)
test: install node_modules/axe-core/axe.min.js
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser and not worker"

lint: install
	$(BIN)/ruff check lms worker config.py bench tests

schemathesis: install
	$(BIN)/python -m tests.api.run_schemathesis

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
