"""Reads of the indicator catalogue."""

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import AcceptanceItem, AcceptanceSystem, Indicator, IndicatorSet, IndicatorSetItem


def current_indicator_set(purpose: str) -> IndicatorSet | None:
    """The newest version of the set for `purpose` (IndicatorSet.Purpose), or None if there is none."""
    return IndicatorSet.objects.filter(purpose=purpose).order_by("-version").first()


def indicators_of_set(indicator_set: IndicatorSet | None, *, keep=()) -> QuerySet[Indicator]:
    """The set's indicators in the set's order, then those of `keep` that are not in it (entries a row
    already uses from an earlier version stay selectable for that row)."""
    items = IndicatorSetItem.objects.filter(indicator_set=indicator_set)
    keep_pks = [i.pk for i in keep if i is not None]
    return (
        Indicator.objects.annotate(
            set_order=Subquery(items.filter(indicator=OuterRef("pk")).values("order")[:1])
        )
        .filter(Q(pk__in=items.values("indicator")) | Q(pk__in=keep_pks))
        .order_by(F("set_order").asc(nulls_last=True), "pk")
    )


def current_indicators(purpose: str, *, keep=()) -> QuerySet[Indicator]:
    """The indicators offered for `purpose` today: those of its current set (and `keep`)."""
    return indicators_of_set(current_indicator_set(purpose), keep=keep)


def indicators_by_code(*codes: str) -> dict[str, Indicator]:
    """{code: entry} for the given catalogue codes (for seeding and imports)."""
    return {i.code: i for i in Indicator.objects.filter(code__in=codes)}


def acceptance_systems():
    """Every version of the acceptance indicator systems, by kind then newest first (one query)."""
    return AcceptanceSystem.objects.order_by("kind", "-version")


def acceptance_system_with_parts(pk: int):
    """A version with its categories (and their items and indicators), vetoes and adjustments, in a fixed
    number of queries whatever its size; None if there is no such version."""
    items = AcceptanceItem.objects.select_related("indicator").order_by("order", "pk")
    return (
        AcceptanceSystem.objects.prefetch_related(
            Prefetch("categories__items", queryset=items), "vetoes", "adjustments"
        )
        .filter(pk=pk)
        .first()
    )
