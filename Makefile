# Two commands do all set-up on a fresh machine (see README):
#   make run    — install, build the embedded demo city on first start, open the dashboard
#   make test   — install, then run the whole test suite (DuckDB, PostgreSQL and MariaDB, and the
#                 browser tests in headless Chromium; apt-installs the two database servers, chromium
#                 and fonts-noto-cjk if missing)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501

.PHONY: run test install install-dev demo clean

$(BIN)/python:
	@$(PY) -m venv $(VENV)

# pip's progress runs to pages on a first start: one line of ours says what is happening, and pip's
# log is kept in .venv and shown only when pip fails.
# $(call pip_install,REQUIREMENTS FILE,WHAT IT IS,WHEN AND HOW LONG)
define pip_install
	@echo "Installing $(2) into $(VENV) ($(3))…"
	@$(BIN)/pip install --disable-pip-version-check -r $(1) > $(VENV)/pip-$(1).log 2>&1 \
	  || { tail -n 40 $(VENV)/pip-$(1).log; \
	       echo "pip install -r $(1) failed; above is the end of its log, all of it in $(VENV)/pip-$(1).log" >&2; exit 1; }
	@touch $@
endef

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(call pip_install,requirements.txt,the dashboard's Python packages,first start only; about 35 s)

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(call pip_install,requirements-dev.txt,the test tools (pytest and Playwright),first run only; about 5 s)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	@$(BIN)/python -m configuration
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.headless true

test: install-dev
	bash scripts/test-services.sh
	bash scripts/browser-deps.sh
	bash scripts/nginx-deps.sh
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

demo: install
	$(BIN)/python -m data_access.demo --url duckdb:///data/demo.duckdb

clean:
	rm -rf $(VENV) data artifacts
