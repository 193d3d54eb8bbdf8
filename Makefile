# The README's commands. Each target sets up .venv when it is missing or
# pyproject.toml changed, so a fresh clone needs only Python >= 3.11 and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup build report report-draft report-meiyu report-check test lab lint dictionary bench bench-quick bench-report score clean

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

# PNG figures only (no SVG or PDF): a quicker report while drafting.
report-draft: $(STAMP)
	$(BIN)/eduanalysis report --formats png

# The example corpus of 94 real documents (data/examples/meiyu): its own tables, figures and reports.
report-meiyu: $(STAMP)
	$(BIN)/eduanalysis report --params params/meiyu.yml --out reports/meiyu

# Screenshots of reports/index.html and a notebook page in headless Chromium (apt-get install chromium).
report-check: $(STAMP)
	$(BIN)/python -m eduanalysis.report.browser reports

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

# A warm `make report` on data/raw with jobs 1 and 2 (scratch folders; reports/ untouched).
bench-report: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/bench_targets.py
	$(BIN)/python benchmarks/bench_scale.py --sizes 50,200 --compare 200 --repeats 1

# Both scorers' lines for the seeds (targets; the seeds have no metadata gold) and the dev set
# (targets and metadata), with the project's copies of the gold and of ../shared/eval's scorers.
SCORE_DIR := reports/score
DEVSET    := tests/fixtures/devset

score: $(STAMP)
	$(BIN)/eduanalysis build --quiet --no-cache --corpus data/raw --out $(SCORE_DIR)/seeds
	$(BIN)/eduanalysis build --quiet --no-cache --corpus $(DEVSET)/raw --out $(SCORE_DIR)/devset
	@echo "== seeds: targets"
	@$(BIN)/python benchmarks/scorers/score_targets.py tests/fixtures/gold/seed_targets.csv $(SCORE_DIR)/seeds \
		--manifest tests/fixtures/gold/manifest.csv | tail -n 2
	@echo "== dev set: targets"
	@$(BIN)/python benchmarks/scorers/score_targets.py $(DEVSET)/gold/targets.csv $(SCORE_DIR)/devset \
		--manifest $(DEVSET)/raw/manifest.csv | tail -n 2
	@echo "== dev set: metadata"
	@$(BIN)/python benchmarks/scorers/score_metadata.py $(DEVSET)/gold/metadata.csv $(SCORE_DIR)/devset | tail -n 1

clean:
	rm -rf data/processed/* data/processed-meiyu figures/* analysis/ reports/
