#!/usr/bin/env bash
# Runs the whole suite. Settings read DATABASE_URL / REDIS_URL (empty: SQLite, Redis tests skipped).
# pytest ends with "skipped tests, by reason" (tests/conftest.py); with PORTAL_REQUIRE_SERVICES=1 (CI) a
# test skipped because a service or tool is missing fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
if [ -n "${DATABASE_URL:-}" ]; then echo "Tests on PostgreSQL: ${DATABASE_URL}"; else echo "Tests on SQLite (PostgreSQL not reachable)"; fi
if [ -n "${REDIS_URL:-}" ]; then echo "Redis: ${REDIS_URL}"; else echo "Redis not reachable: the Celery worker tests are skipped"; fi
if [ "${PORTAL_REQUIRE_SERVICES:-}" = "1" ]; then echo "PORTAL_REQUIRE_SERVICES=1: a test skipped for a missing service or tool fails"; fi
.venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python manage.py compilemessages --ignore=.venv -v0
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
