# The README's two commands: `make run` and `make test`. Both install what they need into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` (0: one process); each worker has databases of its own.
TEST_WORKERS ?= 2
export HOST PORT

.PHONY: run test lint format migrate demo-data check openapi bench lock messages

# Installs come from the lock files (exact versions, every file's hash), never from pyproject's
# ranges; the project itself is not in them and goes in last with --no-deps. `pip install -r`
# adds and upgrades but never removes: a package dropped from the lock stays in .venv until
# .venv is deleted. The stamps also depend on pyproject.toml because `-e .` reads its scripts.
$(BIN)/.installed-run: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

$(BIN)/.installed-test: requirements-test.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@ $(BIN)/.installed-run

# The locking tool, pinned so that two people refreshing the lock resolve the same way.
UV_VERSION := 0.13.9
# One lock for every platform (--universal: environment markers where a platform differs, the
# hashes of every wheel and sdist of each pinned version), from Python 3.11, the lowest we support.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

## Rewrite both lock files from pyproject.toml (after adding, removing or changing a dependency;
## then commit them). Pins the ranges still allow are kept; `make lock UPGRADE=1` moves every
## package to its newest allowed version. The test lock is resolved first and bounds the runtime
## one, so a package in both has the same version in both: tests run what production runs.
UPGRADE ?= 0
lock: $(BIN)/uv
	$(UV_COMPILE) $(if $(filter 1,$(UPGRADE)),--upgrade) pyproject.toml --extra test \
		-o requirements-test.lock
	$(UV_COMPILE) $(if $(filter 1,$(UPGRADE)),--upgrade) pyproject.toml \
		--constraint requirements-test.lock -o requirements.lock

## Start the service with demo data (embedded PostgreSQL unless DATABASE_URL is set); its webhook
## worker delivers to receivers on loopback too.
run: $(BIN)/.installed-run
	WEBHOOK_ALLOW_LOOPBACK=$${WEBHOOK_ALLOW_LOOPBACK:-true} $(BIN)/partnership-api serve --demo-data

## Lint, type-check, check openapi.md is current, and run the whole test suite in TEST_WORKERS
## processes (idle workers take tests queued for busy ones, the slowest start first).
test: lint
	$(BIN)/partnership-api openapi --check
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

## Ruff, mypy (strict, tests included) and the import contracts of pyproject.toml.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check app alembic tests bench tools clients
	$(BIN)/ruff format --check app alembic tests bench tools clients
	$(BIN)/mypy app tests tools
	$(BIN)/lint-imports

format: $(BIN)/.installed-test
	$(BIN)/ruff check --fix app alembic tests bench tools clients
	$(BIN)/ruff format app alembic tests bench tools clients

## Translations (docs/translations.md): extract every message marked with `_()` into the template
## app/locale/messages.pot and merge it into the Swedish and Spanish catalogues, where a new message
## arrives untranslated and a changed one fuzzy; translate those, then `make test`
## (tests/languages/test_catalogues.py fails until each is). Nothing is compiled: the service
## reads the .po files (app/core/i18n.py).
LOCALE_DIR := app/locale
messages: $(BIN)/.installed-test
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --width 100 \
		--project partnership-api --msgid-bugs-address "" -o $(LOCALE_DIR)/messages.pot .
	for lang in sv es; do \
		test -f $(LOCALE_DIR)/$$lang/LC_MESSAGES/messages.po || $(BIN)/pybabel -q init \
			-i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages -l $$lang --width 100; \
		$(BIN)/pybabel -q update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages \
			-l $$lang --ignore-obsolete --width 100 || exit 1; \
	done

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
