"""Reminder stages shared by every deadline reminder.

A reminder belongs to a stage ("7 days before", "1 day before"): it is due from that day until the
next stage begins, so a daily run that was missed (beat down, Redis down) still sends it the next
day. Its dedupe key names the stage, so it is sent once per stage whatever the retries.
"""

import datetime


def reminder_stage(deadline: datetime.date | None, today: datetime.date, stages=(7, 1)) -> int | None:
    """The stage (days before the deadline) a reminder sent today belongs to, or None."""
    if deadline is None:
        return None
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    due = [stage for stage in sorted(stages) if days_left <= stage]
    return due[0] if due else None
