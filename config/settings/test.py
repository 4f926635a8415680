"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are given, else SQLite."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Unit tests run tasks in-process; the Celery integration tests start a real worker on REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("REDIS_URL") or "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
