# Two commands do all set-up on a machine with only python3 and make:
#   make run   - create .venv from uv.lock, then run the main job on the bundled sample
#   make test  - create .venv from uv.lock, then run the test suite
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV_VERSION := 0.13.8
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced-from-lock

export UV_PROJECT_ENVIRONMENT := $(VENV)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_VERSION_CHECK := false
export DAGSTER_DISABLE_TELEMETRY := true

# Parse the dbt project into dbt_project/target/manifest.json through its DbtProject, once,
# before anything loads the definitions (pytest workers then only read it). dbt's profile
# needs a warehouse path even to parse; parsing does not open it.
WAREHOUSE_DEFAULT := $(CURDIR)/data/warehouse.duckdb
PREPARE_DBT := TIPSTATS_WAREHOUSE="$${TIPSTATS_WAREHOUSE:-$(WAREHOUSE_DEFAULT)}" \
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
	$(VENV)/bin/dagster-dbt project prepare-and-package --file pipelines/defs/dbt/project.py

.PHONY: help setup run test check lint dev bench browser postgres

help:
	@echo "make run    set up .venv and run the main job on the bundled sample landing zone"
	@echo "make test   set up .venv and run the tests"
	@echo "make check  the fast tests only (not marked slow), for the edit-test loop"
	@echo "make lint   ruff check + format check, mypy, sqlfluff (dbt templater) on dbt_project"
	@echo "make dev    open the Dagster UI (dagster dev -w workspace.yaml)"
	@echo "make bench  run the benchmarks (results in benchmarks/results/)"
	@echo "make browser install Debian's chromium for the UI test (root only; skipped otherwise)"
	@echo "make postgres install Debian's postgresql for the Dagster-on-PostgreSQL test (root only)"

$(UV):
	python3 -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --compile-bytecode --python python3
	@touch $@

setup: $(STAMP)

run: $(STAMP)
	$(PREPARE_DBT)
	$(VENV)/bin/tipstats run

test: $(STAMP)
	$(PREPARE_DBT)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pytest -n 2

# mypy's settings and packages are in pyproject.toml ([tool.mypy]); its cache is .mypy_cache/.
# The dbt templater parses the project (no warehouse needed) against a throwaway profile path,
# with its target/ and logs/ in the same scratch folder, not in dbt_project/.
check: $(STAMP)
	$(PREPARE_DBT) >/dev/null
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pytest -n 2 -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy benchmarks
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
		TIPSTATS_WAREHOUSE="$$scratch/lint.duckdb" DBT_TARGET_PATH="$$scratch/target" \
		DBT_LOG_PATH="$$scratch/logs" $(VENV)/bin/sqlfluff lint dbt_project/models dbt_project/tests

# `dagster dev` parses the dbt project when it changed since its manifest (prepare_if_stale).
dev: $(STAMP)
	mkdir -p data/dagster_home && cp dagster.yaml data/dagster_home/dagster.yaml
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DAGSTER_HOME="$(CURDIR)/data/dagster_home" \
		$(VENV)/bin/dagster dev -w workspace.yaml

# `make bench BENCH="p1 p4 --validation-rows 5e5"` runs some sections (benchmarks/run.py).
bench: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/python benchmarks/run.py $(BENCH)

# The UI test drives Debian's chromium (Playwright cannot download its own browser here).
browser:
	@if command -v chromium >/dev/null; then \
		echo "chromium present: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	else \
		echo "chromium missing and not root: the UI test will skip (install: sudo apt-get install chromium)"; \
	fi

# The scale-out test starts a real PostgreSQL server (initdb/pg_ctl, Debian's versioned
# folder is found by the test); skipped only where the binaries are missing.
postgres:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "postgresql present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	else \
		echo "postgresql missing and not root: the PostgreSQL test will skip (install: sudo apt-get install postgresql)"; \
	fi
