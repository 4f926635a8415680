"""The targets' statuses of submitted reports, stored on the report (AnnualReport.target_counts /
target_status / targets_version) so that the province's overview reads them instead of recomputing
every report's statuses on every request.

They are the result of the one rule (plans.status.target_status, through reports.selectors.
target_statuses), never typed: computed when a report is submitted (services.report_transition), cleared
when it is returned, and computed again by `fresh_summaries` whenever the pilot's current ledger version
is not the one they were computed on (an approved change request files a new version), or they were
never computed (a report stored before this field existed). The actuals of a submitted or received
report cannot change (only a draft or a returned report is editable), nor can a filed ledger version's
targets (a change files a new version), so (report, ledger version) fixes the result.
"""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from plans.models import LedgerVersion

from . import ledger
from .models import AnnualReport, IndicatorActual

DONE = (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED)
NO_LEDGER = 0


def current_version_of_pilot(pilot_field: str = "pilot_id"):
    """An annotation: the pk of the pilot's current ledger version (NO_LEDGER without one)."""
    newest = LedgerVersion.objects.filter(pilot=OuterRef(pilot_field)).order_by("-number").values("pk")[:1]
    return Coalesce(Subquery(newest), Value(NO_LEDGER))


def compute(reports: list) -> dict[int, tuple[int, dict, str]]:
    """{report pk: (ledger version pk, {status code: targets}, worst status)} for reports (objects with
    pk, pilot_id and year). Four queries whatever the number of reports."""
    from .selectors import target_statuses, worst

    if not reports:
        return {}
    pilot_ids = {r.pilot_id for r in reports}
    versions = ledger.current_ledger_versions(pilot_ids)
    paths = ledger.target_paths(pilot_ids)
    actuals: dict[int, list] = {}
    for actual in (
        IndicatorActual.objects.filter(report__in=[r.pk for r in reports])
        .select_related("indicator")
        .only("report_id", "value", "indicator__code")
    ):
        actuals.setdefault(actual.report_id, []).append(actual)
    result = {}
    for report in reports:
        statuses = [
            s
            for _p, _a, s in target_statuses(
                paths.get(report.pilot_id, {}), actuals.get(report.pk, []), report.year
            )
        ]
        counts: dict[str, int] = {}
        for status in statuses:
            counts[status.code] = counts.get(status.code, 0) + 1
        version = versions.get(report.pilot_id)
        result[report.pk] = (version.pk if version else NO_LEDGER, counts, worst(statuses))
    return result


def store(reports: list) -> dict[int, tuple[int, dict, str]]:
    """Compute and store the summaries of `reports` (AnnualReport objects); returns them as `compute`."""
    summaries = compute(reports)
    for report in reports:
        report.targets_version, report.target_counts, report.target_status = summaries[report.pk]
    AnnualReport.objects.bulk_update(
        reports, ["targets_version", "target_counts", "target_status"], batch_size=500
    )
    return summaries


def clear(report: AnnualReport) -> None:
    """A returned report's statuses are no longer its own (it will be edited and submitted again)."""
    AnnualReport.objects.filter(pk=report.pk).update(targets_version=None, target_counts={}, target_status="")
    report.targets_version, report.target_counts, report.target_status = None, {}, ""


def refresh_stale(stale_ids: list[int]) -> dict[int, tuple[int, dict, str]]:
    """Recompute and store the summaries of the submitted or received reports `stale_ids` (their stored
    ledger version is not the pilot's current one, or none is stored). Five queries."""
    if not stale_ids:
        return {}
    reports = list(
        AnnualReport.objects.filter(pk__in=stale_ids, state__in=DONE)
        .only("pk", "pilot_id", "year")
        .order_by("pk")  # two overviews storing at once update the rows in the same order
    )
    return store(reports)
