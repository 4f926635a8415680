# Two commands for a fresh machine: `make run` and `make test`. Both first check the system packages
# (scripts/system_packages.sh: installs what is missing as root or with sudo, else prints the command).
PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/portal
REDIS_PROBE ?= redis://127.0.0.1:6379/0
# manage.py, wsgi.py, asgi.py and celery.py default to the production settings; every target here is a
# developer's, so it names the local settings (an explicit DJANGO_SETTINGS_MODULE in the environment wins).
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test venv lint check messages diagram worker beat clean system-run system-test
# Prerequisites run in the order written: system packages before the venv that needs Python 3.11.
.NOTPARALLEL:

system-run:
	@PYTHON="$(PYTHON)" bash scripts/system_packages.sh run

system-test:
	@PYTHON="$(PYTHON)" bash scripts/system_packages.sh test

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@py="$$(PYTHON="$(PYTHON)" bash scripts/system_packages.sh --which-python)"; \
	 [ -n "$$py" ] || { echo "需要 Python 3.11 (venv): $(PYTHON) / Python 3.11 with venv is needed"; exit 1; }; \
	 echo "$$py -m venv $(VENV)"; "$$py" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv -v0

messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --no-obsolete -v0

## make run: embedded set-up (SQLite, tasks in-process), demo data, server on http://127.0.0.1:$(PORT)/
run: system-run venv locale/en/LC_MESSAGES/django.mo
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py signing_dev_cert
	$(PY) manage.py seed_demo
	@echo "\n平台地址: http://127.0.0.1:$(PORT)/  (Ctrl-C 停止)\n"
	@# The embedded demo turns the officers' two-factor authentication off (the login page says so);
	@# PORTAL_2FA_REQUIRED=1 make run keeps it on (docs/security.md, Two-factor).
	PORTAL_2FA_REQUIRED=$${PORTAL_2FA_REQUIRED:-0} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite; PostgreSQL and Redis when they answer, SQLite otherwise
test: system-test venv locale/en/LC_MESSAGES/django.mo
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
