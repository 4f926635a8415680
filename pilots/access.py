"""Who else may open a pilot: readers registered by the apps above (inversion of dependency).

`pilots` knows nothing of the review engine. An app that grants reading rights of its own (an expert
assigned to a pilot's acceptance item, declared, without a conflict) registers a reader in its
AppConfig.ready(): a function of the user returning a queryset of pilot ids the user may open (one
column, usable in `pk__in`), or None when it grants that user nothing. Nobody else gains anything.
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
    """A filter on Pilot for what the registered readers grant the user, or None (nothing)."""
    condition = None
    for reader in _readers:
        ids = reader(user)
        if ids is not None:
            condition = Q(pk__in=ids) if condition is None else condition | Q(pk__in=ids)
    return condition


def may_read(user, pilot) -> bool:
    """One query at most: a registered reader grants the user this pilot."""
    from .models import Pilot

    condition = readable_condition(user)
    return condition is not None and Pilot.objects.filter(condition, pk=pilot.pk).exists()
