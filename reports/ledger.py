"""What reports reads from the plans engineer's interface (plans.selectors / plans.status), in one place."""

import datetime

from plans.models import DueKind
from plans.selectors import due_date as _due_date
from plans.selectors import key_projects, target_path  # noqa: F401 (re-exported for reports)
from plans.status import target_status  # noqa: F401


def due_date(pilot, year: int) -> datetime.date:
    """The annual report's due date for `year` (default 10 December, after any approved extension)."""
    return _due_date(pilot, DueKind.ANNUAL_REPORT, year)
