# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := $(VENV)/.stamps
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint typecheck pytest assets node lock clean

run: $(STAMPS)/deps $(STAMPS)/assets
	$(BIN)/fakturo migrate --noinput
	$(BIN)/fakturo demo --first-run
	exec $(BIN)/fakturo serve

test: $(STAMPS)/dev-deps $(STAMPS)/assets lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy src/fakturo/core

pytest:
	$(BIN)/python -m django makemigrations --check --dry-run --settings=fakturo.settings
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock file changed.
$(STAMPS)/deps: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev-deps: requirements-dev.lock $(STAMPS)/deps
	$(PIP) install -r requirements-dev.lock
	touch $@

# Front-end assets (htmx, Chart.js, fonts) come from the npm registry at build time and are
# served by the app itself.
$(STAMPS)/assets: package.json package-lock.json src/fakturo/web/vendor.py $(STAMPS)/deps
	@command -v npm >/dev/null || $(MAKE) --no-print-directory node
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m fakturo.web.vendor
	touch $@

assets: $(STAMPS)/assets

# Node.js and npm from the system's packages (as root on Debian/Ubuntu), for a fresh machine.
node:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing nodejs and npm with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else \
		echo "npm is needed for the web assets: install Node.js and npm (e.g. apt-get install nodejs npm)"; \
		exit 1; \
	fi

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(PIP) install uv
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock -q

clean:
	rm -rf $(VENV) node_modules src/fakturo/web/static/vendor
