"""`manage.py check --deploy` is clean with the production settings."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_check_deploy_with_production_settings_is_clean():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        # check --deploy does not connect: the URLs only have to be well formed.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://portal@127.0.0.1:5432/portal",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    }
    # Set by the browser tests for Playwright; a deployment must not have it (async.E001).
    for name in (
        "DJANGO_DEBUG",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues" in output


def test_production_settings_refuse_the_development_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    for name in ("DJANGO_SECRET_KEY",):
        env.pop(name, None)
    env.update(
        {"DATABASE_URL": "postgres://portal@127.0.0.1/portal", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def _manage(env_updates: dict, drop=("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")):
    env = {**os.environ}
    for name in drop:
        env.pop(name, None)
    env.update(env_updates)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SERVICES = {"DATABASE_URL": "postgres://portal@127.0.0.1/portal", "REDIS_URL": "redis://127.0.0.1:6379/0"}


def test_manage_py_defaults_to_the_production_settings():
    """With no DJANGO_SETTINGS_MODULE, manage.py runs the production settings: without a key it refuses."""
    result = _manage(SERVICES)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr
    for entry in ("config/wsgi.py", "config/asgi.py", "config/celery.py", "manage.py"):
        text = (settings.BASE_DIR / entry).read_text()
        assert '"DJANGO_SETTINGS_MODULE", "config.settings.production"' in text, entry


def test_production_settings_refuse_missing_allowed_hosts():
    result = _manage({**SERVICES, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in result.stderr
    result = _manage(
        {**SERVICES, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": "*"}
    )
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in result.stderr


def test_make_targets_and_the_test_script_name_their_settings():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "export DJANGO_SETTINGS_MODULE ?= config.settings.local" in makefile
    script = (settings.BASE_DIR / "scripts" / "run_tests.sh").read_text()
    assert "export DJANGO_SETTINGS_MODULE=config.settings.test" in script
