# Two commands do all set-up on a fresh machine (see README):
#   make run    — install, build the embedded demo city on first start, open the dashboard
#   make test   — install, then run the whole test suite (DuckDB, PostgreSQL and MariaDB, and the
#                 browser tests in headless Chromium; apt-installs chromium and fonts-noto-cjk if missing)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501

.PHONY: run test install install-dev demo clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: install-dev
	bash scripts/test-services.sh
	bash scripts/browser-deps.sh
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

demo: install
	$(BIN)/python -m data_access.demo --url duckdb:///data/demo.duckdb

clean:
	rm -rf $(VENV) data artifacts
