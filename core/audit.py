"""Writing and reading the audit trail. Every service that changes something calls `record`.

Action codes are namespaced: `<app_label>.<model_name>.<verb>` (`applications.application.submit`,
`reviews.reviewround.freeze_criteria`), derived here from the object, so a verb such as `create` or
`edit` never means two things. Callers pass the bare verb (or a full code); `label_for` is the one
place that turns a code into what the history shows.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def action_code(obj_or_model, verb: str) -> str:
    """`applications.application.submit` for (an Application, "submit"); a full code is kept as it is."""
    if "." in verb:
        return verb
    meta = obj_or_model._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def verb_of(code: str) -> str:
    return code.rsplit(".", 1)[-1]


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
        action=action_code(obj, action),
        action_label=label or _transition_label(type(obj), verb_of(action)) or "",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def _transition_label(model, verb: str) -> str | None:
    """The label a model's state machine gives transition `verb` (its one owner), if it is one."""
    fsm = getattr(getattr(model, verb, None), "_django_fsm", None)
    if fsm is None:
        return None
    for t in fsm.transitions.values():
        return str(t.custom.get("label", verb))
    return None


def label_for(entry: AuditEntry) -> str:
    """What the history shows for an entry: a transition's label comes from its model (in the current
    language), any other action's from the label recorded with it, else the code's verb."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()  # cached, no query
    verb = verb_of(entry.action)
    return (model and _transition_label(model, verb)) or entry.action_label or verb


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
