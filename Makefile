# The two commands of the README: `make demo` and `make test`. Both install what is missing, and
# skip what is already installed.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js

.PHONY: catalogues demo test setup chromium java lint clean bench act selenium-grid
demo: setup
	$(VENV)/bin/a11y-audit demo

test: setup
	$(VENV)/bin/lint-imports --no-cache
	A11Y_AUDIT_REQUIRE_BROWSER=1 $(PY) -m pytest -q -p no:cacheprovider --durations=20

lint: setup
	$(VENV)/bin/ruff check audit tests bench

setup: chromium java $(STAMP) $(AXE)

chromium:
	@bash scripts/ensure-chromium.sh

# Java runs the Nu HTML Checker (RGAA 8.2); without it that check says "not run", nothing fails.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } || \
	  echo "Java not found: HTML validation (RGAA 8.2) will be reported as not run."

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) scripts/catalogues.py --compile
	touch $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(AXE)

# The words catalogues: extract the messages of the code and templates, update fr and en, compile;
# then `python scripts/catalogues.py --check` lists what is left to translate (docs/translation.md).
catalogues: setup
	$(PY) scripts/catalogues.py

# Our consistency on the W3C ACT Rules test cases (a few minutes; prints the table).
act: setup
	$(PY) -m bench.act

# A Selenium Grid 4 standalone on 127.0.0.1:4444 with the local Chromium (Ctrl-C stops it); then
# `a11y-audit run --grid http://127.0.0.1:4444`. docs/grid.md: a hub and nodes.
selenium-grid: setup
	$(VENV)/bin/a11y-audit selenium-grid --port 4444 --slots 2

# Incremental re-audit of the unchanged demo town against a full one.
bench: setup
	$(PY) -m bench.incremental

clean:
	rm -rf $(VENV) node_modules runs
