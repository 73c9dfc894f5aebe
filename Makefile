# The two commands a newcomer needs:  make run  and  make test.
PORT ?= 8000
PYTEST_ARGS ?=

ENGINES ?= 2

.PHONY: run run-scaled test setup train test-fast benchmark lint clean

run: setup                ## set up what is missing, train if data changed, start everything on SQLite
	PORT=$(PORT) .venv/bin/python scripts/stack.py run

run-scaled: setup         ## ENGINES dialogue engines (2) on the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL override)
	PORT=$(PORT) .venv/bin/python scripts/stack.py run --engines $(ENGINES)

test: setup train lint    ## set up, lint, and run the whole test suite (unit, API, Rasa, end-to-end, browser)
	@scripts/setup.sh --with-browser
	.venv/bin/python -m pytest $(PYTEST_ARGS)

test-fast: setup          ## everything except Rasa training and the live stack
	.venv/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

setup:
	@scripts/setup.sh

train: setup
	.venv/bin/python scripts/stack.py train

benchmark: setup train    ## latency and readiness, gateway vs raw Rasa (not a test)
	.venv/bin/python scripts/benchmark.py

lint: setup               ## ruff over the code, mypy over bot/ (part of make test)
	.venv/bin/ruff check bot actions api tests scripts components
	.venv/bin/mypy

clean:
	rm -rf var models results .pytest_cache
