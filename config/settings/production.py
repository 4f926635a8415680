"""Production: PostgreSQL, Redis, several web and worker machines behind a load balancer."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, env, env_bool

# manage.py, wsgi.py, asgi.py and celery.py default to these settings: a machine where nobody set the
# environment must refuse to start rather than run with a known key or answer any host.
DEBUG = False
if not env("DJANGO_SECRET_KEY") or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set in production (a long random value, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`). For development use "
        "DJANGO_SETTINGS_MODULE=config.settings.local (what `make run` does)."
    )
ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set in production: the portal's host names, comma-separated "
        "(e.g. ditan.sthjt.shaanxi.gov.cn), never '*'."
    )
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (Celery broker and cache)")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The cache fails open (core/cache.py): while Redis is down a read is a miss and nothing waits more than
# half a second. Sessions are plain database sessions (config/settings/base.py): a signed-in user and
# their actions never depend on Redis being up (tests/core/test_redis_outage.py).
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Documents are signed with the departments' certificates (PORTAL_SIGNING_FILE); never with the
# development certificate unless an operator says so explicitly.
PORTAL_SIGNING_ALLOW_DEV = env_bool("PORTAL_SIGNING_ALLOW_DEV", False)
