"""Rectification-deadline reminders of the city's follow-up visits (督导), run every morning by Celery beat
(core.tasks.send_deadline_reminders runs `visit_deadline_reminders`, registered in
settings.PORTAL_REMINDERS; followup.tasks.send_visit_deadline_reminders runs it on its own as well).

For each open visit with a rectification deadline, relative to that deadline:

| kind | from | told |
|---|---|---|
| before_7 | deadline − 7 days | the pilot's staff |
| before_1 | deadline − 1 day | the pilot's staff |
| overdue | the day after the deadline (the deadline day itself is still in time, Visit.is_overdue) | the pilot's staff and the city bureau of its review unit |

Each reminder is a VisitReminder row, unique per (visit, kind), stored in the same transaction as its
notices and its audit entry (the system actor): whatever the retries or a second beat, it goes out once.
A missed run is caught up by the next one within the stage (core.reminders.reminder_stage), and only the
latest stage due is sent (a run after the deadline sends the escalation, not the late "7 days before").
A visit closed (rectified) is never reminded. E-mails are queued after commit (core.notifications).
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from core.actors import system_user
from core.audit import record
from core.formats import chinese_date
from core.notifications import notify
from core.reminders import reminder_stage
from organisations.models import Role
from organisations.roles import users_with_role

from .models import Visit, VisitReminder

K = VisitReminder.Kind
BEFORE = {7: K.BEFORE_7, 1: K.BEFORE_1}
LABELS = {
    K.BEFORE_7: gettext_noop("整改时限前7天自动提醒"),
    K.BEFORE_1: gettext_noop("整改时限前1天自动提醒"),
    K.OVERDUE: gettext_noop("逾期未整改，自动告知市级主管部门"),
}


def stage_for(deadline: datetime.date, today: datetime.date) -> str | None:
    """The reminder kind due today for a deadline (None when none is)."""
    if today > deadline:
        return K.OVERDUE
    stage = reminder_stage(deadline, today, tuple(BEFORE))
    return BEFORE[stage] if stage is not None else None


def _message(kind: str, visit: Visit, today: datetime.date) -> tuple[str, str]:
    deadline = visit.rectification_deadline
    if kind == K.OVERDUE:
        return (
            f"{visit}：督导问题已逾期{(today - deadline).days}天未整改销号",
            f"整改时限为{chinese_date(deadline)}。逾期情况已告知市级主管部门，请尽快整改并报送整改情况。",
        )
    days = (deadline - today).days
    return (
        f"提醒：{visit}的整改时限为{chinese_date(deadline)}（还剩{days}天）"
        if days
        else f"提醒：{visit}的整改时限为今日（{chinese_date(deadline)}）",
        "请按期完成整改，并在平台报送整改情况。",
    )


def _send_once(*, visit: Visit, kind: str, today: datetime.date, by, city_officers) -> bool:
    try:
        with transaction.atomic():
            VisitReminder.objects.create(visit=visit, kind=kind, day=today)
            recipients = list(users_with_role(Role.APPLICANT, organisation=visit.pilot.organisation_id))
            if kind == K.OVERDUE:
                recipients += list(city_officers)
            title, body = _message(kind, visit, today)
            notify(
                recipients,
                kind=f"followup.visit_{kind}",
                title=title,
                body=body,
                url=reverse("followup:visit_detail", args=[visit.pk]),
                dedupe_key=f"visit-reminder:{visit.pk}:{kind}",
            )
            record(
                visit,
                actor=by,
                action=f"remind_{kind}",
                label=LABELS[kind],
                data={
                    "rule": "followup.rectification_deadline",
                    "deadline": visit.rectification_deadline.isoformat(),
                },
            )
    except IntegrityError:  # already sent (a retry, a second beat, a concurrent run)
        return False
    return True


def visit_deadline_reminders(*, today: datetime.date) -> int:
    """Every rectification reminder due today; returns the number of reminders sent."""
    visits = list(
        Visit.objects.filter(
            state=Visit.State.OPEN,
            rectification_deadline__isnull=False,
            rectification_deadline__lte=today + datetime.timedelta(days=max(BEFORE)),
        )
        .select_related("pilot__organisation")
        .order_by("rectification_deadline", "pk")
    )
    sent_kinds = set(VisitReminder.objects.filter(visit__in=visits).values_list("visit_id", "kind"))
    system = None
    city_officers: dict[int, list] = {}
    sent = 0
    for visit in visits:
        kind = stage_for(visit.rectification_deadline, today)
        if kind is None or (visit.pk, kind) in sent_kinds:
            continue
        unit = visit.pilot.organisation.review_unit_id
        if kind == K.OVERDUE and unit not in city_officers:
            city_officers[unit] = list(users_with_role(Role.CITY_OFFICER, review_unit=unit)) if unit else []
        system = system or system_user()
        sent += _send_once(
            visit=visit, kind=kind, today=today, by=system, city_officers=city_officers.get(unit, [])
        )
    return sent
