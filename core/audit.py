"""Writing and reading the audit trail. Every service that changes something calls `record`.

Action codes are namespaced: `<app_label>.<model_name>.<verb>` (`applications.application.submit`,
`reviews.reviewround.freeze_criteria`), derived here from the object, so a verb such as `create` or
`edit` never means two things. Callers pass the bare verb (or a full code); `label_for` is the one
place that turns a code into what the history shows.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from .formats import colon
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
    # The label is stored in Chinese, the source language (its msgid), whatever the actor's language;
    # it is translated when displayed (`translate_stored`).
    with translation.override("zh-hans"):
        label = str(label)
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


# Who sees the entries recorded as internal (deliberations before a joint decision). core knows no
# roles: the organisations app registers the rule in its AppConfig.ready(). Without one, nobody does.
_internal_visibility = []


def register_internal_visibility(rule) -> None:
    """`rule(user) -> bool`: whether the user may see internal audit entries."""
    if rule not in _internal_visibility:
        _internal_visibility.append(rule)


def sees_internal_entries(user) -> bool:
    return any(rule(user) for rule in _internal_visibility)


gettext_noop("%(year)s年%(what)s")  # a year-bound part of a stored label, e.g. 2025年基础数据


def translate_stored(text: str) -> str:
    """A label stored in Chinese (an audit entry's "修改申报书：基本信息"), in the active language.

    The whole text is looked up in the catalog first, then each part around a full-width colon (a
    fixed label followed by a section or year), so entries written before a translation existed are
    translated too. Parts that are not in the catalog (names) are left as they are."""
    if not text:
        return text
    translated = gettext(text)
    if translated != text or "：" not in text:
        return translated
    return colon().join(_translate_part(part) for part in text.split("："))


def _translate_part(part: str) -> str:
    year = re.fullmatch(r"(\d{4})年(.+)", part)
    if year:  # "2025年基础数据"
        return gettext("%(year)s年%(what)s") % {"year": year[1], "what": gettext(year[2])}
    return gettext(part)
