"""What reports reads from the plans engineer's interface (plans.selectors / plans.status), in one place.

`target_paths` (plans.selectors.target_paths) and `due_dates` are the bulk forms of plans.selectors.
target_path / due_date for the province's overview and the reminder sweep (a fixed number of queries
whatever the number of pilots); a test holds them equal to the per-pilot functions.
"""

import datetime

from plans.models import ChangeRequest, DueKind
from plans.selectors import current_ledger_versions, key_projects, target_path  # noqa: F401 (re-exported)
from plans.selectors import due_date as _due_date
from plans.selectors import target_paths as _target_paths
from plans.status import target_status  # noqa: F401

ANNUAL_REPORT = DueKind.ANNUAL_REPORT


def due_date(pilot, year: int) -> datetime.date:
    """The annual report's due date for `year` (default 10 December, after any approved extension)."""
    return _due_date(pilot, ANNUAL_REPORT, year)


def annual_report_extensions(pilots, year: int) -> dict[int, datetime.date]:
    """{pilot id: new due date} of the approved extensions of `year`'s report, the most recently
    approved one winning (as plans.selectors.due_date): one query for many pilots (or pilot ids)."""
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
    return extensions


def default_due_date(year: int, month: int | None, day: int | None) -> datetime.date:
    """The batch's due day (Batch.annual_report_due_month / _day, default 10 December) of `year`."""
    return datetime.date(year, month or 12, day or 10)


def due_dates(pilots, year: int, *, among=None) -> dict[int, datetime.date]:
    """{pilot id: due date} for many pilots (the batch is select_related): one query. `among`: the same
    pilots as a subquery (`.values("pk")`), to send it rather than thousands of ids."""
    extensions = annual_report_extensions(pilots if among is None else among, year)
    dues = {}
    for pilot in pilots:
        batch = pilot.batch
        default = default_due_date(
            year,
            getattr(batch, "annual_report_due_month", None),
            getattr(batch, "annual_report_due_day", None),
        )
        dues[pilot.pk] = extensions.get(pilot.pk) or default
    return dues


def target_paths(pilots) -> dict[int, dict]:
    """{pilot id: target_path(pilot)} for many pilots: two queries (plans.selectors.target_paths)."""
    return _target_paths(pilots)
