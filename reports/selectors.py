import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of
from pilots.models import Pilot

from . import ledger
from .models import AnnualReport, IndicatorActual

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
REPORT_STATUS_LABELS = {
    ON_TIME: _("按时提交"),
    LATE: _("逾期提交"),
    MISSING: _("逾期未交"),
    PENDING: _("未到截止日"),
}
TARGET_ORDER = ["behind", "at_risk", "on_track", "no_data"]


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    scope = scope_of(user)
    not_draft = ~Q(state=AnnualReport.State.DRAFT)
    condition = Q(pk__in=[])
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER):
        condition |= not_draft
    if scope.has(Role.DRC_OFFICER):
        condition |= not_draft
    if scope.review_units:
        condition |= not_draft & Q(pilot__organisation__review_unit_id__in=scope.review_units)
    if scope.orgs(Role.APPLICANT):
        condition |= Q(pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        condition |= Q(pilot__delegated_agencies__in=scope.orgs(Role.AGENCY))
    return (
        AnnualReport.objects.filter(condition)
        .distinct()
        .select_related("pilot", "pilot__organisation", "pilot__organisation__review_unit", "pilot__batch")
    )


def get_report_for_user(user, pk) -> AnnualReport:
    return get_in_scope_or_404(reports_visible_to(user), pk=pk, message=gettext("报告不存在"))


def report_status(report: AnnualReport | None, due: datetime.date, today: datetime.date) -> str:
    """按时提交 / 逾期提交 / 逾期未交 / 未到截止日 (a returned report counts as not submitted)."""
    if report is not None and report.state in (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED):
        return LATE if report.is_late else ON_TIME
    return MISSING if today > due else PENDING


def target_statuses(paths: dict, actuals: list[IndicatorActual], year: int) -> list:
    """[(TargetPath, IndicatorActual | None, TargetStatus)] for each target of the ledger."""
    by_code = {a.indicator.code: a for a in actuals}
    rows = []
    for code, path in paths.items():
        actual = by_code.get(code)
        status = ledger.target_status(
            direction=path.indicator.direction,
            actual=actual.value if actual else None,
            path_value=path.values.get(year),
            base_value=path.base_value,
        )
        rows.append((path, actual, status))
    return rows


def worst(statuses) -> str:
    codes = {s.code for s in statuses}
    return next((c for c in TARGET_ORDER if c in codes), "no_data")


@dataclass
class OverviewRow:
    pilot: Pilot
    report: AnnualReport | None
    due: datetime.date
    report_status: str
    targets: dict = field(default_factory=dict)  # status code -> count
    target_status: str = "no_data"
    rating: str = ""

    @property
    def report_status_label(self):
        return REPORT_STATUS_LABELS[self.report_status]


def overview_pilots(user, year: int) -> QuerySet[Pilot]:
    """The pilots of the user's scope that owe a report for `year`."""
    from .reminders import owes_report

    scope = scope_of(user)
    pilots = Pilot.objects.filter(owes_report(year) | Q(annual_reports__year=year))
    if not scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        pilots = pilots.filter(organisation__review_unit_id__in=scope.review_units)
    return pilots.distinct().select_related("organisation", "organisation__review_unit", "batch")


def overview(user, year: int, *, city: str = "", today: datetime.date | None = None) -> list[OverviewRow]:
    """Every pilot of the scope for `year`: its report's status and its targets' statuses. A fixed number
    of queries whatever the number of pilots (the ledger, reports, actuals and extensions in bulk)."""
    today = today or timezone.localdate()
    pilots = overview_pilots(user, year)
    if city:
        pilots = pilots.filter(organisation__review_unit_id=city)
    pilots = list(pilots.order_by("organisation__review_unit__code", "organisation__name", "pk"))
    reports = {
        r.pilot_id: r
        for r in AnnualReport.objects.filter(year=year, pilot__in=pilots)
        .exclude(state=AnnualReport.State.DRAFT)
        .select_related("evaluation")
        .prefetch_related(Prefetch("actuals", queryset=IndicatorActual.objects.select_related("indicator")))
    }
    drafts = set(
        AnnualReport.objects.filter(year=year, pilot__in=pilots, state=AnnualReport.State.DRAFT).values_list(
            "pilot_id", flat=True
        )
    )
    paths = ledger.target_paths(pilots)
    dues = ledger.due_dates(pilots, year)
    rows = []
    for pilot in pilots:
        report = reports.get(pilot.pk)
        due = dues[pilot.pk]
        row = OverviewRow(
            pilot=pilot, report=report, due=due, report_status=report_status(report, due, today)
        )
        if report is not None and report.state in (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED):
            statuses = [
                s for _p, _a, s in target_statuses(paths.get(pilot.pk, {}), list(report.actuals.all()), year)
            ]
            for s in statuses:
                row.targets[s.code] = row.targets.get(s.code, 0) + 1
            row.target_status = worst(statuses)
            evaluation = getattr(report, "evaluation", None)
            row.rating = evaluation.get_rating_display() if evaluation else ""
        row.has_draft = pilot.pk in drafts
        rows.append(row)
    return rows


def summarise(rows: list[OverviewRow]) -> dict:
    """The counts at a glance, and per city (review unit)."""
    totals = {"pilots": len(rows), ON_TIME: 0, LATE: 0, MISSING: 0, PENDING: 0}
    targets = {c: 0 for c in TARGET_ORDER}
    cities: dict = {}
    for row in rows:
        totals[row.report_status] += 1
        targets[row.target_status] += 1
        unit = row.pilot.organisation.review_unit
        city = cities.setdefault(
            unit.pk if unit else "",
            {
                "name": unit.name if unit else "",
                "pilots": 0,
                ON_TIME: 0,
                LATE: 0,
                MISSING: 0,
                PENDING: 0,
                **{c: 0 for c in TARGET_ORDER},
            },
        )
        city["pilots"] += 1
        city[row.report_status] += 1
        city[row.target_status] += 1
    return {"totals": totals, "targets": targets, "cities": list(cities.values())}
