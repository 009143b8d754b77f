# The README's two commands: `make run` and `make test`. Both install what they need into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test lint format migrate demo-data check openapi bench

$(BIN)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(BIN)/.installed-run

## Start the service with demo data (embedded PostgreSQL unless DATABASE_URL is set); its webhook
## worker delivers to receivers on loopback too.
run: $(BIN)/.installed-run
	WEBHOOK_ALLOW_LOOPBACK=$${WEBHOOK_ALLOW_LOOPBACK:-true} $(BIN)/partnership-api serve --demo-data

## Lint, type-check, check openapi.md is current, and run the whole test suite.
test: lint
	$(BIN)/partnership-api openapi --check
	$(BIN)/python -m pytest

lint: $(BIN)/.installed-test
	$(BIN)/ruff check app alembic tests bench
	$(BIN)/ruff format --check app alembic tests bench
	$(BIN)/mypy app

format: $(BIN)/.installed-test
	$(BIN)/ruff check --fix app alembic tests bench
	$(BIN)/ruff format app alembic tests bench

migrate: $(BIN)/.installed-run
	$(BIN)/partnership-api migrate

demo-data: $(BIN)/.installed-run
	$(BIN)/partnership-api demo-data

## Re-judge every refuse-rule over the stored data; exit 1 if a row breaks one (README).
check: $(BIN)/.installed-run
	$(BIN)/partnership-api check

openapi: $(BIN)/.installed-run
	$(BIN)/partnership-api openapi

## Benchmarks: ours beside the raw twin at 1k, 100k and 1M rows (needs wrk; installed if root).
bench: $(BIN)/.installed-test
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
