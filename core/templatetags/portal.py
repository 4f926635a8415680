from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from core.audit import history_for as _history_for
from core.audit import label_for
from core.transitions import actions_for
from pilots.models import Role
from pilots.roles import scope_of

register = template.Library()


@register.simple_tag
def actions(obj, user, exclude=""):
    return actions_for(obj, user, exclude=[n for n in exclude.split(",") if n])


@register.simple_tag
def history(obj, user=None):
    """The object's audit entries, with state codes turned into their labels for display.

    Entries recorded as internal (deliberations before a joint decision) are shown to provincial
    ecology and finance officers only."""
    try:
        labels = dict(obj._meta.get_field("state").choices)
    except FieldDoesNotExist:  # objects without a state machine
        labels = {}
    entries = list(_history_for(obj))
    if not scope_of(user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER):
        entries = [e for e in entries if not e.data.get("internal")]
    for entry in entries:
        # The label is produced from the namespaced code (core.audit.label_for), set on the entry in
        # memory for partials/history.html (entries are append-only and never saved again).
        entry.label = entry.action_label = label_for(entry)
        entry.from_label = labels.get(entry.from_state, entry.from_state)
        entry.to_label = labels.get(entry.to_state, entry.to_state)
    return entries


@register.filter
def cn_date(value):
    """2025年12月10日 — the date form officials expect."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


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
