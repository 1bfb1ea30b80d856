# The two commands of the README: `make demo` and `make test`. Both install what is missing, and
# skip what is already installed.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo test setup chromium lint clean bench act
demo: setup
	$(VENV)/bin/a11y-audit demo

test: setup
	A11Y_AUDIT_REQUIRE_BROWSER=1 $(PY) -m pytest -q -p no:cacheprovider

lint: setup
	$(VENV)/bin/ruff check audit tests bench

setup: chromium $(STAMP) $(AXE)

chromium:
	@bash scripts/ensure-chromium.sh

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

clean:
	rm -rf $(VENV) node_modules runs
