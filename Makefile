# Two commands for a fresh machine: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench demo lint clean i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Bhatta Atlas needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# reinstall whenever pyproject.toml changes
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/streamlit run dashboard/app.py --server.address localhost

test: $(VENV)/.installed-test
	@.ci/ensure-chromium
	@.ci/ensure-postgres
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	@.ci/ensure-chromium
	$(BIN)/python benchmarks/bench_foundation.py; a=$$?; $(BIN)/python benchmarks/bench_browser.py; b=$$?; \
	  $(BIN)/python benchmarks/bench_gaps.py; c=$$?; $(BIN)/python benchmarks/bench_routes.py; d=$$?; \
	  $(BIN)/python benchmarks/bench_snapshot.py; e=$$?; $(BIN)/python benchmarks/bench_brief.py; f=$$?; \
	  test $$a -eq 0 -a $$b -eq 0 -a $$c -eq 0 -a $$d -eq 0 -a $$e -eq 0 -a $$f -eq 0

demo: $(VENV)/.installed-run
	$(BIN)/bhatta demo

# after adding or changing a marked text: refresh the catalogues, then translate the keys it lists
i18n: $(VENV)/.installed-run
	$(BIN)/python -m bhatta.catalogues update

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
