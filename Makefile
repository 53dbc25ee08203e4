# The two commands a newcomer needs: `make run` and `make test`. Both create .venv and install.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check schema-check bench clean system-packages messages

$(VENV)/.run-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

system-packages:
	./bin/system-packages

run: $(VENV)/.run-installed system-packages
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} HOST=$(HOST) PORT=$(PORT) $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-true} HOST=$(HOST) PORT=$(PORT) PY=$(PY) ./bin/serve

test: $(VENV)/.dev-installed system-packages
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
bench: $(VENV)/.dev-installed system-packages
	$(PY) -m bench $(ARGS)

# Collect every marked string into locale/zh_Hans/LC_MESSAGES/django.po, then compile it. The
# compiled .mo is committed (the service needs no gettext at run time); a test checks it matches.
MESSAGES_IGNORE := --ignore=.venv --ignore='*/tests/*' --ignore=tests --ignore=bench --ignore=staticfiles
messages: $(VENV)/.dev-installed system-packages
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans $(MESSAGES_IGNORE) --no-location --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

schema-check: $(VENV)/.dev-installed
	DEBUG=true $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
