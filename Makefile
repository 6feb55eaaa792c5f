# Two commands: `make run` and `make test`. Each creates or updates .venv idempotently first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install browser postgres axe clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package definition or the pins change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --upgrade pip >/dev/null
	$(PIP) install -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The app on its embedded defaults: builds the index on first start (progress shown), then serves
# the chat UI on http://127.0.0.1:7860 and the API under /api (PSE_HOST / PSE_PORT to change).
run: install
	$(BIN)/pse serve

lint: install
	$(BIN)/ruff check src ui tests benchmarks evals
	$(BIN)/ruff format --check src ui tests benchmarks evals

typecheck: install
	$(BIN)/mypy src ui

# The browser test drives Debian's Chromium; as root (CI) it is installed here when missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "note: the browser test needs Debian's chromium (sudo apt-get install chromium chromium-driver)"; \
	  fi; \
	fi

# The storage tests start a throwaway PostgreSQL cluster (initdb + pg_ctl from Debian's server
# package); as root (CI) it is installed here when missing. Off CI they skip without it.
postgres:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "note: the PostgreSQL tests need Debian's postgresql (sudo apt-get install postgresql)"; \
	  fi; \
	fi

# axe-core, the accessibility checker the browser test injects into each tab, from the npm
# registry into .cache/ (never committed); the test fails without it in CI and skips otherwise.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js

axe: $(AXE)

$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --prefix .cache/axe --no-audit --no-fund --save-exact --silent axe-core@$(AXE_VERSION); \
	else \
	  echo "note: the accessibility checks need npm (apt-get install npm) to fetch axe-core $(AXE_VERSION)"; \
	fi

# Two workers (pytest-xdist), one core each; a module's slow tests stay on one worker.
pytest: install browser postgres axe
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .cache
