# The two commands: `make run` (demo on SQLite, tasks in-process) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS := static/vendor/app.css

# Tests run against real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/appraisal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_STATIC_MANIFEST=0 DJANGO_SECRET_KEY=test-only-not-secret \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true
RUN_ENV := DJANGO_DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	EMAIL_FILE_PATH=var/mail
RUN_URL := http://127.0.0.1:8000/
# The policy preset the demo trust runs: make run PRESET=aspire-grow
PRESET ?= classic-objectives

.PHONY: run test lint install assets system-deps services migrate demo clean benchmark loadtest

run: install assets
	mkdir -p var/mail
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --preset $(PRESET) > var/demo-sign-ins.txt
# Scheduled jobs (reminders, purge) run in-process on a timer beside the server, logging to
# var/scheduled-jobs.log; the emails they send are files in var/mail/. The sign-ins are
# printed last, once the server is up.
	$(RUN_ENV) $(BIN)/python manage.py run_scheduled_jobs --every 300 \
		>> var/scheduled-jobs.log 2>&1 & jobs=$$!; \
	(until $(BIN)/python -c "import urllib.request as u; u.urlopen('$(RUN_URL)accounts/login/', timeout=2)" \
		2>/dev/null; do sleep 1; done; cat var/demo-sign-ins.txt; \
		echo "Emails the demo sends: var/mail/  Scheduled jobs: var/scheduled-jobs.log") & \
	trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: system-deps install assets services lint
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy .
	$(BIN)/lint-imports

install: $(PY_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(ASSETS)

$(ASSETS): $(NODE_STAMP) $(wildcard static/src/*.scss) $(wildcard static/src/*.js)
	npm run --silent build

system-deps:
	bash scripts/install-system-deps.sh

services:
	bash scripts/ensure-services.sh

benchmark: install
	$(TEST_ENV) $(BIN)/python scripts/benchmark.py

# gunicorn on 127.0.0.1 under 50 requests a second for 60 s: make loadtest LOADTEST_ARGS="--rate 20"
loadtest: install
	$(TEST_ENV) $(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
