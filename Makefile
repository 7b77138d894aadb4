# The README's two commands: `make demo` (set up everything, load a generated data set, score it,
# serve the API) and `make test` (set up everything, lint, type-check, run the tests on a real Neo4j).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JAVA17 := /usr/lib/jvm/java-17-openjdk-amd64

.PHONY: demo test setup system-deps python-deps neo4j-install web-deps lint typecheck pytest bench clean stop

demo: setup
	$(BIN)/riskgraph demo

test: setup lint typecheck pytest

setup: system-deps python-deps neo4j-install web-deps

# From Debian when missing: Java 17 and Maven (Neo4j 5.26 runs on Java 17 or 21 only), Chromium (the
# web page's browser tests run it headless), npm (the page's graph library).
system-deps:
	@missing=""; \
	[ -x $(JAVA17)/bin/java ] || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing with apt-get:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

web-deps:
	@cd riskgraph/api/web && npm ci --no-audit --no-fund --loglevel=error

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

python-deps: $(BIN)/python
	@$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'

neo4j-install: python-deps
	@$(BIN)/riskgraph neo4j install

lint:
	$(BIN)/ruff check riskgraph tests bench
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy riskgraph

pytest:
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/score.py
	$(BIN)/python bench/api.py

stop:
	-$(BIN)/riskgraph neo4j stop

clean: stop
	rm -rf var $(VENV)
