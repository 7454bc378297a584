# Everything a user runs. Each target bootstraps .venv from requirements.lock on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

HOST ?= 127.0.0.1
PORT ?= 8080
SEED ?=

.DEFAULT_GOAL := help
.PHONY: help venv mock test unit lint contract bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; run make PYTHON=/path/to/python3.11")'
	@echo "setting up $(VENV) from requirements.lock (once)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies

mock: $(STAMP) ## run the stub (HOST=127.0.0.1 PORT=8080 SEED=path)
	@$(BIN)/python -m mock_server --host $(HOST) --port $(PORT) $(if $(SEED),--seed $(SEED))

lint: $(STAMP) ## ruff check and format check
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .

unit: $(STAMP) ## the unit and app tests
	@$(BIN)/python -m pytest -q tests

test: lint unit ## everything CI runs

clean: ## remove the venv and reports
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
