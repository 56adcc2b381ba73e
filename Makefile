# The two commands of the README: `make run` and `make test`.
# Long runs live in `make stress` and `make bench` (later issues).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
STANDIN_PORT ?= 12111

.PHONY: run test stress install install-dev copy-check clean bench audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-standin: requirements-standin.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-standin.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt requirements-standin.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate the embedded SQLite database, load the demo catalog, serve.
## Without STRIPE_SECRET_KEY, payments go to the local Stripe stand-in (a test tool).
export STAFF_HINT = Back office: http://$(HOST):$(PORT)/admin (first account: $(FLASK) create-staff you@example.com --role manager)

run: install $(VENV)/.installed-standin
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@PIDS=""; trap 'kill $$PIDS 2>/dev/null' EXIT INT TERM; \
	if [ -n "$$STRIPE_SECRET_KEY" ]; then \
	  echo "Using the Stripe keys from your environment."; \
	else \
	  export STRIPE_SECRET_KEY=sk_test_local_standin STRIPE_WEBHOOK_SECRET=whsec_local_standin \
	         STRIPE_API_BASE=http://127.0.0.1:$(STANDIN_PORT) MAIL_BACKEND=console; \
	  $(BIN)/python -m standin --port $(STANDIN_PORT) --quiet \
	    --secret-key $$STRIPE_SECRET_KEY --webhook-secret $$STRIPE_WEBHOOK_SECRET \
	    --webhook-url http://$(HOST):$(PORT)/stripe/webhook & PIDS="$$PIDS $$!"; \
	  sleep 1; \
	  echo ""; \
	  echo "Payments go to the LOCAL STRIPE STAND-IN on port $(STANDIN_PORT) (no real money):"; \
	  echo "  card 4242 4242 4242 4242 pays, 4000 0000 0000 0341 is declined."; \
	  echo "Emails are printed here in the console by the worker."; \
	fi; \
	$(FLASK) worker & PIDS="$$PIDS $$!"; \
	echo "Serving the shop on http://$(HOST):$(PORT) (Ctrl+C stops it and the worker)"; \
	echo "$$STAFF_HINT"; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## make test: install what the tests need and run the whole suite, one process per CPU
## (pytest-xdist; each process has its own PostgreSQL schema). TEST_PROCESSES=0 runs in one.
TEST_PROCESSES ?= auto
test: install-dev
	$(MAKE) --no-print-directory copy-check
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

## make stress: many buyers racing for the last units under gunicorn (PostgreSQL when
## TEST_DATABASE_URL or STRESS_DATABASE_URL is set, else SQLite); prints the invariants.
stress: install-dev
	$(BIN)/python -m loadtest.stress --buyers 300 --units 25 --concurrency 32 \
	  --staff-rounds 100 --seconds 300

## Audit the demo catalog's copy with the claims checker on a scratch database.
copy-check: install
	@rm -f /tmp/shop-copy-check.db
	DATABASE_URL=sqlite:////tmp/shop-copy-check.db $(FLASK) db upgrade >/dev/null
	DATABASE_URL=sqlite:////tmp/shop-copy-check.db $(FLASK) seed-demo
	DATABASE_URL=sqlite:////tmp/shop-copy-check.db $(FLASK) copy-check
	@rm -f /tmp/shop-copy-check.db

clean:
	rm -rf $(VENV) .pytest_cache

## make bench: the shop's pages under wrk next to hello-world Flask, on a scratch catalog of
## 10,000 products (SQLite; PostgreSQL with BENCH_DATABASE_URL). Not part of `make test`.
bench: install $(VENV)/.installed-standin
	$(BIN)/python -m bench.run

## make audit: the installed packages against the advisories of the indexes pip is set up with
## (pip-audit's per-version lookups are not served by this project's package mirror; see the script).
audit: install-dev
	$(BIN)/python tools/audit_dependencies.py --python $(BIN)/python

## make deploy-test: the shop run like production on loopback and checked through nginx only:
## nginx (Debian's; apt-get installs it when missing), two gunicorn app servers, the worker,
## the Stripe stand-in, an SMTP server, PostgreSQL (TEST_DATABASE_URL, a scratch schema) and
## Redis (database 12). About a minute; stops all it started. See deploy/README.md.
.PHONY: deploy-test
deploy-test: install-dev
	$(BIN)/python -m deploy.test_deploy
