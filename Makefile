# The two commands a newcomer needs: `make run` and `make test`. Both create .venv and install
# from the lock files: every version pinned, every file hashed (`make lock` writes them).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The lock files' compiler, pinned; `make lock` installs it into .venv.
UV_VERSION := 0.13.9
LOCK_OPTIONS := --generate-hashes --universal --python-version 3.11 --quiet

.PHONY: run test lint format migrations-check schema-check bench clean lock messages

$(VENV)/.run-installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# requirements.txt (what the service needs) and requirements-dev.txt (what development adds)
# name the direct dependencies; this resolves them into the lock files. The dev lock is resolved
# first, then the runtime lock within it, so both give a shared package the same version. The
# existing pins are kept where they still fit; `make lock ARGS=--upgrade` upgrades them all.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile requirements-dev.txt $(LOCK_OPTIONS) $(ARGS) -o requirements-dev.lock
	$(VENV)/bin/uv pip compile requirements.txt -c requirements-dev.lock $(LOCK_OPTIONS) $(ARGS) \
		-o requirements.lock

# Each target installs the Debian packages it needs (bin/system-packages says which).
run: $(VENV)/.run-installed
	./bin/system-packages run
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} HOST=$(HOST) PORT=$(PORT) $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-true} HOST=$(HOST) PORT=$(PORT) PY=$(PY) ./bin/serve

test: $(VENV)/.dev-installed
	./bin/system-packages test
	$(PY) -m pytest

# mypy: the project as pyproject.toml sets it (the pure core strict, the rest at the default
# level; the Django plugin reads the settings, so DEBUG=true as for `make run`), then the pure
# core alone under the real --strict and no plugin: new strict flags apply to it too.
lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=true $(PY) -m mypy
	$(PY) -m mypy --strict --config-file "" -p assessments.core

format: $(VENV)/.dev-installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: $(VENV)/.dev-installed
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# The benchmark (bench/): PostgreSQL and Redis from DATABASE_URL/REDIS_URL (defaults in
# bench/__main__.py); writes bench/RESULTS.md. e.g. make bench ARGS="--only api --runs 5"
bench: $(VENV)/.dev-installed
	./bin/system-packages bench
	$(PY) -m bench $(ARGS)

# Collect every marked string into locale/zh_Hans/LC_MESSAGES/django.po, then compile it. The
# compiled .mo is committed (the service needs no gettext at run time); a test checks it matches.
MESSAGES_IGNORE := --ignore=.venv --ignore='*/tests/*' --ignore=tests --ignore=bench --ignore=staticfiles
messages: $(VENV)/.dev-installed
	./bin/system-packages test
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans $(MESSAGES_IGNORE) --no-location --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

schema-check: $(VENV)/.dev-installed
	DEBUG=true $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Backups (README, "Backups"): make backup [FILE=...]; make restore FILE=backups/....dump
FILE ?= backups/readiness-$(shell date -u +%Y%m%dT%H%M%SZ).dump
.PHONY: backup restore
backup:
	./bin/db-backup "$(FILE)"

restore:
	./bin/db-restore "$(FILE)"
