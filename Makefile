# Everything a user runs. Each target bootstraps .venv from requirements.lock on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

HOST ?= 127.0.0.1
PORT ?= 8080
SEED ?=
URL ?=
API ?=
RATE ?=
EXAMPLES ?=
WORKERS ?=
STORE ?=
STORE_PREFIX ?=

.DEFAULT_GOAL := help
.PHONY: help venv mock test unit lint contract bench bench-remote soak clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; run make PYTHON=/path/to/python3.11")'
	@echo "setting up $(VENV) from requirements.lock (once)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies

mock: $(STAMP) ## run the stub (HOST=127.0.0.1 PORT=8080 SEED=path STORE=redis://host:port/db STORE_PREFIX=stub: WORKERS=N)
	@$(BIN)/python -m mock_server --host $(HOST) --port $(PORT) $(if $(SEED),--seed $(SEED)) \
		$(if $(STORE),--store $(STORE)) $(if $(STORE_PREFIX),--store-prefix $(STORE_PREFIX)) $(if $(WORKERS),--workers $(WORKERS))

lint: $(STAMP) ## ruff check, format check, mypy --strict, and the OpenAPI check of specs/
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/mypy
	@$(BIN)/python -m mock_server.specs

unit: $(STAMP) ## the unit and app tests (pytest-xdist: 3 at a time, one worker per file)
	@$(BIN)/python -m pytest -q -n 3 --dist loadfile tests

contract: $(STAMP) ## the contract suite: on a stub it starts, or URL=http://host:port (API= RATE= EXAMPLES= STRICT= WORKERS=)
	@$(BIN)/python -m contract_tests $(if $(URL),--url $(URL)) $(if $(API),--api $(API)) \
		$(if $(RATE),--rate $(RATE)) $(if $(EXAMPLES),--examples $(EXAMPLES)) $(if $(WORKERS),--workers $(WORKERS))

test: lint unit ## everything CI runs: lint, unit tests, and the contract suite on the stub over real HTTP
	@API= RATE= EXAMPLES= WORKERS= $(BIN)/python -m contract_tests --strict

bench: $(STAMP) ## benchmark stub vs Prism vs bare Starlette, the suite against a 30 ms deployment, 10-min soak (~17 min)
	@$(BIN)/python -m bench

bench-remote: $(STAMP) ## the bench's remote-deployment part alone: the suite sequential, concurrent, and st run (~2 min)
	@$(BIN)/python -m bench remote

soak: $(STAMP) ## the bench's soak alone (SOAK_SECONDS=600)
	@$(BIN)/python -m bench soak

clean: ## remove the venv and reports
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
