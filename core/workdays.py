"""Working days (工作日) with China's statutory holidays and adjusted working weekends (调休).

Uses the maintained `chinese_calendar` package. Its data covers the years the State Council has
announced; for a later year it cannot know the holidays, so we fall back to Monday–Friday and say so
(`WorkdayResult.approximate`), and the officer can adjust the dates by hand.
"""

import datetime
from dataclasses import dataclass

import chinese_calendar


@dataclass(frozen=True)
class WorkdayResult:
    end: datetime.date
    approximate: bool


def is_workday(day: datetime.date) -> tuple[bool, bool]:
    """(is it a working day, was the holiday calendar unavailable for that year)."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_workdays(start: datetime.date, count: int) -> WorkdayResult:
    """The date on which a period of `count` working days starting on `start` ends (inclusive)."""
    day, seen, approximate = start, 0, False
    while True:
        workday, unknown = is_workday(day)
        approximate |= unknown
        if workday:
            seen += 1
            if seen == count:
                return WorkdayResult(day, approximate)
        day += datetime.timedelta(days=1)


def count_workdays(start: datetime.date, end: datetime.date) -> int:
    day, count = start, 0
    while day <= end:
        count += is_workday(day)[0]
        day += datetime.timedelta(days=1)
    return count
