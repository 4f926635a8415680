"""Writes to the indicator catalogue. A set is frozen when first used; a frozen set is never edited,
a change is a new version (indicator_set_new_version)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.actors import system_user
from core.audit import record
from core.errors import DomainError

from .models import (
    AcceptanceAdjustment,
    AcceptanceCategory,
    AcceptanceItem,
    AcceptanceSystem,
    AcceptanceVeto,
    Indicator,
    IndicatorSet,
    IndicatorSetItem,
)


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


# --- acceptance indicator systems (验收评价指标体系) ------------------------------------------------------


def _editable(system: AcceptanceSystem) -> AcceptanceSystem:
    """The version locked for an edit; refused once frozen (in use)."""
    locked = AcceptanceSystem.objects.select_for_update().get(pk=system.pk)
    if locked.frozen_at:
        raise DomainError(
            gettext("%(system)s已启用（已冻结），不能修改；如需调整请新建版本。") % {"system": locked}
        )
    return locked


SYSTEM_FIELDS = (
    "name",
    "description",
    "is_proposal",
    "pass_score",
    "excellent_score",
    "bonus_cap",
    "penalty_cap",
)


def acceptance_system_update(*, system: AcceptanceSystem, by=None, **changes) -> AcceptanceSystem:
    """Change the version's own fields (name, thresholds, caps, proposal mark); refused once frozen."""
    unknown = set(changes) - set(SYSTEM_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _editable(system)
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.excellent_score < locked.pass_score:
            raise DomainError(gettext("优秀分数线不能低于通过分数线。"))
        locked.save(update_fields=list(changes))
        record(
            locked,
            actor=by,
            action="edit",
            label=gettext_noop("修改验收评价指标体系"),
            data={k: str(v) for k, v in changes.items()},
        )
    return locked


def acceptance_system_freeze(*, system: AcceptanceSystem, by=None) -> AcceptanceSystem:
    """Freeze the version (first use, or the province's decision); a frozen version stays as it is. A
    version whose points do not add up, or whose rules are invalid, is refused with the reasons. Without
    `by` the step is automatic and recorded with the system actor."""
    from .scoring import check_system, spec_of

    with transaction.atomic():
        locked = AcceptanceSystem.objects.select_for_update().get(pk=system.pk)
        if locked.frozen_at is None:
            errors = check_system(spec_of(locked))
            if errors:
                raise DomainError(
                    gettext("指标体系校验未通过，不能冻结：%(errors)s") % {"errors": "".join(errors)}
                )
            locked.frozen_at = timezone.now()
            locked.save(update_fields=["frozen_at"])
            record(
                locked,
                actor=by or system_user(),
                action="freeze",
                label=gettext_noop("验收评价指标体系冻结"),
            )
    system.frozen_at = locked.frozen_at
    return locked


def acceptance_system_new_version(*, system: AcceptanceSystem, by=None, name: str = "") -> AcceptanceSystem:
    """A new, unfrozen version of the same kind copying everything (categories, items with their rules,
    vetoes, bonus and penalty items, thresholds and caps), to be edited."""
    with transaction.atomic():
        latest = (
            AcceptanceSystem.objects.select_for_update()
            .filter(kind=system.kind)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        )
        new = AcceptanceSystem.objects.create(
            kind=system.kind,
            version=latest + 1,
            name=name or system.name,
            description=system.description,
            is_proposal=system.is_proposal,
            total_points=system.total_points,
            pass_score=system.pass_score,
            excellent_score=system.excellent_score,
            bonus_cap=system.bonus_cap,
            penalty_cap=system.penalty_cap,
        )
        for category in system.categories.prefetch_related("items"):
            copy = AcceptanceCategory.objects.create(
                system=new, name=category.name, points=category.points, order=category.order
            )
            AcceptanceItem.objects.bulk_create(
                [
                    AcceptanceItem(
                        category=copy,
                        indicator_id=item.indicator_id,
                        points=item.points,
                        binding=item.binding,
                        order=item.order,
                        rule=item.rule,
                        params=item.params,
                        target_note=item.target_note,
                        reference=item.reference,
                    )
                    for item in category.items.all()
                ]
            )
        AcceptanceVeto.objects.bulk_create(
            [
                AcceptanceVeto(system=new, code=v.code, description=v.description, order=v.order)
                for v in system.vetoes.all()
            ]
        )
        AcceptanceAdjustment.objects.bulk_create(
            [
                AcceptanceAdjustment(
                    system=new,
                    kind=a.kind,
                    code=a.code,
                    description=a.description,
                    max_points=a.max_points,
                    order=a.order,
                )
                for a in system.adjustments.all()
            ]
        )
        record(
            new,
            actor=by,
            action="new_version",
            label=gettext_noop("新建验收评价指标体系版本"),
            data={"from": system.pk, "from_version": system.version},
        )
    return new


def acceptance_items_import(*, system: AcceptanceSystem, content: bytes, by=None) -> int:
    """Replace the version's items with those of an xlsx in the layout of the export (transfer.py).
    Refused on a frozen version; any invalid row refuses the whole file (row numbers as in the sheet),
    nothing is half-imported. Returns the number of items imported."""
    from .transfer import read_items

    with transaction.atomic():
        locked = _editable(system)
        AcceptanceItem.objects.filter(category__system=locked).delete()
        count = read_items(locked, content)
        record(
            locked,
            actor=by,
            action="import_items",
            label=gettext_noop("导入验收指标"),
            data={"items": count},
        )
    return count
