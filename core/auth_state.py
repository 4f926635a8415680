"""What the session knows about the sign-in: when it began, when the user was last active, whether
the second factor is owed, whether the password must be changed. Read by core.auth_middleware, written
at login (the user_logged_in receiver below) and by the sign-in pages (core.auth_views).
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

AUTH_AT = "portal_auth_at"  # when the user signed in (epoch seconds): the absolute lifetime
SEEN_AT = "portal_seen_at"  # last request that counted as activity: the idle timeout
OTP_OWED = "portal_otp_owed"  # the user has a device or must have one: the second step is owed
MUST_CHANGE = "portal_must_change_password"
# Signed in by the province's identity platform, whose own MFA the settings trust (core.sso,
# PORTAL_OIDC_TRUST_MFA): stands for the second factor while that setting stays on.
MFA_BY_PROVIDER = "portal_mfa_by_provider"
TOUCH_EVERY = (
    60  # seconds: activity is written at most once a minute (one session write, not one per request)
)


def two_factor_required(user) -> bool:
    if not settings.PORTAL_2FA_REQUIRED:
        return False
    return bool(import_string(settings.PORTAL_2FA_REQUIRED_FOR)(user))


def has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


@receiver(user_logged_in, dispatch_uid="portal_session_state_at_login")
def session_state_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from .models import PasswordState

    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[OTP_OWED] = two_factor_required(user) or has_confirmed_device(user)
    request.session[MUST_CHANGE] = PasswordState.objects.filter(user=user, must_change=True).exists()


def touch(request, force: bool = False) -> None:
    now = int(time.time())
    if force or now - request.session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        request.session[SEEN_AT] = now


def idle_remaining(request) -> int:
    seen = request.session.get(SEEN_AT, int(time.time()))
    return max(0, settings.PORTAL_SESSION_IDLE_MINUTES * 60 - (int(time.time()) - seen))


def mark_verified(request) -> None:
    request.session[OTP_OWED] = False


def mark_verified_by_provider(request) -> None:
    request.session[MFA_BY_PROVIDER] = True
    request.session[OTP_OWED] = False


def otp_owed(request) -> bool:
    """The second step is owed and not passed yet. A session from before the login receiver (or any
    session of a user who must use 2FA) owes it too: the role is checked at every request."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)  # absent on the user just authenticated by the login
    if is_verified is not None and is_verified():
        return False
    if request.session.get(MFA_BY_PROVIDER) and getattr(settings, "PORTAL_OIDC_TRUST_MFA", False):
        return False
    return bool(request.session.get(OTP_OWED)) or two_factor_required(user)


def confirm_device(user, device) -> list[str]:
    """Confirm the TOTP device and give the user fresh backup codes (returned once, never shown again)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        StaticDevice.objects.filter(user=user).delete()
        backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.PORTAL_2FA_BACKUP_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


def set_must_change(user, value: bool = True) -> None:
    from .models import PasswordState

    PasswordState.objects.update_or_create(user=user, defaults={"must_change": value})


def clear_must_change(user) -> None:
    from .models import PasswordState

    PasswordState.objects.update_or_create(
        user=user, defaults={"must_change": False, "changed_at": timezone.now()}
    )


def password_changed(request, user) -> None:
    clear_must_change(user)
    request.session[MUST_CHANGE] = False
