import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formats import format_date
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


@dataclass(slots=True)
class OverviewEntry:
    """One pilot of the overview, as plain values (no model instances): enough for the counts, the
    filters and the pagination; the page's rows are then read in full by `overview_rows`."""

    pilot_id: int
    city_code: str
    city_name: str
    due: datetime.date
    report_id: int | None
    report_status: str
    target_status: str = "no_data"


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

    @property
    def target_status_label(self):
        from plans.status import LABELS

        return LABELS[self.target_status]

    @property
    def city_code(self) -> str:
        return self.pilot.organisation.review_unit_id or ""

    @property
    def city_name(self) -> str:
        unit = self.pilot.organisation.review_unit
        return unit.name if unit else ""


def overview_pilots(user, year: int) -> QuerySet[Pilot]:
    """The pilots of the user's scope that owe a report for `year`."""
    from .reminders import owes_report

    scope = scope_of(user)
    # a subquery, not a join on the reports: each pilot once without DISTINCT
    reported = AnnualReport.objects.filter(year=year).values("pilot_id")
    pilots = Pilot.objects.filter(owes_report(year) | Q(pk__in=reported))
    if not scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        pilots = pilots.filter(organisation__review_unit_id__in=scope.review_units)
    return pilots.select_related("organisation", "organisation__review_unit", "batch")


def overview_entries(
    user, year: int, *, city: str = "", today: datetime.date | None = None
) -> list[OverviewEntry]:
    """Every pilot of the scope for `year` with its report's status and its targets' worst status, in
    the overview's order (city, name). Three queries whatever the number of pilots (pilots, approved
    extensions, reports), read as plain values; the targets' statuses are the ones stored on each
    submitted report (reports.target_summary), recomputed here, in bulk and stored, only for a report
    whose pilot's ledger changed since (or never computed): a few more queries, as many for 3 reports
    as for 3,000."""
    from . import target_summary

    today = today or timezone.localdate()
    scoped = overview_pilots(user, year)
    if city:
        scoped = scoped.filter(organisation__review_unit_id=city)
    pilots = list(
        scoped.order_by("organisation__review_unit__code", "organisation__name", "pk").values_list(
            "pk",
            "organisation__review_unit_id",
            "organisation__review_unit__name",
            "batch__annual_report_due_month",
            "batch__annual_report_due_day",
        )
    )
    if not pilots:
        return []
    # the pilots as a subquery (2,000 ids as parameters cost more to send than the query takes)
    among = scoped.order_by().values("pk")
    extensions = ledger.annual_report_extensions(among, year)
    reports = {
        r[1]: r
        for r in AnnualReport.objects.filter(year=year, pilot__in=among)
        .annotate(current=target_summary.current_version_of_pilot())
        .values_list(
            "pk",
            "pilot_id",
            "state",
            "is_late",
            "targets_version",
            "target_status",
            "current",
        )
        .order_by()
    }
    done = target_summary.DONE
    fresh = target_summary.refresh_stale([r[0] for r in reports.values() if r[2] in done and r[4] != r[6]])
    entries = []
    for pk, unit, unit_name, month, day in pilots:
        due = extensions.get(pk) or ledger.default_due_date(year, month, day)
        report = reports.get(pk)
        entry = OverviewEntry(
            pilot_id=pk,
            city_code=unit or "",
            city_name=unit_name or "",
            due=due,
            report_id=report[0] if report else None,
            report_status=_report_status(report[2] if report else None, report and report[3], due, today),
        )
        if report is not None and report[2] in done:
            stored = fresh.get(report[0])
            entry.target_status = (stored[2] if stored else report[5]) or "no_data"
        entries.append(entry)
    return entries


def _report_status(state: str | None, is_late: bool, due: datetime.date, today: datetime.date) -> str:
    if state in (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED):
        return LATE if is_late else ON_TIME
    return MISSING if today > due else PENDING


def overview_rows(entries: list[OverviewEntry], year: int) -> list[OverviewRow]:
    """The rows of `entries` (a page of them, or all for an export) with their pilot, report and rating,
    reading only the columns shown or exported: two queries whatever the number of rows."""
    ids = [e.pilot_id for e in entries]
    pilots = (
        Pilot.objects.select_related("organisation__review_unit", "batch")
        .only(
            "pk",
            "organisation",
            "batch",
            "organisation__name",
            "organisation__review_unit",
            "organisation__review_unit__name",
            "batch__name",
        )
        .in_bulk(ids)
    )
    report_ids = [e.report_id for e in entries if e.report_id]
    reports = (
        AnnualReport.objects.select_related("evaluation")
        .only(
            "pk",
            "pilot_id",
            "year",
            "state",
            "submitted_at",
            "is_late",
            "target_counts",
            "evaluation__report",
            "evaluation__rating",
            "evaluation__opinion",
        )
        .in_bulk(report_ids)
        if report_ids
        else {}
    )
    rows = []
    for entry in entries:
        report = reports.get(entry.report_id)
        evaluation = getattr(report, "evaluation", None) if report is not None else None
        rows.append(
            OverviewRow(
                pilot=pilots[entry.pilot_id],
                report=report,
                due=entry.due,
                report_status=entry.report_status,
                targets=report.target_counts
                if report is not None and entry.report_status in (ON_TIME, LATE)
                else {},
                target_status=entry.target_status,
                rating=evaluation.get_rating_display() if evaluation else "",
            )
        )
    return rows


class OverviewLine(NamedTuple):
    """One line of the overview's table, every cell already formatted: the template does one flat loop."""

    pilot_id: int
    city: str
    name: str
    url: str  # "" without a report
    due: str
    report_status: str
    report_label: str
    target_status: str
    target_label: str
    rating: str


def overview_lines(rows: list[OverviewRow]) -> list[OverviewLine]:
    """The table's lines of a page of rows (no query)."""
    from plans.status import LABELS

    url = reverse("reports:detail", args=[0])[:-2]  # ".../0/" -> ".../", the pk appended below
    report_labels = {k: str(v) for k, v in REPORT_STATUS_LABELS.items()}
    target_labels = {k: str(v) for k, v in LABELS.items()}
    return [
        OverviewLine(
            pilot_id=row.pilot.pk,
            city=row.city_name,
            name=row.pilot.organisation.name,
            url=f"{url}{row.report.pk}/" if row.report is not None else "",
            due=format_date(row.due),
            report_status=row.report_status,
            report_label=report_labels[row.report_status],
            target_status=row.target_status,
            target_label=target_labels[row.target_status],
            rating=row.rating or "—",
        )
        for row in rows
    ]


def overview(user, year: int, *, city: str = "", today: datetime.date | None = None) -> list[OverviewRow]:
    """Every row of the overview (the exports): `overview_entries` then `overview_rows`."""
    return overview_rows(overview_entries(user, year, city=city, today=today), year)


def summarise(entries) -> dict:
    """The counts at a glance, and per city (review unit), of overview entries (or rows)."""
    blank = {ON_TIME: 0, LATE: 0, MISSING: 0, PENDING: 0}
    totals = {"pilots": len(entries), **blank}
    targets = {c: 0 for c in TARGET_ORDER}
    cities: dict = {}
    for entry in entries:
        totals[entry.report_status] += 1
        targets[entry.target_status] += 1
        city = cities.get(entry.city_code)
        if city is None:
            city = cities[entry.city_code] = {
                "name": entry.city_name,
                "pilots": 0,
                **blank,
                **{c: 0 for c in TARGET_ORDER},
            }
        city["pilots"] += 1
        city[entry.report_status] += 1
        city[entry.target_status] += 1
    return {"totals": totals, "targets": targets, "cities": list(cities.values())}
