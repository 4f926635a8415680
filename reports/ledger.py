"""What reports reads from the plans engineer's interface (plans.selectors / plans.status), in one place.

`target_paths` and `due_dates` are the bulk forms of plans.selectors.target_path / due_date for the
province's overview (a fixed number of queries whatever the number of pilots); a test holds them equal
to the per-pilot functions. They belong in plans.selectors and should move there.
"""

import datetime

from plans.models import ChangeRequest, DueKind, LedgerTarget, LedgerVersion
from plans.selectors import _paths_of_version, key_projects, target_path  # noqa: F401 (re-exported for reports)
from plans.selectors import due_date as _due_date
from plans.status import target_status  # noqa: F401

ANNUAL_REPORT = DueKind.ANNUAL_REPORT


def due_date(pilot, year: int) -> datetime.date:
    """The annual report's due date for `year` (default 10 December, after any approved extension)."""
    return _due_date(pilot, ANNUAL_REPORT, year)


def due_dates(pilots, year: int) -> dict[int, datetime.date]:
    """{pilot id: due date} for many pilots (the batch is select_related): one query."""
    extensions: dict[int, datetime.date] = {}
    for pilot_id, new in (
        ChangeRequest.objects.filter(
            pilot__in=pilots,
            kind=ChangeRequest.Kind.EXTENSION,
            state=ChangeRequest.State.APPROVED,
            due_kind=ANNUAL_REPORT,
            due_year=year,
        )
        .order_by("pilot_id", "-decision__decided_at", "-pk")
        .values_list("pilot_id", "new_due_date")
    ):
        extensions.setdefault(pilot_id, new)
    dues = {}
    for pilot in pilots:
        batch = pilot.batch
        default = datetime.date(
            year,
            getattr(batch, "annual_report_due_month", None) or 12,
            getattr(batch, "annual_report_due_day", None) or 10,
        )
        dues[pilot.pk] = extensions.get(pilot.pk) or default
    return dues


def target_paths(pilots) -> dict[int, dict]:
    """{pilot id: target_path(pilot)} for many pilots: two queries."""
    latest: dict[int, LedgerVersion] = {}
    for version in LedgerVersion.objects.filter(pilot__in=pilots).order_by("pilot_id", "-number"):
        latest.setdefault(version.pilot_id, version)
    targets: dict[int, list] = {}
    for target in (
        LedgerTarget.objects.filter(version__in=list(latest.values()))
        .select_related("indicator")
        .order_by("order", "pk")
    ):
        targets.setdefault(target.version_id, []).append(target)
    return {pid: _paths_of_version(v, targets.get(v.pk, [])) for pid, v in latest.items()}
