# The README's commands. Each target sets up .venv when it is missing or
# pyproject.toml changed, so a fresh clone needs only Python >= 3.11 and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup build report test lab lint dictionary bench bench-quick clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name eduanalysis --display-name "Python (eduanalysis)" >/dev/null
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/eduanalysis build --corpus data/raw --out data/processed

report: $(STAMP)
	$(BIN)/eduanalysis report

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check eduanalysis tests benchmarks

dictionary: $(STAMP)
	$(BIN)/eduanalysis dictionary --out docs/data_dictionary.md

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_targets.py
	$(BIN)/python benchmarks/bench_scale.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/bench_targets.py
	$(BIN)/python benchmarks/bench_scale.py --sizes 50,200 --compare 200 --repeats 1

clean:
	rm -rf data/processed/* figures/* analysis/ reports/
