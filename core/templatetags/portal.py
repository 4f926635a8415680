from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext

from core import formats
from core.audit import history_for as _history_for
from core.audit import label_for, sees_internal_entries, translate_stored
from core.transitions import actions_for

register = template.Library()


@register.simple_tag
def actions(obj, user, exclude=""):
    return actions_for(obj, user, exclude=[n for n in exclude.split(",") if n])


@register.simple_tag
def history(obj, user=None):
    """The object's audit entries, with state codes turned into their labels for display.

    Entries recorded as internal (deliberations before a joint decision) are shown only to whom
    core.audit.sees_internal_entries allows (provincial ecology and finance officers, organisations.roles)."""
    try:
        labels = dict(obj._meta.get_field("state").choices)
    except FieldDoesNotExist:  # objects without a state machine
        labels = {}
    entries = list(_history_for(obj))
    if not sees_internal_entries(user):
        entries = [e for e in entries if not e.data.get("internal")]
    for entry in entries:
        # The label is produced from the namespaced code (core.audit.label_for), set on the entry in
        # memory for partials/history.html (entries are append-only and never saved again).
        # A label stored in Chinese is shown in the active language (core.audit.translate_stored).
        entry.label = entry.action_label = translate_stored(label_for(entry))
        entry.from_label = labels.get(entry.from_state, entry.from_state)
        entry.to_label = labels.get(entry.to_state, entry.to_state)
    return entries


@register.filter
def cn_date(value):
    """A date in the active language: 2025年12月10日 / 10 Dec 2025 (core.formats is the one owner)."""
    return formats.format_date(value)


@register.filter
def cn_datetime(value):
    """A date-time in local time in the active language: 2025年12月10日 14:30 / 10 Dec 2025 14:30."""
    return formats.format_datetime(value)


register.filter("local_date", cn_date)
register.filter("local_datetime", cn_datetime)


@register.simple_tag
def colon():
    """The colon after a label in the active language: "：" in Chinese, ": " in English."""
    return formats.colon()


@register.simple_tag
def semicolon():
    return formats.semicolon()


@register.simple_tag
def comma():
    """Between clauses: ， / ", "."""
    return formats.comma()


@register.simple_tag
def full_stop():
    return formats.full_stop()


@register.simple_tag
def enum_comma():
    """The separator between listed items: 、 / ", "."""
    return formats.enumeration_comma()


@register.filter
def paren(value):
    """An aside in brackets of the active language: （…） / " (…)"."""
    return formats.parenthesised(value)


@register.filter
def seeded(value):
    """Seeded data (the selection criteria set) in the active language when the catalog has it; text an
    officer typed is shown as typed."""
    return gettext(value) if value else value


@register.filter
def audit_label(value):
    """An audit entry's label, stored in Chinese (the msgid), translated for display."""
    return translate_stored(value)


@register.filter
def num(value, places=2):
    """Thousands-separated number with fixed decimals; blank for None."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return f"{d:,.{int(places)}f}"


@register.filter
def state_class(state):
    return f"state state-{state}"
