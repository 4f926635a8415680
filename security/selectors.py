from django.db.models import QuerySet

from core.models import AuditEntry, SecurityEvent


def security_events() -> QuerySet[SecurityEvent]:
    """Newest first; the user's name is stored with the event, so a page needs no join."""
    return SecurityEvent.objects.order_by("-created_at", "-id")


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor", "content_type").order_by("-created_at", "-id")
