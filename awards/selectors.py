"""Reads of awards, scoped to the user as permissions.py: the finance and ecology departments all, a city
its units' pilots, a pilot its own. Each list is one queryset with its joins and sums applied, so a page
runs a fixed number of queries whatever its length."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from core.security import get_in_scope_or_404
from organisations.models import Organisation, Role
from organisations.roles import scope_of
from pilots.models import Pilot

from .models import Award, AwardCap, Instalment, PilotType
from .permissions import READ_ALL

PILOT_JOINS = ("pilot__organisation", "pilot__organisation__review_unit", "pilot__batch")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _condition(user) -> Q:
    scope = scope_of(user)
    if scope.has(*READ_ALL):
        return Q()
    condition = Q(pk__in=[])
    if scope.review_units:
        condition |= Q(pilot__organisation__review_unit_id__in=scope.review_units)
    if scope.orgs(Role.APPLICANT):
        condition |= Q(pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
    return condition


def _sum(state: str):
    return Coalesce(Sum("instalments__amount", filter=Q(instalments__state=state)), ZERO)


def awards_visible_to(user, today: datetime.date | None = None) -> QuerySet[Award]:
    """The awards the user may read, with `disbursed` and `planned` (万元, the instalments in those states)
    and `due` (instalments still planned whose planned date has come)."""
    today = today or timezone.localdate()
    return (
        Award.objects.filter(_condition(user))
        .select_related(*PILOT_JOINS)
        .annotate(
            disbursed=_sum(Instalment.State.DISBURSED),
            planned=_sum(Instalment.State.PLANNED),
            due=Count(
                "instalments",
                filter=Q(instalments__state=Instalment.State.PLANNED, instalments__planned_date__lte=today),
            ),
        )
        .order_by(
            "-basis_date", "pilot__organisation__review_unit__order", "pilot__organisation__name", "-pk"
        )
    )


def totals(awards: QuerySet[Award]) -> dict:
    """Count and sums (万元) of a list of awards: what the list page and the export's 合计 row show."""
    ids = awards.order_by().values("pk")
    amount = Award.objects.filter(pk__in=ids).aggregate(n=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
    paid = Instalment.objects.filter(award__in=ids).aggregate(
        disbursed=_plain_sum(Instalment.State.DISBURSED), planned=_plain_sum(Instalment.State.PLANNED)
    )
    return {**amount, **paid, "undisbursed": amount["amount"] - paid["disbursed"]}


def _plain_sum(state: str):
    return Coalesce(Sum("amount", filter=Q(state=state)), ZERO)


def instalments_of_awards(awards: QuerySet[Award]) -> QuerySet[Instalment]:
    """The instalments of a list of awards (the export's second sheet), in the list's order."""
    return (
        Instalment.objects.filter(award__in=awards.order_by().values("pk"))
        .select_related("award__pilot__organisation")
        .order_by("-award__basis_date", "award__pilot__organisation__name", "award_id", "number")
    )


def get_award_for_user(user, pk) -> Award:
    return get_in_scope_or_404(
        Award.objects.filter(_condition(user)).select_related(*PILOT_JOINS, "recorded_by"),
        pk=pk,
        message=gettext("奖补记录不存在"),
    )


def instalments_of(award: Award) -> list[Instalment]:
    return list(award.instalments.select_related("created_by").order_by("number"))


def pilot_type_of(pilot: Pilot) -> str:
    return PilotType.PARK if pilot.organisation.kind == Organisation.Kind.PARK else PilotType.COUNTY


def cap_for(pilot: Pilot, on: datetime.date) -> AwardCap | None:
    """The cap in force for `pilot` on `on`: the latest one effective by then for its type and grade, else
    for its type and every grade."""
    caps = AwardCap.objects.filter(pilot_type=pilot_type_of(pilot), effective_from__lte=on)
    if pilot.acceptance_grade:
        specific = caps.filter(grade=pilot.acceptance_grade).order_by("-effective_from", "-pk").first()
        if specific is not None:
            return specific
    return caps.filter(grade="").order_by("-effective_from", "-pk").first()


def awarded_total(pilot: Pilot) -> Decimal:
    return Award.objects.filter(pilot=pilot).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def caps_visible_to(user) -> QuerySet[AwardCap]:
    if not scope_of(user).has(*READ_ALL):
        return AwardCap.objects.none()
    return AwardCap.objects.select_related("set_by").order_by("pilot_type", "grade", "-effective_from", "-pk")


def current_caps(caps, today: datetime.date | None = None) -> set[int]:
    """The ids of the caps in force today (the latest effective one per type and grade)."""
    today = today or timezone.localdate()
    seen, current = set(), set()
    for cap in caps:  # ordered by type, grade, newest first
        key = (cap.pilot_type, cap.grade)
        if key not in seen and cap.effective_from <= today:
            seen.add(key)
            current.add(cap.pk)
    return current


def pilots_to_award(user) -> QuerySet[Pilot]:
    """The accepted pilots the finance officer may record an award for; those without one first."""
    if not scope_of(user).has(Role.FINANCE_OFFICER):
        return Pilot.objects.none()
    return (
        Pilot.objects.filter(state=Pilot.State.ACCEPTED)
        .select_related("organisation", "batch")
        .annotate(has_award=Exists(Award.objects.filter(pilot=OuterRef("pk"))))
        .order_by("has_award", "batch__year", "organisation__name")
    )


def todos_for(user, today: datetime.date | None = None) -> dict[str, int]:
    """What waits for the finance officer, as counts (0 when none), one query each:

    - `pilots_without_award`: accepted pilots with no award yet (the record page lists them first);
    - `awards_due`: awards with an instalment still planned whose planned date has come (the list's
      `?status=due`)."""
    counts = {"pilots_without_award": 0, "awards_due": 0}
    if not scope_of(user).has(Role.FINANCE_OFFICER):
        return counts
    today = today or timezone.localdate()
    counts["pilots_without_award"] = (
        Pilot.objects.filter(state=Pilot.State.ACCEPTED)
        .exclude(Exists(Award.objects.filter(pilot=OuterRef("pk"))))
        .count()
    )
    counts["awards_due"] = Award.objects.filter(
        Exists(
            Instalment.objects.filter(
                award=OuterRef("pk"), state=Instalment.State.PLANNED, planned_date__lte=today
            )
        )
    ).count()
    return counts
