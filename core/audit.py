"""Writing and reading the audit trail. Every service that changes something calls `record`."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def record(
    obj: models.Model,
    *,
    actor,
    action: str,
    label: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        action_label=label,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def history_for(obj: models.Model):
    """The audit entries of one object, oldest first, with their actors in the same query."""
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
