# Two commands matter: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# The browser tests drive Debian's Chromium; Playwright must never download a browser of its own.
CHROMIUM ?= /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint typecheck bench clean chromium install lock

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# WeasyPrint (PDF decision reports) draws text with Pango and HarfBuzz: Debian packages,
# installed here when missing (as root, as on a new CI machine).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
SYSTEM_STAMP := $(VENV)/.system-packages

$(SYSTEM_STAMP): | $(BIN)/python
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "install $(SYSTEM_PACKAGES) (Pango for WeasyPrint)"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }
	touch $(SYSTEM_STAMP)

# durable_rules (pinned in pyproject.toml) exists only as an sdist: pip compiles its C engine at
# install. Its setup.py sets CFLAGS itself, which under the setuptools pip builds with replaces
# Python's optimisation flags: built as a plain dependency the engine is unoptimised (-O0; the
# fishing licence's compute_durable ran 48 % more instructions). CPPFLAGS still reaches the
# compiler, so it is built here first with -O3, from the sdist whose sha256 durable-rules.txt
# pins; the wheel cache is skipped (a wheel cached unoptimised would be reused). `pip install
# -e` then keeps it.
DURABLE_STAMP := $(VENV)/.durable-rules-O3

$(DURABLE_STAMP): $(BIN)/python durable-rules.txt
	CPPFLAGS=-O3 $(BIN)/pip install --quiet --no-cache-dir --no-deps --force-reinstall \
	  --require-hashes -r durable-rules.txt
	touch $(DURABLE_STAMP)

# Every package at the version constraints.txt pins (CI's last green set), so a release made
# after it cannot turn main red; `make lock` moves the pins forward on purpose.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt $(SYSTEM_STAMP) $(DURABLE_STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

LOCK_VENV := .lock-venv

lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet -e '.[dev,bench]'
	{ sed -n '1,/^# Refresh/p' constraints.txt; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable | grep -v '^#'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf $(LOCK_VENV)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/eligibility db upgrade
	$(BIN)/eligibility serve --host 127.0.0.1 --port $(PORT) --workers 2

chromium:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  >/dev/null 2>&1; }
	@test -x $(CHROMIUM) || { echo "error: $(CHROMIUM) is missing and 'apt-get install -y chromium' \
	failed: the browser tests need Debian's chromium (install it as root)"; exit 1; }

test: $(STAMP) chromium
	$(BIN)/ruff check eligibility api cli web tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=90

lint: $(STAMP)
	$(BIN)/ruff check eligibility api cli web tests bench
	$(BIN)/mypy

# The HTTP benchmark drives the servers with wrk (closed loop) and hey (fixed rate).
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 && command -v hey >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey; }
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .coverage
