# The newsroom's developer commands. `make run` serves the site with demo content,
# `make test` runs the whole suite. Both set everything up on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer. Take PYTHON if given, else the first suitable
# interpreter on PATH, else one installed under pyenv.
find_python = for candidate in $(PYTHON) python3.13 python3.12 python3 \
	  $$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v "$$candidate" >/dev/null 2>&1 && \
	     "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "$$candidate"; exit 0; fi; done; \
	echo "newsroom needs Python 3.12 or newer: install it (for example 'pyenv install 3.12' or Debian's python3.12) or pass PYTHON=/path/to/python3.12" >&2; exit 1

# Use DATABASE_URL when it is set; otherwise start (or reuse) the project-local
# PostgreSQL in .pgdata and point at it.
with_db = export DATABASE_URL="$${DATABASE_URL:-$$($(PY) -m lib.localdb)}" && test -n "$$DATABASE_URL" &&

.PHONY: help install run test lint format migrations-check db-stop demo clean bench

help:
	@echo "Targets:"
	@echo "  make run        set up, migrate, load the demo and serve it at http://$(HOST):$(PORT)"
	@echo "  make test       the whole test suite (lint, migrations check, unit, view and browser tests)"
	@echo "  make demo       set up, migrate and load the demo without serving it"
	@echo "  make lint       ruff and the import layers;  make format  fixes what ruff can"
	@echo "  make bench      the load test under production settings (bench-results/*.json)"
	@echo "  make db-stop    stop the local PostgreSQL in .pgdata/"
	@echo "  make install    only the virtualenv and dependencies;  make clean  removes them"
	@echo "Variables (make run PORT=8001, or export them):"
	@echo "  HOST=$(HOST) PORT=$(PORT)    where make run serves the site"
	@echo "  DATABASE_URL=postgres://user@host:5432/newsroom   your own PostgreSQL (default: a local one in .pgdata/)"
	@echo "  ARGS='-k feed -x'         passed to pytest by make test, to bench.run by make bench"
	@echo "  ARTICLES=10000 ENTRIES=50000   archive size for make bench"
	@echo "  PYTHON=/path/to/python3.12    the interpreter for a new virtualenv"
	@echo "  NEWSROOM_CHROMIUM=/usr/bin/chromium   the browser of the browser tests"
	@echo "After make run, .venv/bin/python manage.py <command> (createsuperuser, shell, ...) finds the local database by itself."

$(STAMP): pyproject.toml
	@python="$$($(find_python))" && echo "Using $$python ($$($$python --version))" && \
	  "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet . --group dev
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(with_db) $(PY) manage.py migrate --no-input && \
	  $(PY) manage.py load_demo && \
	  $(PY) manage.py shell -v0 -c "from ingest.demo import serve_at; serve_at('$(HOST):$(PORT)')" && \
	  echo && echo "Admin: http://$(HOST):$(PORT)/admin/ — log in as (password = user name):" && \
	  echo "  admin   superuser: everything, accounts included" && \
	  echo "  editor  Editor: reviews, publishes, schedules, corrects" && \
	  echo "  writer  Writer: writes and submits drafts" && echo && \
	  $(PY) manage.py runserver $(HOST):$(PORT)

demo: $(STAMP)
	@$(with_db) $(PY) manage.py migrate --no-input && $(PY) manage.py load_demo

test: $(STAMP)
	@$(with_db) $(PY) manage.py makemigrations --check --dry-run && \
	  $(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && \
	  $(VENV)/bin/lint-imports --no-cache --no-logo && \
	  $(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

db-stop: $(STAMP)
	$(PY) -m lib.localdb --stop

# Load test under production settings: seeds a separate database (ARTICLES=10000
# ENTRIES=50000 by default; e.g. `make bench ARTICLES=500000`), runs gunicorn and wrk,
# and writes bench-results/*.json. Needs Redis on 127.0.0.1:6379 (started if absent).
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } || \
	  { echo "make bench needs wrk: apt-get install wrk" >&2; exit 1; }
	@redis-cli ping >/dev/null 2>&1 || { command -v redis-server >/dev/null || \
	  apt-get install -y -qq redis-server; redis-server --daemonize yes >/dev/null; }
	@$(with_db) $(PY) -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
