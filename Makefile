# Memoria. `make help` lists the targets; the first two are the README's quick start.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
ES := search/elasticsearch/es.sh

.DEFAULT_GOAL := help
.PHONY: run test help setup setup-dev demo messages elasticsearch elasticsearch-stop stack stack-reload stack-stop lint format bench

run: setup ## Set up and serve the site on the embedded default (SQLite, database search, demo content)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) setup_editorial
	$(MANAGE) ensure_admin
	@echo "Memoria: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/, see README for the login)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup-dev ## Run the whole suite: ruff, then pytest with a real Elasticsearch (started and stopped here)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	@set -euo pipefail; \
	if [ -n "$${ELASTICSEARCH_URL:-}" ]; then \
		es_url="$$ELASTICSEARCH_URL"; started=""; \
	else \
		es_url=$$(bash $(ES) start | tail -n 1); started=1; \
		trap 'bash $(ES) stop >/dev/null' EXIT; \
	fi; \
	echo "Elasticsearch for the tests: $$es_url"; \
	TEST_ELASTICSEARCH_URL="$$es_url" $(BIN)/pytest $(PYTEST_ARGS)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python ## Create the virtualenv, install the pinned dependencies and front-end packages, compile translations
	$(BIN)/pip install --quiet -r requirements.txt
	npm ci --no-audit --no-fund --loglevel=error
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

setup-dev: setup ## setup, plus the test and lint tools, and Debian's Chromium for the browser tests
	$(BIN)/pip install --quiet -r requirements-dev.txt
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

demo: setup ## Load the demo content again (idempotent)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) setup_editorial

messages: setup ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(MANAGE) makemessages -l de -l ru --ignore=.venv --ignore=node_modules --ignore=.cache --no-obsolete

elasticsearch: ## Fetch, build (with our analysis plugin) and start a local Elasticsearch node; prints its URL
	@bash $(ES) start

elasticsearch-stop: ## Stop the local Elasticsearch node
	@bash $(ES) stop

stack: setup ## Start the production stack here: PostgreSQL 15, a 3-node Elasticsearch cluster, gunicorn on :8080, the worker
	@bash deploy/stack.sh start

stack-reload: ## After an upgrade: the deploy steps, then the stack's gunicorn workers and worker replaced
	@bash deploy/stack.sh reload

stack-stop: ## Stop the production stack (the cluster's data goes with it; the database stays)
	@bash deploy/stack.sh stop

format: setup-dev ## Format and fix the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup-dev ## Run the benchmarks under bench/ and print their figures
	$(BIN)/python bench/import_berlin.py
	$(BIN)/python bench/transliteration.py
