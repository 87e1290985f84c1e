# The README's two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test deps test-deps vendor chromium migrate seed serve messages clean test-services

# Links in mail follow the port served on, unless HUB_BASE_URL says otherwise.
run: export HUB_BASE_URL ?= http://$(HOST):$(PORT)

run: deps
	$(FLASK) db upgrade
	$(FLASK) hub seed-demo
	$(FLASK) hub serve --host $(HOST) --port $(PORT)

# Lane 1: everything but the PostgreSQL + Redis tests, the independent ones on TEST_WORKERS
# processes (pytest-xdist; each test has its own database and folders), then the browser tests
# once, in one process (they share one live server).
TEST_WORKERS ?= 2
test: deps test-deps
	$(BIN)/pytest -q -n $(TEST_WORKERS) -m "not services and not browser"
	$(BIN)/pytest -q -m "browser and not services"

# The scale-out lane: PostgreSQL + Redis on 127.0.0.1 (see .ci/run).
test-services: deps test-deps
	$(BIN)/pytest -q -m services

deps: $(VENV)/.runtime-installed static/vendor/.installed

$(VENV)/.runtime-installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $@

test-deps: $(VENV)/.test-installed chromium

$(VENV)/.test-installed: requirements-test.lock $(VENV)/.runtime-installed
	$(BIN)/python -m pip install -q -r requirements-test.lock
	touch $@

# Front-end packages come from npm and are copied into static/vendor/ (gitignored).
vendor: static/vendor/.installed
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io.min.js
	cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js
	touch $@

# Browser tests drive Debian's Chromium; never a downloaded browser build.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# Translators: extract every marked UI string into translations/messages.pot.
messages: deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations || true

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
