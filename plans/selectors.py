"""Reads of plans and the targets ledger. The functions at the top are the interface other apps use
(reports, dispatches, followup): keep their names and shapes stable."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.models import Indicator

from .models import ChangeRequest, DueKind, KeyProject, LedgerTarget, LedgerVersion, Plan


@dataclass
class TargetPath:
    """One indicator's yearly target path from the current ledger version."""

    indicator: Indicator
    binding: bool
    base_year: int
    base_value: Decimal
    values: dict[int, Decimal] = field(default_factory=dict)
    ledger_version: int = 1
    data_source: str = ""

    def value_for(self, year: int) -> Decimal | None:
        return self.values.get(year)


def _path_values(raw: dict) -> dict[int, Decimal]:
    return {
        int(year): Decimal(str(value))
        for year, value in sorted((raw or {}).items())
        if value not in (None, "")
    }


def current_ledger_version(pilot) -> LedgerVersion | None:
    return LedgerVersion.objects.filter(pilot=pilot).order_by("-number").first()


def target_path(pilot) -> dict[str, TargetPath]:
    """{indicator code: TargetPath} from the pilot's current ledger version ({} if no plan is filed).
    Two queries."""
    version = current_ledger_version(pilot)
    if version is None:
        return {}
    return _paths_of_version(version)


def _paths_of_version(version: LedgerVersion, targets=None) -> dict[str, TargetPath]:
    if targets is None:
        targets = (
            LedgerTarget.objects.filter(version=version).select_related("indicator").order_by("order", "pk")
        )
    return {
        t.indicator.code: TargetPath(
            indicator=t.indicator,
            binding=t.binding,
            base_year=t.base_year,
            base_value=t.base_value,
            values=_path_values(t.values),
            ledger_version=version.number,
            data_source=t.data_source,
        )
        for t in targets
    }


def current_ledger_versions(pilots) -> dict[int, LedgerVersion]:
    """{pilot id: its current (newest) ledger version} for many pilots (or pilot ids): one query."""
    latest: dict[int, LedgerVersion] = {}
    for version in LedgerVersion.objects.filter(pilot__in=pilots).order_by("pilot_id", "-number"):
        latest.setdefault(version.pilot_id, version)
    return latest


def target_paths(pilots) -> dict[int, dict[str, TargetPath]]:
    """{pilot id: target_path(pilot)} for many pilots (or pilot ids), a pilot without a filed ledger left
    out: two queries whatever the number of pilots (the bulk form of `target_path`)."""
    latest = current_ledger_versions(pilots)
    targets: dict[int, list] = {}
    for target in (
        LedgerTarget.objects.filter(version__in=list(latest.values()))
        .select_related("indicator")
        .order_by("order", "pk")
    ):
        targets.setdefault(target.version_id, []).append(target)
    return {pid: _paths_of_version(v, targets.get(v.pk, [])) for pid, v in latest.items()}


def key_projects(pilot) -> list[KeyProject]:
    """The filed plan's key projects (as changed by approved change requests); [] before filing."""
    return list(
        KeyProject.objects.filter(plan__pilot=pilot, plan__state=Plan.State.FILED).order_by("order", "pk")
    )


def due_date(pilot, kind: str, year: int) -> datetime.date:
    """The due date of `kind` (DueKind) for `year`, after any approved extension.

    The annual self-assessment report is due on the batch's due month/day of that year (Batch.
    annual_report_due_month / _day, default 10 December); an approved extension request for (kind, year)
    replaces it with its new date (the most recently approved one wins)."""
    if kind != DueKind.ANNUAL_REPORT:
        raise ValueError(f"unknown due kind {kind!r}")
    extension = (
        ChangeRequest.objects.filter(
            pilot=pilot,
            kind=ChangeRequest.Kind.EXTENSION,
            state=ChangeRequest.State.APPROVED,
            due_kind=kind,
            due_year=year,
        )
        .order_by("-decision__decided_at", "-pk")
        .values_list("new_due_date", flat=True)
        .first()
    )
    if extension:
        return extension
    batch = pilot.batch
    month = getattr(batch, "annual_report_due_month", None) or 12
    day = getattr(batch, "annual_report_due_day", None) or 10
    return datetime.date(year, month, day)


# Reads for the plan pages -------------------------------------------------------------------------
def get_pilot_plan_for_user(user, pilot_pk) -> tuple:
    """(pilot, plan or None) if `user` may see the pilot's plan pages, else 404 (never a 403: data
    outside the user's scope does not exist for them)."""
    from django.http import Http404
    from django.utils.translation import gettext

    from pilots.models import Pilot

    from . import permissions

    pilot = (
        Pilot.objects.select_related("organisation", "organisation__review_unit", "batch")
        .filter(pk=pilot_pk)
        .first()
    )
    if pilot is None:
        raise Http404(gettext("建设方案不存在"))
    plan = Plan.objects.filter(pilot=pilot).first()
    if plan is not None:
        plan.pilot = pilot
        visible = permissions.can_view_plan(user, plan)
    else:
        visible = permissions.can_view_plan(user, Plan(pilot=pilot, state=Plan.State.DRAFTING))
    if not visible:
        raise Http404(gettext("建设方案不存在"))
    return pilot, plan


def plans_visible_to(user):
    """The plans a user's list shows: the province all, finance and DRC filed ones, a city officer those of
    its review units; nobody else any."""
    from django.db.models import Q

    from organisations.models import Role
    from organisations.roles import scope_of

    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        condition = Q()
    else:
        condition = Q(pk__in=[])
        if scope.has(Role.FINANCE_OFFICER, Role.DRC_OFFICER):
            condition |= Q(state=Plan.State.FILED)
        if scope.review_units:
            condition |= Q(pilot__organisation__review_unit_id__in=scope.review_units)
    return (
        Plan.objects.filter(condition)
        .select_related("pilot", "pilot__organisation", "pilot__organisation__review_unit", "pilot__batch")
        .order_by(
            "pilot__batch__year", "pilot__organisation__review_unit__order", "pilot__organisation__name"
        )
    )


def changes_visible_to(user):
    """Change requests a user's list shows: the province all, a city officer those of its units, the pilot's
    staff their own; finance and DRC all (read-only)."""
    from django.db.models import Q

    from organisations.models import Role
    from organisations.roles import scope_of

    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        condition = Q()
    else:
        condition = Q(pk__in=[])
        if scope.review_units:
            condition |= Q(pilot__organisation__review_unit_id__in=scope.review_units)
        if scope.orgs(Role.APPLICANT):
            condition |= Q(pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
    return ChangeRequest.objects.filter(condition).select_related(
        "pilot",
        "pilot__organisation",
        "pilot__organisation__review_unit",
        "pilot__batch",
        "indicator",
        "project",
        "decision",
        "city_opinion",
    )


def get_change_for_user(user, pk) -> ChangeRequest:
    from django.http import Http404
    from django.utils.translation import gettext

    from . import permissions

    request = (
        ChangeRequest.objects.select_related("pilot", "pilot__organisation", "pilot__batch")
        .filter(pk=pk)
        .first()
    )
    if request is None or not permissions.can_view_change(user, request):
        raise Http404(gettext("申请不存在"))
    return request


def ledger_versions(pilot) -> list[dict]:
    """Every ledger version of the pilot, newest first, with its paths ({code: TargetPath}). Two queries."""
    versions = list(
        LedgerVersion.objects.filter(pilot=pilot)
        .select_related("created_by", "change_request")
        .order_by("-number")
    )
    targets = (
        LedgerTarget.objects.filter(version__in=versions).select_related("indicator").order_by("order", "pk")
    )
    by_version: dict[int, list] = {}
    for t in targets:
        by_version.setdefault(t.version_id, []).append(t)
    return [{"version": v, "paths": _paths_of_version(v, by_version.get(v.pk, []))} for v in versions]
