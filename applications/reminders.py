"""Deadline reminders, run every morning by Celery beat (core.tasks.send_deadline_reminders).

Each reminder has a dedupe key (deadline, offset, recipient), so a retried or duplicated run sends
nothing twice.
"""

import datetime

from django.urls import reverse

from core.formats import chinese_date
from core.notifications import notify
from core.reminders import reminder_stage
from organisations.models import Role
from organisations.roles import users_with_role

from .models import Application, Batch

REMIND_DAYS_BEFORE = (7, 1)
UNSUBMITTED = (Application.State.DRAFT, Application.State.RETURNED)
UNSCREENED = (Application.State.SUBMITTED,)
UNFORWARDED = (Application.State.RECOMMENDED, Application.State.RETURNED_TO_CITY)


def _due(deadline: datetime.date | None, today: datetime.date) -> int | None:
    return reminder_stage(deadline, today, REMIND_DAYS_BEFORE)


def application_deadline_reminders(*, today: datetime.date) -> int:
    """Applicants with an unsubmitted draft, 7 and 1 days before the application deadline."""
    sent = 0
    for batch in Batch.objects.filter(state=Batch.State.OPEN):
        stage = _due(batch.application_deadline, today)
        if stage is None:
            continue
        days = (batch.application_deadline - today).days
        pending = Application.objects.filter(batch=batch, state__in=UNSUBMITTED).select_related(
            "organisation"
        )
        for application in pending:
            staff = users_with_role(Role.APPLICANT, organisation=application.organisation_id)
            sent += len(
                notify(
                    staff,
                    kind="deadline_application",
                    title=f"提醒：{batch.name}将于{chinese_date(batch.application_deadline)}截止申报（还剩{days}天），"
                    f"您的申报书尚未提交",
                    body="请尽快补齐申报书内容并提交；逾期系统将不再接受提交。",
                    url=reverse("applications:detail", args=[application.pk]),
                    dedupe_key=f"app-deadline:{batch.pk}:{batch.application_deadline}:{stage}:a{application.pk}",
                )
            )
    return sent


def forwarding_deadline_reminders(*, today: datetime.date) -> int:
    """City officers, 7 and 1 days before the forwarding deadline, with what is still open."""
    sent = 0
    for batch in Batch.objects.filter(state__in=[Batch.State.OPEN, Batch.State.CITY_SCREENING]):
        stage = _due(batch.forwarding_deadline, today)
        if stage is None:
            continue
        days = (batch.forwarding_deadline - today).days
        open_items: dict[str, dict[str, int]] = {}
        for unit_id, state in Application.objects.filter(
            batch=batch, state__in=UNSCREENED + UNFORWARDED
        ).values_list("organisation__review_unit_id", "state"):
            bucket = open_items.setdefault(unit_id, {"unscreened": 0, "unforwarded": 0})
            bucket["unscreened" if state in UNSCREENED else "unforwarded"] += 1
        for unit_id, counts in open_items.items():
            officers = users_with_role(Role.CITY_OFFICER, review_unit=unit_id)
            sent += len(
                notify(
                    officers,
                    kind="deadline_forwarding",
                    title=f"提醒：{batch.name}市级报送将于{chinese_date(batch.forwarding_deadline)}截止（还剩{days}天）",
                    body=f"尚有{counts['unscreened']}份申报书待审核，{counts['unforwarded']}份已推荐待报送。",
                    url=reverse("applications:city_screening", args=[batch.pk]),
                    dedupe_key=f"fwd-deadline:{batch.pk}:{batch.forwarding_deadline}:{stage}:{unit_id}",
                )
            )
    return sent
