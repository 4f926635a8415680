"""Who else may open an application: readers registered by the apps above (inversion of dependency).

`applications` knows nothing of the apps built on it. An app that grants reading rights of its own
(the review engine: an expert assigned to an application's item, declared, without a conflict) registers
a reader in its AppConfig.ready(): a function of the user returning a queryset of application ids the
user may open (one column, usable in `pk__in`), or None when it grants that user nothing. The
application pages and permissions ask `readable_condition` / `may_read`; nobody else gains anything.
"""

from collections.abc import Callable

from django.db.models import Q

Reader = Callable[[object], object]
_readers: list[Reader] = []


def register_reader(reader: Reader) -> Reader:
    """Add a reader (once; registering the same function again changes nothing)."""
    if reader not in _readers:
        _readers.append(reader)
    return reader


def readable_condition(user) -> Q | None:
    """A filter on Application for what the registered readers grant the user, or None (nothing)."""
    condition = None
    for reader in _readers:
        ids = reader(user)
        if ids is not None:
            condition = Q(pk__in=ids) if condition is None else condition | Q(pk__in=ids)
    return condition


def may_read(user, application) -> bool:
    """One query at most: a registered reader grants the user this application."""
    from .models import Application

    condition = readable_condition(user)
    return condition is not None and Application.objects.filter(condition, pk=application.pk).exists()
