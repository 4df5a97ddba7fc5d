# Chalkline: `make demo` runs the demo district; `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PG_URL  ?= postgres://postgres@127.0.0.1:5432/chalkline
# The demo needs no mail server: e-mail goes to files in var/demo-mail/ (one per message).
DEMO_MAIL := $(CURDIR)/var/demo-mail
DEMO    := DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$(DEMO_MAIL) $(BIN)/chalkline
# The setup steps log only warnings; the sign-ins come last, just before the server starts.
DEMO_SETUP := LOG_LEVEL=WARNING $(DEMO)
# The suite runs with DEBUG off, as production does; it needs a non-placeholder key.
TESTENV := SECRET_KEY=test-only-secret-key-not-for-production-0123456789 ALLOWED_HOSTS=localhost,testserver CHALKLINE_VAR_DIR=$(CURDIR)/var/test

.PHONY: help demo serve test install dev lint types migrations-check test-sqlite test-pg e2e \
        chromium pdftools node-deps postgres bench clean messages gettext soak soak-smoke

help:
	@echo "make demo   set up and run the demo district on SQLite (http://127.0.0.1:8000)"
	@echo "make test   lint, types, migrations check, suite on SQLite and PostgreSQL, browser journeys, soak smoke"
	@echo "make soak   the production stack under load and faults for 5 minutes (not part of make test)"

# setup.py builds the compiled screening name finder from its .pyx: an edit rebuilds it.
$(VENV)/.installed: pyproject.toml setup.py chalkline/screening/_mentions.pyx
	@PY=$$(scripts/find-python) && echo "Using $$PY" && $$PY -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

demo: install messages
	@$(DEMO_SETUP) migrate --no-input -v0
	@$(DEMO_SETUP) createcachetable
	@$(DEMO_SETUP) demo-data --if-missing --no-sign-ins
	@$(DEMO_SETUP) import-policy chalkline/policies/seeds/policy-5-125.txt --district demo --publish --summary "Imported from the district's published text"
	@$(DEMO_SETUP) demo-campaign
	@$(DEMO_SETUP) demo-reviews
	@$(DEMO_SETUP) demo-registry
	@$(DEMO_SETUP) demo-training
	@$(DEMO_SETUP) demo-cases
	@$(DEMO_SETUP) demo-messages
	@$(DEMO_SETUP) demo-records
	@$(DEMO_SETUP) demo-families
	@$(DEMO_SETUP) demo-review-queue
	@$(DEMO_SETUP) send-mail
	@echo "E-mail is not sent in the demo: each message is a file in $(DEMO_MAIL)/ (read them there)."
	@$(DEMO_SETUP) demo-data --sign-ins
	@echo "Serving the demo district at http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(DEMO) runserver 127.0.0.1:8000

test: dev chromium pdftools node-deps lint types migrations-check test-sqlite test-pg e2e soak-smoke
	@echo "All checks passed."

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

types: dev
	$(BIN)/mypy chalkline bench e2e

migrations-check: dev
	$(TESTENV) $(BIN)/chalkline makemigrations --check --dry-run

test-sqlite: dev pdftools messages
	$(TESTENV) $(BIN)/pytest -n 2 -q

# PostgreSQL on 127.0.0.1:5432 with trust for the postgres role: installed with apt-get (as root),
# started and configured by the script, or one line saying what to install. Never skipped.
postgres:
	@scripts/ensure-postgres

test-pg: dev pdftools postgres messages
	$(TESTENV) DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

# The Spanish finding explanations: chalkline/screening/locale/*/LC_MESSAGES/django.po compiled to
# .mo (not committed) by Django's compilemessages, which needs GNU gettext's msgfmt.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's gettext"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "Compiling translations needs gettext: sudo apt-get install gettext" >&2; exit 1; fi; }

messages: install gettext
	cd chalkline && $(CURDIR)/$(BIN)/python -m django compilemessages -v0

chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser journeys need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# pdftoppm (Debian's poppler-utils): tests render certificate pages to PNG and decode the QR code.
pdftools:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's poppler-utils"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "The certificate tests need pdftoppm: sudo apt-get install poppler-utils" >&2; exit 1; fi; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.installed

e2e: dev chromium node-deps messages
	$(TESTENV) $(BIN)/pytest -m e2e e2e -q -p no:xdist

# The production stack under load and faults (bench/soak.py, docs/operations.md "Soak"): its own
# PostgreSQL on a free port (var/soak/pg), gunicorn, two db_workers, an SMTP sink, Locust. The full
# run (5 min, 50 users, 60,000 students) is not part of `make test`; the smoke (~1 min) is.
soak: dev postgres
	$(BIN)/python bench/soak.py --enforce-latency

soak-smoke: dev postgres
	$(BIN)/python bench/soak.py --smoke

bench: dev
	@echo "See docs/benchmarks.md for each benchmark's command and recorded figures."

clean:
	rm -rf $(VENV) node_modules var build chalkline/screening/_mentions.*.so .mypy_cache .ruff_cache .pytest_cache
