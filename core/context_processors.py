from django.conf import settings


def session_timeout(request):
    """The idle timeout and its warning, for static/js/session-timeout.js (data- attributes of <body>)."""
    return {
        "session_timeout": {
            "idle": settings.PORTAL_SESSION_IDLE_MINUTES * 60,
            "warn": settings.PORTAL_SESSION_WARN_SECONDS,
        }
    }
