"""Production settings for tests/core/test_redis_outage.py's web process: config.settings.production
as deployed (database sessions, the fail-open Redis cache, Celery on REDIS_URL), except that static
files are not collected (no manifest) and the test talks plain HTTP to 127.0.0.1."""

from config.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
