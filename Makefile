# Everything a fresh machine needs, from the two commands at the top of the README.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup services demo test lint typecheck layers pytest pytest-postgresql bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Translations are compiled here and by `vigil serve`; nothing binary is committed.
# Without gettext (a fresh machine running only the demo) `vigil serve` compiles them later.
setup: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
	  for po in src/vigil/locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done; \
	else echo "gettext's msgfmt is missing: translations are compiled by vigil serve (make services installs it)"; fi

# What the suite needs from the machine (Chromium, gettext, Tesseract data, PostgreSQL on
# 127.0.0.1:5432), installed where missing and started: as root, or through sudo.
services:
	@if [ "$$(id -u)" = 0 ]; then bash .ci/services.sh; else sudo bash .ci/services.sh; fi

demo: setup
	$(BIN)/vigil demo

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

# The layers run one way (contracts in pyproject.toml, picture in docs/architecture.md).
layers: setup
	$(BIN)/lint-imports

# The whole suite on the embedded default (SQLite), then again on PostgreSQL: every instance a
# test makes gets a fresh database on that server (tests/instance.py).
PG_SERVER ?= postgresql://postgres@127.0.0.1:5432

pytest: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider

pytest-postgresql: setup
	@$(BIN)/python -c "import psycopg; psycopg.connect('$(PG_SERVER)/postgres').close()" \
	  || { echo "No PostgreSQL answers at $(PG_SERVER) (see .ci/services.sh)"; exit 1; }
	VIGIL_TEST_DATABASE_SERVER=$(PG_SERVER) \
	  $(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider

test: services lint typecheck layers pytest pytest-postgresql

bench: setup
	$(BIN)/python bench/ingest.py --workers 2

clean:
	rm -rf $(VENV) vigil-data bench-data
