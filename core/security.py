"""Security events (等保 安全审计): who logged in, who failed, who was refused, who exported or
downloaded what, what administrators and role grants changed.

`record_security_event(kind, *, user=None, request=None, detail=...)` is the one writer. Code that has
no request at hand (selectors, core.xlsx, core.uploads, signal receivers) leaves `request` out: the
request being served is taken from `SecurityContextMiddleware`, so the address, path and signed-in user
are recorded all the same. Never a password: `detail` is reduced to plain values and any key that names
a secret is dropped.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import timezone

from .models import SecurityEvent

logger = logging.getLogger(__name__)

Kind = SecurityEvent.Kind
_current_request: contextvars.ContextVar = contextvars.ContextVar("portal_request", default=None)
_SECRET_WORDS = ("password", "passwd", "secret", "token", "otp", "csrf")

# The shortest retention the portal accepts (6 months: GB/T 22239-2019 8.1.4.3 and the 网络安全法, art. 21).
MIN_RETENTION_DAYS = 183


class SecurityContextMiddleware:
    """Makes the request being served available to `record_security_event` (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the header named by PORTAL_CLIENT_IP_HEADER when a trusted
    proxy sets it (e.g. HTTP_X_REAL_IP behind the load balancer)."""
    header = getattr(settings, "PORTAL_CLIENT_IP_HEADER", "")
    value = (request.META.get(header) if header else "") or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()[:45]


def _clean(detail):
    if isinstance(detail, dict):
        return {
            str(k): _clean(v)
            for k, v in detail.items()
            if not any(word in str(k).lower() for word in _SECRET_WORDS)
        }
    if isinstance(detail, list | tuple):
        return [_clean(v) for v in detail]
    if detail is None or isinstance(detail, bool | int | float):
        return detail
    return str(detail)


def record_security_event(
    kind: str,
    *,
    user=None,
    request=None,
    username: str = "",
    summary: str = "",
    detail: dict | None = None,
) -> SecurityEvent:
    """Append one security event. `user` defaults to the signed-in user of the request; `username` to
    that user's name (for a failed login: the name that was tried)."""
    request = request if request is not None else current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    if not getattr(user, "pk", None):
        user = None
    if not username and user is not None:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=str(kind),
        user=user,
        username=str(username)[:150],
        ip=client_ip(request) if request is not None else "",
        path=(request.path[:255] if request is not None else ""),
        summary=str(summary)[:255],
        detail=_clean(detail or {}),
    )


# Denials ------------------------------------------------------------------------------------------
def get_in_scope_or_404(scoped: models.QuerySet, *, message: str = "", **lookup):
    """The one owner of per-object scope checks: the object of `scoped` (the user's scoped queryset)
    matching `lookup`, else 404. When the object exists but lies outside the scope, the refusal is
    recorded as a `denied` security event (a user trying someone else's ids shows up in the audit);
    the response is the same 404 either way, so the user learns nothing."""
    obj = scoped.filter(**lookup).first()
    if obj is not None:
        return obj
    if scoped.model._base_manager.filter(**lookup).exists():
        record_denial(scoped.model, lookup)
    raise Http404(message)


def record_denial(model, lookup: dict, *, reason: str = "scope") -> None:
    meta = model._meta
    shown = ", ".join(f"{k}={v}" for k, v in lookup.items())
    record_security_event(
        Kind.DENIED,
        summary=f"{meta.app_label}.{meta.model_name} {shown}",
        detail={
            "model": meta.label_lower,
            "lookup": {k: str(v) for k, v in lookup.items()},
            "reason": reason,
        },
    )


def deny_section(section: str, *, message: str = ""):
    """The one owner of role-level refusals: a user whose role cannot see a whole section (an applicant on
    the officers' review pages, an expert on a city's screening list) gets the same 404 as for an object
    outside their scope, and the refusal is recorded as a `denied` security event naming the section."""
    record_security_event(
        Kind.DENIED,
        summary=f"section {section}",
        detail={"section": section, "reason": "role"},
    )
    raise Http404(message)


def deny(obj, *, reason: str = "permission"):
    """Record a refusal of an object the user reached but may not act on or see here, and 404."""
    record_denial(type(obj), {"pk": obj.pk}, reason=reason)
    raise Http404


# Retention ----------------------------------------------------------------------------------------
def retention_days() -> int:
    return int(getattr(settings, "PORTAL_SECURITY_EVENT_RETENTION_DAYS", 400))


def purge_security_events(*, now=None) -> int:
    """Delete the security events older than the retention period (never fewer than 183 days), oldest
    first, as one contiguous start of the chain; the chain's anchor becomes the hash they end with, and
    the purge itself is recorded. The database triggers let only such old rows go, and on PostgreSQL only
    inside this function (the `portal.audit_purge` setting of the transaction)."""
    from django.db import connection, transaction

    from .chain import _head, seal

    days = max(retention_days(), MIN_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    seal(SecurityEvent)
    with transaction.atomic():
        head = _head(SecurityEvent.CHAIN)
        last = (
            SecurityEvent.objects.filter(created_at__lt=cutoff, seq__isnull=False)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        if last is None:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('portal.audit_purge', 'on', true)")
        _purging.set(True)
        try:
            deleted, _by_model = SecurityEvent.objects.filter(seq__lte=last[0]).delete()
        finally:
            _purging.set(False)
        head.anchor_seq, head.anchor_hash = last
        head.save(update_fields=["anchor_seq", "anchor_hash"])
    record_security_event(
        Kind.PURGE,
        summary=f"{deleted}",
        detail={"deleted": deleted, "before": cutoff.isoformat(), "days": days},
    )
    return deleted


_purging: contextvars.ContextVar = contextvars.ContextVar("portal_audit_purge", default=False)


def sqlite_may_delete(table: str, created_at: str) -> int:
    """SQLite's triggers ask this (registered on each connection by core.apps): deleting an audit row is
    allowed to the retention purge for security events older than 183 days, and to the test suite's
    flush (settings.PORTAL_AUDIT_ALLOW_FLUSH, test settings only)."""
    if getattr(settings, "PORTAL_AUDIT_ALLOW_FLUSH", False):
        return 1
    if table != "core_securityevent" or not _purging.get():
        return 0
    limit = (timezone.now() - timedelta(days=MIN_RETENTION_DAYS)).astimezone(datetime.UTC)
    return int(str(created_at) < limit.strftime("%Y-%m-%d %H:%M:%S"))
