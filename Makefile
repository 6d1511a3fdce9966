# Two entry points (see README): `make run` opens the main job, `make test` runs every test.
# Both set everything up first, on a machine with only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866

.PHONY: run test setup lab lint bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "segkit needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# The main job: the Voila segment explorer on the bundled sample data, on 127.0.0.1.
run: $(STAMP)
	$(BIN)/segkit dashboard segment_explorer --port $(PORT)

# JupyterLab (bound to 127.0.0.1) on the tutorials.
lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 --port $(PORT) notebooks/01_quickstart.ipynb

# Every test, the slow and browser ones included.
test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check segkit tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
