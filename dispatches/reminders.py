"""Dispatch due-date reminders, run every morning by Celery beat (core.tasks.send_deadline_reminders).

Each pilot that has not submitted is reminded 3 days before the due date and on the day. A reminder is
a `DispatchReminder` row, unique per (dispatch, pilot, kind): a repeated or retried run, or two beats,
create nothing twice, so nothing is sent twice. A run missed on the exact day is caught up by the next
one within the same stage (core.reminders.reminder_stage): 1–3 days before belong to the 3-day stage,
the due day to the due-day stage. The actor is the system user.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from core.actors import system_user
from core.audit import record
from core.reminders import reminder_stage

from .models import Dispatch, DispatchReminder, DispatchResponse
from .services import UNANSWERED, remind_many

STAGES = {3: DispatchReminder.Kind.DAYS_BEFORE_3, 0: DispatchReminder.Kind.DUE_DAY}


def dispatch_due_reminders(*, today: datetime.date) -> int:
    """Every reminder due today, for every open dispatch: a fixed number of queries per dispatch whatever
    the number of pilots (services.remind_many)."""
    sent = 0
    system = None
    for dispatch in Dispatch.objects.filter(state=Dispatch.State.OPEN, due_date__gte=today):
        stage = reminder_stage(dispatch.due_date, today, tuple(STAGES))
        if stage is None:
            continue
        kind = STAGES[stage]
        system = system or system_user()
        with transaction.atomic():
            # The dispatch's row lock, as 催报 takes it: two beats (or a retry) remind in turn, not twice.
            locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            pending = (
                DispatchResponse.objects.filter(dispatch=locked, state__in=UNANSWERED)
                .exclude(
                    pilot__in=DispatchReminder.objects.filter(dispatch=locked, kind=kind).values("pilot")
                )
                .select_related("pilot__organisation")
                .order_by("pilot__organisation__name", "pk")
            )
            reminded = remind_many(dispatch=locked, responses=list(pending), kind=kind, day=today, by=system)
            names = [r.pilot.organisation.name for r in reminded]
            if names:
                record(
                    locked,
                    actor=system,
                    action=f"remind_{kind}",
                    label=gettext_noop("截止前自动提醒") if stage else gettext_noop("截止当日自动提醒"),
                    data={"rule": "dispatches.due_date_reminder", "pilots": names},
                )
        sent += len(names)
    return sent
