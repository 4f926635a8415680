"""Settings shared by every environment.

The environment is read here, once. Defaults give an embedded set-up (SQLite, tasks executed
in-process) so `make run` needs no external service; PostgreSQL and Redis are used when
DATABASE_URL / REDIS_URL are set.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name (or sqlite:///path) into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme in {"sqlite", "sqlite3"}:
        # sqlite:////abs/path -> /abs/path ; sqlite:///relative -> relative
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": parsed.path[1:] or ":memory:",
            # Requests and the background task thread (PORTAL_TASKS_IN_THREAD) write to the same file:
            # a writer waits up to 20 s for the lock instead of failing with "database is locked";
            # IMMEDIATE takes the write lock when a transaction starts (a deferred one that has read
            # cannot wait for it), and WAL lets readers go on while one thread writes.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "core",
    "organisations",
    "pilots",
    "carbon",
    "indicators",
    "applications",
    "plans",
    "reports",
    "dispatches",
    "reviews",
    "followup",
    "awards",
    "showcase",
    "naming",
    "acceptance",
    "dashboard",
    "demo",
    "security",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "core.middleware.CleanInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.security.SecurityContextMiddleware",
    "security.middleware.AuditorConfinementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Authentication and sessions (docs/security.md): the OTP state of the session, then in this order
    # idle timeout / absolute lifetime, the second factor, the forced password change.
    "django_otp.middleware.OTPMiddleware",
    "core.auth_middleware.SessionLifetimeMiddleware",
    "core.auth_middleware.TwoFactorMiddleware",
    "core.auth_middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out login into the login page with its message (core.auth_views.locked_out).
    "axes.middleware.AxesMiddleware",
]

# Headers (docs/security.md, "Headers"). Scripts and styles come only from the portal's own static files:
# no inline <script>, no on…= handler, no style="…" attribute (tests/core/test_headers.py checks every
# role's main pages; tests/browser checks the console for violations).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the empty data: favicon of base.html
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dashboard.context_processors.portal",
                "core.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# Password rules of 等保 level 3 (docs/security.md, Authentication), each with its Chinese message.
PORTAL_PASSWORD_MIN_LENGTH = int(env("PORTAL_PASSWORD_MIN_LENGTH", "10"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.passwords.NotLikeUsernameValidator"},
    {"NAME": "core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": PORTAL_PASSWORD_MIN_LENGTH}},
    {"NAME": "core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "core.passwords.CommonPasswordValidator"},
    {"NAME": "core.passwords.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "core.auth_backends.LockoutBackend",  # refuses every attempt while the account or address is locked
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (core.sso): answers only the callback of the province's identity platform, and only
    # when PORTAL_OIDC_* below are set.
    "core.sso.PortalOIDCBackend",
]

# Lockout (django-axes): PORTAL_LOGIN_FAILURE_LIMIT wrong passwords for one user name, or from one
# address, lock that user name / that address for PORTAL_LOGIN_LOCKOUT_MINUTES; administrators see and
# lift the locks in the admin (访问尝试). The same limits apply to password reset requests.
PORTAL_LOGIN_FAILURE_LIMIT = int(env("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
PORTAL_LOGIN_LOCKOUT_MINUTES = int(env("PORTAL_LOGIN_LOCKOUT_MINUTES", "30"))
AXES_FAILURE_LIMIT = PORTAL_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=PORTAL_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.auth_views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind the load balancer the client's address is the entry of X-Forwarded-For that the balancer added
# (the last with PORTAL_TRUSTED_PROXIES = 1 proxy in front; docs/deployment.md).
AXES_CLIENT_IP_CALLABLE = "core.auth_views.client_ip"
PORTAL_TRUSTED_PROXIES = int(env("PORTAL_TRUSTED_PROXIES", "1"))

# Sessions (docs/security.md, Sessions): ended after PORTAL_SESSION_IDLE_MINUTES without a request (a
# warning PORTAL_SESSION_WARN_SECONDS before, with a button to stay), and PORTAL_SESSION_MAX_HOURS after
# the login whatever the activity. Stored in the database: they never depend on Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PORTAL_SESSION_IDLE_MINUTES = int(env("PORTAL_SESSION_IDLE_MINUTES", "30"))
PORTAL_SESSION_WARN_SECONDS = int(env("PORTAL_SESSION_WARN_SECONDS", "120"))
PORTAL_SESSION_MAX_HOURS = int(env("PORTAL_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor authentication (django-otp, docs/security.md, Two-factor): required for the users
# PORTAL_2FA_REQUIRED_FOR names (provincial, finance and DRC officers, staff); optional for the others,
# who must pass it once they have set up a device. Only the embedded demo turns it off (`make run`).
PORTAL_2FA_REQUIRED = env_bool("PORTAL_2FA_REQUIRED", True)
PORTAL_2FA_REQUIRED_FOR = "organisations.roles.requires_two_factor"
PORTAL_2FA_BACKUP_CODES = 10
OTP_TOTP_ISSUER = "陕西低碳试点平台"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Single sign-on with the province's identity platform (OpenID Connect, mozilla-django-oidc; core.sso,
# docs/security.md "Single sign-on", docs/deployment.md). Off unless the client and the platform's
# endpoints are all set. The platform's user is mapped to a portal user by one claim
# (PORTAL_OIDC_CLAIM, `sub` by default) compared with User.sso_subject, which an administrator fills in:
# no user and no role is ever created from the platform. Privileged users still pass the portal's
# second factor unless PORTAL_OIDC_TRUST_MFA=1 (optionally only when the ID token's `amr` names one of
# PORTAL_OIDC_MFA_AMR).
OIDC_RP_CLIENT_ID = env("PORTAL_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("PORTAL_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("PORTAL_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("PORTAL_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("PORTAL_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("PORTAL_OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env("PORTAL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("PORTAL_OIDC_SCOPES", "openid")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = int(env("PORTAL_OIDC_TIMEOUT", "10"))
OIDC_VERIFY_SSL = env("PORTAL_OIDC_CA_BUNDLE") or True  # a CA bundle file for a platform with a private CA
PORTAL_OIDC_ISSUER = env("PORTAL_OIDC_ISSUER")  # when set, the ID token's `iss` must be exactly this
PORTAL_OIDC_CLAIM = env("PORTAL_OIDC_CLAIM", "sub")
PORTAL_OIDC_TRUST_MFA = env_bool("PORTAL_OIDC_TRUST_MFA", False)
PORTAL_OIDC_MFA_AMR = [v for v in env("PORTAL_OIDC_MFA_AMR").split(",") if v]

# Argon2id first (core/hashers.py: OWASP's 46 MiB configuration, faster here than PBKDF2 and memory-hard); the
# PBKDF2 hashes stored before it are still accepted and upgraded to Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "core.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:dashboard"
LOGOUT_REDIRECT_URL = "dashboard:home"

# Chinese first, English switchable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))

# Uploads and generated PDFs live outside the web root and are only served by views that check
# permissions; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = int(env("PORTAL_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "陕西省低碳试点平台 <noreply@sthjt.shaanxi.gov.cn>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Celery: with no REDIS_URL tasks run in-process (eager) so the portal needs nothing external.
REDIS_URL = env("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without Redis, run the queued tasks in a background thread of the web process instead of inside the
# request (core.queue): the action returns at once, the PDF appears when ready. On in local settings.
PORTAL_TASKS_IN_THREAD = env_bool("PORTAL_TASKS_IN_THREAD", False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Fail fast when Redis is down: the action has committed already, and the outbox sweep
# (core.tasks.sweep_outbox) delivers what could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}

# Font families used in generated PDFs; a deployment with licensed 方正/中易 fonts names them here.
PDF_FONTS = {
    "song": env("PDF_FONT_SONG", "Noto Serif CJK SC"),
    "hei": env("PDF_FONT_HEI", "Noto Sans CJK SC"),
    "fangsong": env("PDF_FONT_FANGSONG", "Noto Serif CJK SC"),
    "kai": env("PDF_FONT_KAI", "AR PL UKai CN"),
}

PORTAL_NAME = "陕西省低碳近零碳试点示范建设管理平台"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter (missing fonts, bad CSS).
    # django-axes logs every login at INFO; its warnings (lockouts) are kept.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Each app registers its deadline reminders and outbox sweepers here; core.tasks runs them.
PORTAL_REMINDERS: list[str] = [
    "applications.reminders.application_deadline_reminders",
    "applications.reminders.forwarding_deadline_reminders",
    "reviews.reminders.scoring_deadline_reminders",
    "reviews.reminders.scoring_overdue_reminders",
    "dispatches.reminders.dispatch_due_reminders",
    "dispatches.escalation.dispatch_late_escalations",
    "reports.reminders.annual_report_reminders",
    "followup.reminders.visit_deadline_reminders",
    "pilots.disqualification.disqualification_proposals",
    "awards.reminders.instalment_reminders",
]
PORTAL_OUTBOX_SWEEPERS: list[str] = [
    "applications.tasks.sweep_pending_pdfs",
    "reviews.tasks.sweep_pending_documents",
    "reviews.tasks.sweep_pending_imports",
    "plans.tasks.sweep_pending_pdfs",
    "dispatches.tasks.sweep_pending_circulars",
    "naming.tasks.sweep_pending_certificates",
    "acceptance.tasks.sweep_pending_dossiers",
]

# Signed documents (core/signing.py, docs/security.md "Signed documents"). PORTAL_SIGNING_FILE names a JSON
# file outside the repository: {"<department key>": {"key": path, "cert": path, "chain": [paths],
# "passphrase_env": "ENV_VAR_WITH_THE_KEY_PASSPHRASE", "name": "陕西省生态环境厅"}, ...}; department keys are
# province_ecology, province_finance, province_drc, city:<review unit code>, or default.
PORTAL_SIGNING: dict[str, dict] = (
    json.loads(Path(env("PORTAL_SIGNING_FILE")).read_text(encoding="utf-8"))
    if env("PORTAL_SIGNING_FILE")
    else {}
)
PORTAL_SIGNING_TRUST_ROOTS = [p for p in env("PORTAL_SIGNING_TRUST_ROOTS").split(",") if p]
# With no PORTAL_SIGNING, sign with a development certificate generated into var/ (labelled as such).
PORTAL_SIGNING_ALLOW_DEV = env_bool("PORTAL_SIGNING_ALLOW_DEV", True)
PORTAL_SIGNING_DEV_DIR = Path(env("PORTAL_SIGNING_DEV_DIR", str(BASE_DIR / "var" / "signing-dev")))
PORTAL_VERIFY_MAX_BYTES = int(env("PORTAL_VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))
# The public verification page: at most this many checks per client address and window (core.ratelimit).
PORTAL_VERIFY_RATE_LIMIT = int(env("PORTAL_VERIFY_RATE_LIMIT", "30"))
PORTAL_VERIFY_RATE_WINDOW = int(env("PORTAL_VERIFY_RATE_WINDOW", "600"))
# Security events (core.security): kept this many days, then purged by the beat task
# core.tasks.purge_security_events; a system check refuses fewer than 183 (6 months).
PORTAL_SECURITY_EVENT_RETENTION_DAYS = int(env("PORTAL_SECURITY_EVENT_RETENTION_DAYS", "400"))
# Behind a trusted proxy that sets the client's address in a header (e.g. "HTTP_X_REAL_IP"); blank:
# REMOTE_ADDR.
PORTAL_CLIENT_IP_HEADER = env("PORTAL_CLIENT_IP_HEADER")

# The open-data API (/api/v1/, docs/api.md): JSON only (no browsable HTML with inline scripts), token or
# session authentication, rate limits per client (counters in the cache; served if the cache is down).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousClientThrottle",
        "api.throttling.SignedInClientThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "陕西省低碳近零碳试点示范建设管理平台 开放数据接口",
    "DESCRIPTION": "公开数据（申报批次、公示公告、试点名单）无需登录；本人数据须使用接口令牌（Authorization: Token …）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BatchStateEnum": "applications.models.Batch.State",
        "ApplicationStateEnum": "applications.models.Application.State",
        "PilotStateEnum": "pilots.models.Pilot.State",
        "ReportStateEnum": "reports.models.AnnualReport.State",
    },
}
