# The README's two commands: `make demo` (set up everything, load a generated data set, score it,
# serve the API) and `make test` (set up everything, lint, type-check, run the tests on a real Neo4j).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JAVA17 := /usr/lib/jvm/java-17-openjdk-amd64

.PHONY: demo test setup system-deps python-deps neo4j-install lint typecheck pytest bench clean stop

demo: setup
	$(BIN)/riskgraph demo

test: setup lint typecheck pytest

setup: system-deps python-deps neo4j-install

# Java 17 and Maven from Debian when missing (Neo4j 5.26 runs on Java 17 or 21 only).
system-deps:
	@if [ ! -x $(JAVA17)/bin/java ] || ! command -v mvn >/dev/null; then \
	  echo "installing Java 17 and Maven with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

python-deps: $(BIN)/python
	@$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'

neo4j-install: python-deps
	@$(BIN)/riskgraph neo4j install

lint:
	$(BIN)/ruff check riskgraph tests bench

typecheck:
	$(BIN)/mypy riskgraph

pytest:
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/score.py

stop:
	-$(BIN)/riskgraph neo4j stop

clean: stop
	rm -rf var $(VENV)
