"""Session lifetime, second factor and forced password change, checked on every signed-in request.

Order (config/settings/base.py MIDDLEWARE): the idle timeout and absolute lifetime first (an expired
session is logged out), then the second factor (a privileged user without a verified device reaches
only the set-up / verification pages), then the forced password change. docs/security.md.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from . import auth_state


def _paths(*names: str) -> tuple[str, ...]:
    return tuple(reverse(name) for name in names)


def _is_open_path(request, allowed: tuple[str, ...]) -> bool:
    path = request.path_info
    return path.startswith(settings.STATIC_URL) or path.startswith("/i18n/") or path in allowed


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            auth_at = request.session.get(auth_state.AUTH_AT)
            seen_at = request.session.get(auth_state.SEEN_AT)
            if auth_at is None or seen_at is None:  # a session from before these rules: starts now
                request.session.setdefault(auth_state.AUTH_AT, now)
                request.session.setdefault(auth_state.SEEN_AT, now)
            elif now - auth_at > settings.PORTAL_SESSION_MAX_HOURS * 3600:
                return self._expired(request, "max")
            elif now - seen_at > settings.PORTAL_SESSION_IDLE_MINUTES * 60:
                return self._expired(request, "idle")
            elif request.path_info != reverse("session_status") or request.method == "POST":
                auth_state.touch(request)
        return self.get_response(request)

    @staticmethod
    def _expired(request, why: str):
        logout(request)
        if request.path_info == reverse("session_status"):
            from django.http import JsonResponse

            return JsonResponse({"authenticated": False, "remaining": 0})
        query = urlencode({"expired": why, "next": request.get_full_path()})
        return redirect(f"{reverse('login')}?{query}")


class TwoFactorMiddleware:
    """A user who owes the second step reaches only the 2FA pages, logout and the session status."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self._allowed is None:
                self._allowed = _paths("otp_setup", "otp_verify", "logout", "session_status")
            if not _is_open_path(request, self._allowed) and auth_state.otp_owed(request):
                target = "otp_verify" if auth_state.has_confirmed_device(user) else "otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A password set by an administrator must be replaced before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(auth_state.MUST_CHANGE):
            if self._allowed is None:
                self._allowed = _paths(
                    "password_change", "logout", "session_status", "otp_setup", "otp_verify"
                )
            if not _is_open_path(request, self._allowed):
                return redirect(reverse("password_change"))
        return self.get_response(request)
