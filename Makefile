# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/portal
REDIS_PROBE ?= redis://127.0.0.1:6379/0

.PHONY: run test venv lint check messages diagram worker beat clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv -v0

messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --no-obsolete -v0

## make run: embedded set-up (SQLite, tasks in-process), demo data, server on http://127.0.0.1:8000/
run: venv locale/en/LC_MESSAGES/django.mo
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo "\n平台地址: http://127.0.0.1:8000/  (Ctrl-C 停止)\n"
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite; PostgreSQL and Redis when they answer, SQLite otherwise
test: venv locale/en/LC_MESSAGES/django.mo
	@DATABASE_URL="$${DATABASE_URL:-$$($(PY) scripts/probe_services.py database $(PG_URL))}" \
	 REDIS_URL="$${REDIS_URL:-$$($(PY) scripts/probe_services.py redis $(REDIS_PROBE))}" \
	 bash scripts/run_tests.sh $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

diagram: venv
	$(PY) manage.py lifecycle_diagram --write docs/lifecycle-diagram.md

worker: venv
	$(VENV)/bin/celery -A config worker -l info

beat: venv
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf var/portal.sqlite3 var/media var/test-media
