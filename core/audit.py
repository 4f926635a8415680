"""Writing and reading the audit trail. Every service that changes something calls `record`."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from .formats import colon
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
    # The label is stored in Chinese, the source language (its msgid), whatever the actor's language;
    # it is translated when displayed (`translate_stored`).
    with translation.override("zh-hans"):
        label = str(label)
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
