"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are given, else SQLite."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool

# Fast hashing for the suite; tests/core/test_password_hashing.py puts the real list back.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The Celery integration test starts a worker process, which cannot share the test's in-memory outbox:
# it tells the worker to write its mails to files instead.
if env("PORTAL_TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("PORTAL_TEST_EMAIL_FILE_PATH")
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Unit tests run tasks in-process; the Celery integration tests start a real worker on REDIS_URL
# with PORTAL_CELERY_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = env_bool("PORTAL_CELERY_EAGER", True)
# ...and inline, in the test's own thread, so that a test sees their results at once.
PORTAL_TASKS_IN_THREAD = False
CELERY_BROKER_URL = env("REDIS_URL") or "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The development signing certificate of the suite (tests of signing itself build their own CA).
PORTAL_SIGNING_DEV_DIR = BASE_DIR / "var" / "test-signing-dev"
# The test database is emptied between transactional tests (DELETE FROM on SQLite): the SQLite audit
# triggers let that through in the test settings only (core.security.sqlite_may_delete).
PORTAL_AUDIT_ALLOW_FLUSH = True
# tests/integration/test_several_machines.py gives its web, worker and beat processes a queue of their own
# (no other worker takes their tasks) and a standby beat that polls for the beat lock every second.
CELERY_TASK_DEFAULT_QUEUE = env("PORTAL_TEST_CELERY_QUEUE") or "celery"
PORTAL_BEAT_LOCK_RETRY_SECONDS = float(env("PORTAL_BEAT_LOCK_RETRY_SECONDS") or 5)
# The suite posts to the verification page from one address; tests/core/test_verify_rate_limit.py sets
# its own small limit.
PORTAL_VERIFY_RATE_LIMIT = 100000
