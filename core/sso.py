"""Single sign-on with the province's identity platform: OpenID Connect beside the local accounts
(mozilla-django-oidc, authorization code flow with PKCE and a nonce).

The platform's user is mapped to a portal user by one claim (settings.PORTAL_OIDC_CLAIM, `sub` by
default) compared with `User.sso_subject`, which an administrator fills in. Nothing is ever created
from the platform: an unknown subject, a deactivated user, a tampered or replayed state, a token that
fails its checks are refused with a Chinese message on the login page and a `login_failed` security
event. A successful sign-in is the portal's own login (the `login` event, method "oidc"), followed by
the portal's second factor for the users who owe it, unless settings.PORTAL_OIDC_TRUST_MFA says the
platform's own MFA is trusted. docs/security.md, "Single sign-on".
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import auth_state

logger = logging.getLogger(__name__)

BACKEND = "core.sso.PortalOIDCBackend"
METHOD = "oidc"
ATTEMPT = "portal_sso_attempt"  # request attribute: what the callback learnt (reason, subject, amr)

# Why a sign-in was refused: the reason recorded in the security event, and the message shown.
UNMAPPED, INACTIVE, MISSING_CLAIM, STATE, PROVIDER_ERROR, INVALID = (
    "unmapped",
    "inactive",
    "missing_claim",
    "state",
    "provider_error",
    "invalid",
)
MESSAGES = {
    UNMAPPED: gettext_lazy(
        "您的统一身份认证账号尚未关联本平台用户，无法登录。本平台不会自动开通账号，"
        "请联系系统管理员核实身份后关联账号。"
    ),
    INACTIVE: gettext_lazy("与您的统一身份认证账号关联的本平台用户已停用，请联系系统管理员。"),
    MISSING_CLAIM: gettext_lazy("统一身份认证平台未提供用户标识，无法登录，请联系系统管理员。"),
}
DEFAULT_MESSAGE = gettext_lazy("统一身份认证登录未完成或已失效，请重新登录。")

REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def sso_enabled() -> bool:
    """Single sign-on is on when the client and every endpoint of the platform are configured."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def missing_settings() -> list[str]:
    return [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]


def _attempt(request) -> dict:
    attempt = getattr(request, ATTEMPT, None)
    if attempt is None:
        attempt = {}
        setattr(request, ATTEMPT, attempt)
    return attempt


def is_sso_attempt(request) -> bool:
    """The request is the platform's callback: its outcome is recorded by the callback view, not by
    the generic `user_login_failed` receiver (core.signals)."""
    return request is not None and getattr(request, ATTEMPT, None) is not None


def login_detail(request) -> dict:
    """The detail of the `login` security event of a single sign-on."""
    attempt = getattr(request, ATTEMPT, None) or {}
    return {
        "method": METHOD,
        "claim": settings.PORTAL_OIDC_CLAIM,
        "subject": attempt.get("subject", ""),
        "mfa_by_platform": provider_mfa_trusted(request),
    }


class Refused(SuspiciousOperation):
    """A refusal whose reason is already noted on the request (mozilla-django-oidc turns every
    SuspiciousOperation of the user lookup into "no user")."""


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the platform's callback only (the other logins pass it by: no code and state in
    the query, no nonce from the callback view), and maps the platform's user, never creating one."""

    def __init__(self, *args, **kwargs):
        self.enabled = sso_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None or "nonce" not in kwargs or not is_sso_attempt(request):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, ValueError, KeyError) as exc:
            logger.warning("Single sign-on refused: %s", exc)
            _attempt(request).setdefault("reason", INVALID)
            _attempt(request).setdefault("error", type(exc).__name__)
        return None

    def verify_token(self, token, **kwargs):
        """The signature, expiry and nonce (mozilla-django-oidc), then the audience and the issuer."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token not issued to this client")
        issuer = settings.PORTAL_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The one portal user whose `sso_subject` equals the configured claim; nothing is created."""
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub", "")) != str(payload.get("sub", "")):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        claims = {**userinfo, **payload}  # the signed ID token wins over the userinfo answer
        attempt = _attempt(self.request)
        attempt["amr"] = [str(v) for v in claims.get("amr") or []]
        value = claims.get(settings.PORTAL_OIDC_CLAIM)
        if value in (None, "") or not isinstance(value, str | int):
            self._refuse(MISSING_CLAIM)
        subject = str(value)[:255]
        attempt["subject"] = subject
        user = self.UserModel._default_manager.filter(sso_subject=subject).first()
        if user is None:
            self._refuse(UNMAPPED)
        if not user.is_active:
            self._refuse(INACTIVE)
        return user

    def _refuse(self, reason: str):
        _attempt(self.request)["reason"] = reason
        raise Refused(reason)

    def create_user(self, claims):  # never called (OIDC_CREATE_USER is False); refused all the same
        self._refuse(UNMAPPED)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def _record_failure(request, reason: str) -> None:
    from .security import Kind, record_security_event

    attempt = _attempt(request)
    subject = attempt.get("subject", "")
    record_security_event(
        Kind.LOGIN_FAILED,
        request=request,
        username=subject,
        summary=f"{METHOD} {reason} {subject}".strip(),
        detail={
            "method": METHOD,
            "reason": reason,
            "claim": settings.PORTAL_OIDC_CLAIM,
            "subject": subject,
            "error": attempt.get("error", ""),
        },
    )


def provider_mfa_trusted(request) -> bool:
    """The platform's own MFA stands for the portal's second factor: only when the settings say so,
    and, when PORTAL_OIDC_MFA_AMR lists methods, only when the ID token's `amr` names one of them."""
    if not settings.PORTAL_OIDC_TRUST_MFA:
        return False
    wanted = set(settings.PORTAL_OIDC_MFA_AMR)
    return not wanted or bool(wanted & set(_attempt(request).get("amr", [])))


class SSOStartView(OIDCAuthenticationRequestView):
    """「统一身份认证登录」: to the platform's authorization endpoint (state, nonce, PKCE in the session)."""

    def __init__(self, *args, **kwargs):  # the endpoints are read per request: 404 while not configured
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not sso_enabled():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """The platform sends the browser back here with a code and the state: the state must be one this
    session started (else refused), the code is exchanged and the ID token checked by the backend."""

    def get(self, request):
        if not sso_enabled():
            raise Http404
        _attempt(request)
        if request.GET.get("error"):
            _attempt(request)["reason"] = PROVIDER_ERROR
            _attempt(request)["error"] = request.GET["error"][:64]
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this session never started: forged, tampered or replayed
            _attempt(request)["reason"] = STATE
            return self.login_failure()

    def login_failure(self):
        request = self.request
        if "code" in request.GET and "oidc_states" not in request.session:
            _attempt(request).setdefault("reason", STATE)
        reason = _attempt(request).get("reason", INVALID)
        _record_failure(request, reason)
        messages.error(request, MESSAGES.get(reason, DEFAULT_MESSAGE))
        return HttpResponseRedirect(reverse("login"))

    def login_success(self):
        response = super().login_success()
        # A password an administrator set must be replaced before it is used; this sign-in did not use it
        # (the next password login still asks for the change: core.auth_state.session_state_at_login).
        self.request.session[auth_state.MUST_CHANGE] = False
        if provider_mfa_trusted(self.request):
            auth_state.mark_verified_by_provider(self.request)
        elif auth_state.otp_owed(self.request):
            step = "otp_verify" if auth_state.has_confirmed_device(self.user) else "otp_setup"
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': self.success_url})}")
        return response
