# The two commands of the README: `make run` starts the dashboard, `make test` runs the whole suite.
# Both create .venv on first use and install what they need; nothing else is required but Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint build bench clean

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11+ is required (set PYTHON=python3.x)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.runtime: $(VENV)/.python requirements.txt pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT) --server.address localhost \
		--server.maxUploadSize 50 --browser.gatherUsageStats false

test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m dashboard build --check
	$(PY) -m pytest

build: $(VENV)/.runtime
	$(PY) -m dashboard build

bench: $(VENV)/.dev
	$(PY) -m dashboard bench --browser --load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
