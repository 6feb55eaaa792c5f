# Two commands: `make run` and `make test`. Each creates or updates .venv idempotently first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package definition or the pins change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --upgrade pip >/dev/null
	$(PIP) install -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/pse corpus validate
	$(BIN)/pse index
	$(BIN)/pse search "how do we stop corruption at the permit counter?" --k 3
	@echo
	@echo "Search with:  $(BIN)/pse search \"your question\"   Read a clause: $(BIN)/pse clause 7.2.3"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy src

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
