"""Assertions shared by the transition tests."""

import re
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType

from core.audit import action_code
from core.errors import ActionNotPermitted, DomainError
from core.models import AuditEntry, Notification

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def row(obj) -> dict:
    """The object's stored row, as the database has it now."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def audit_for(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).order_by("id")


@contextmanager
def refused(obj, error=DomainError, *, code: str | None = None, match: str | None = None):
    """The block must raise `error` with a Chinese message and leave the row, the audit trail and the
    inbox exactly as they were."""
    before, audit, notices = row(obj), AuditEntry.objects.count(), Notification.objects.count()
    with pytest.raises(error) as info:
        yield info
    message = info.value.message
    assert CHINESE.search(message), message
    if error is DomainError or code == "state":
        # A refusal by state or guard is not a permission refusal (and vice versa).
        assert not isinstance(info.value, ActionNotPermitted), message
    if code is not None:
        assert info.value.code == code, (info.value.code, message)
    if match is not None:
        assert match in message, message
    assert row(obj) == before
    assert AuditEntry.objects.count() == audit
    assert Notification.objects.count() == notices


def not_permitted(obj):
    return refused(obj, ActionNotPermitted, code="forbidden")


def by_state(obj, match: str | None = None):
    return refused(obj, DomainError, code="state", match=match or "当前状态为")


def assert_audited(obj, *, action: str, actor, from_state: str, to_state: str, reason: str = ""):
    # Services may record further entries (e.g. proposed conflicts) after the transition's own.
    # `action` is the transition's verb; the entry carries its namespaced code (app.model.verb).
    action = action_code(obj, action)
    entry = audit_for(obj).filter(action=action).last()
    assert entry is not None, f"no audit entry for {action}"
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state, entry.reason) == (
        action,
        actor.pk,
        from_state,
        to_state,
        reason,
    )
    assert entry.action_label  # the label shown in the history (Chinese)
    return entry


# Signing in past the second factor ------------------------------------------------------------------
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def confirmed_totp_device(user):
    """The user's confirmed authenticator device (created with a fixed, documented key if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", key=TEST_TOTP_KEY, confirmed=True)
    return device


def current_totp(device) -> str:
    """The code the authenticator app shows now for `device`."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verified_login(client, user) -> None:
    """force_login, then mark the session as having passed the second factor, as django_otp.login does
    (needed for the users who must use 2FA: provincial, finance and DRC officers, staff)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    from core.auth_state import two_factor_required

    if two_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
        session["portal_otp_owed"] = False
        session.save()
