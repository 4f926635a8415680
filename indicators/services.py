"""Writes to the indicator catalogue. A set is frozen when first used; a frozen set is never edited,
a change is a new version (indicator_set_new_version)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.actors import system_user
from core.audit import record
from core.errors import DomainError

from .models import Indicator, IndicatorSet, IndicatorSetItem


def indicator_set_freeze(*, indicator_set: IndicatorSet, by=None) -> IndicatorSet:
    """Freeze the set (first use); a set already frozen stays as it is. Without `by` the step is
    automatic (a first use) and recorded with the system actor."""
    with transaction.atomic():
        updated = IndicatorSet.objects.filter(pk=indicator_set.pk, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
        indicator_set.refresh_from_db(fields=["frozen_at"])
        if updated:
            record(
                indicator_set, actor=by or system_user(), action="freeze", label=gettext_noop("指标集冻结")
            )
    return indicator_set


def indicator_set_replace_items(
    *, indicator_set: IndicatorSet, indicators: list[Indicator], by=None
) -> IndicatorSet:
    """The set's indicators, in this order. Refused once the set is frozen (in use)."""
    with transaction.atomic():
        locked = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
        if locked.frozen_at:
            raise DomainError(gettext("指标集已启用（已冻结），不能修改；如需调整请新建版本。"))
        if len({i.pk for i in indicators}) != len(indicators):
            raise DomainError(gettext("同一指标在指标集中只能出现一次。"))
        locked.items.all().delete()
        IndicatorSetItem.objects.bulk_create(
            [IndicatorSetItem(indicator_set=locked, indicator=i, order=n) for n, i in enumerate(indicators)]
        )
        record(
            locked, actor=by, action="edit", label=gettext_noop("修改指标集"), data={"items": len(indicators)}
        )
    return locked


def indicator_set_new_version(*, indicator_set: IndicatorSet, by=None, name: str = "") -> IndicatorSet:
    """A new, unfrozen version of the set's purpose with the same indicators, to be edited."""
    with transaction.atomic():
        latest = (
            IndicatorSet.objects.filter(purpose=indicator_set.purpose).aggregate(v=Max("version"))["v"] or 0
        )
        new = IndicatorSet.objects.create(
            purpose=indicator_set.purpose,
            version=latest + 1,
            name=name or indicator_set.name,
            description=indicator_set.description,
        )
        IndicatorSetItem.objects.bulk_create(
            [
                IndicatorSetItem(indicator_set=new, indicator_id=item.indicator_id, order=item.order)
                for item in indicator_set.items.all()
            ]
        )
        record(
            new,
            actor=by,
            action="create",
            label=gettext_noop("新建指标集版本"),
            data={"from": indicator_set.pk},
        )
    return new
