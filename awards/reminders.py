"""Instalment reminders, run every morning by Celery beat (core.tasks.send_deadline_reminders runs
`instalment_reminders`, registered in settings.PORTAL_REMINDERS).

An instalment still planned (待拨付) is announced to the finance officers 7 days before its planned date
and on the day. One notice per instalment and stage whatever the retries or a second beat: the notices'
dedupe keys (core.notifications.notify_many). A run missed on the exact day is caught up within its stage
(1–7 days before belong to the 7-day stage). An instalment past its date stays on the finance officer's
to-do list (awards.selectors.todos_for, "有到期待拨付分期的奖补"); it is not mailed again every day.
"""

import datetime

from django.urls import reverse

from core.formats import chinese_date
from core.notifications import notify_many
from core.reminders import reminder_stage
from organisations.models import Role
from organisations.roles import users_with_role

from .models import Instalment

STAGES = {7: "before_7", 0: "due_day"}


def instalment_reminders(*, today: datetime.date) -> int:
    """The notices due today; a fixed number of queries whatever the number of instalments."""
    due = list(
        Instalment.objects.filter(
            state=Instalment.State.PLANNED,
            planned_date__gte=today,
            planned_date__lte=today + datetime.timedelta(days=max(STAGES)),
        )
        .select_related("award__pilot__organisation")
        .order_by("planned_date", "pk")
    )
    if not due:
        return 0
    officers = users_with_role(Role.FINANCE_OFFICER)
    messages = []
    for instalment in due:
        stage = reminder_stage(instalment.planned_date, today, tuple(STAGES))
        if stage is None:
            continue
        award = instalment.award
        name = award.pilot.organisation.name
        when = chinese_date(instalment.planned_date)
        if stage:
            title = f"提醒：{name}奖补第{instalment.number}期（{instalment.amount}万元）计划于{when}拨付"
        else:
            title = (
                f"提醒：{name}奖补第{instalment.number}期（{instalment.amount}万元）计划今日（{when}）拨付"
            )
        messages.append(
            {
                "recipients": officers,
                "kind": "awards_instalment_due",
                "title": title,
                "body": f"依据：{award.basis_number}。拨付后请在平台登记拨付日期和拨付文号。",
                "url": reverse("awards:detail", args=[award.pk]),
                "dedupe_key": f"award-instalment:{instalment.pk}:{instalment.planned_date}:{STAGES[stage]}",
            }
        )
    return notify_many(messages)
