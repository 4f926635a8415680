"""Late dispatch answers escalated to the city and then the province, run every morning by Celery beat
(core.tasks.send_deadline_reminders runs `dispatch_late_escalations`, registered in
settings.PORTAL_REMINDERS; dispatches.tasks.send_dispatch_escalations runs it on its own as well).

After an open dispatch's due date, each pilot that has not submitted its answer is escalated:

| kind | from | told |
|---|---|---|
| late_city | due + 3 days | the pilot's staff and the city bureau of its review unit |
| late_province | due + 10 days | the pilot's staff and the city bureau; the provincial officers get one summary per dispatch listing every pilot still late |

The same rule as the annual report escalation (reports.reminders). Each escalation is a `DispatchReminder`
row, unique per (dispatch, pilot, kind), stored in the same transaction as its notices: whatever the
retries or a second beat, it goes out once. Only the LATEST stage due today is sent, so a missed run (beat
down for a week) catches up with one escalation, not a burst of the stages it slept through. Dispatches
are selected by their due date alone, so a dispatch due 2026-12-28 is still escalated by a run on
2027-01-02. A closed dispatch is never escalated (nothing can be answered any more). The actor is the
system user; e-mails are queued after commit (core.notifications.notify).
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from core.actors import system_user
from core.audit import record
from core.formats import chinese_date
from core.notifications import notify
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.recipients import pilot_staff

from .models import Dispatch, DispatchReminder, DispatchResponse

K = DispatchReminder.Kind
# (days after the due date, kind), in order
STAGES = [(3, K.LATE_CITY), (10, K.LATE_PROVINCE)]
UNANSWERED = (DispatchResponse.State.DRAFT, DispatchResponse.State.REOPENED)
LABELS = {
    K.LATE_CITY: gettext_noop("逾期未报送，自动告知市级主管部门"),
    K.LATE_PROVINCE: gettext_noop("逾期未报送，自动告知省生态环境厅"),
}


def late_escalations(response: DispatchResponse) -> list[DispatchReminder]:
    """The escalations sent about one pilot's answer, oldest first (shown on the answer page)."""
    return list(
        DispatchReminder.objects.filter(
            dispatch_id=response.dispatch_id, pilot_id=response.pilot_id, kind__in=[k for _o, k in STAGES]
        ).order_by("day", "pk")
    )


def escalation_stage(due: datetime.date, today: datetime.date) -> str | None:
    """The latest escalation whose day has come (None before due + 3 days)."""
    kinds = [kind for offset, kind in STAGES if today >= due + datetime.timedelta(days=offset)]
    return kinds[-1] if kinds else None


def _message(kind: str, dispatch: Dispatch, name: str, today: datetime.date) -> tuple[str, str]:
    days = (today - dispatch.due_date).days
    whom = "市级主管部门" if kind == K.LATE_CITY else "市级主管部门和省生态环境厅"
    return (
        f"{name}：{dispatch.title}已逾期{days}天未报送",
        f"报送截止日期为{chinese_date(dispatch.due_date)}。逾期情况已告知{whom}，请尽快填报并提交；"
        "逾期报送将在通报中列明。",
    )


def _escalate(*, response, kind: str, today: datetime.date, by, city_officers) -> bool:
    """Store the escalation row and its notices together; a row already there means already sent."""
    dispatch, pilot = response.dispatch, response.pilot
    try:
        with transaction.atomic():
            DispatchReminder.objects.create(dispatch=dispatch, pilot=pilot, kind=kind, day=today, sent_by=by)
            title, body = _message(kind, dispatch, pilot.organisation.name, today)
            recipients = pilot_staff(pilot)
            notify(
                recipients + list(city_officers),
                kind=f"dispatch_{kind}",
                title=title,
                body=body,
                url=reverse("dispatches:response", args=[response.pk]),
                dedupe_key=f"dispatch-{kind}:{dispatch.pk}:p{pilot.pk}",
            )
    except IntegrityError:  # already escalated (a retry, a second beat, a concurrent run)
        return False
    return True


def _province_summary(dispatch: Dispatch, late: list, today: datetime.date) -> None:
    lines = [
        f"{r.pilot.organisation.name}（{getattr(r.pilot.organisation.review_unit, 'name', '')}）"
        for r in late
    ]
    notify(
        users_with_role(Role.PROVINCE_OFFICER),
        kind="dispatch_late_summary",
        title=f"{dispatch.title}：{len(late)}个试点单位逾期未报送",
        body=(
            f"报送截止日期为{chinese_date(dispatch.due_date)}，已逾期{(today - dispatch.due_date).days}天。"
            "逾期未报送的试点单位：\n" + "\n".join(lines)
        ),
        url=reverse("dispatches:detail", args=[dispatch.pk]),
        dedupe_key=f"dispatch-late-summary:{dispatch.pk}",
    )


def dispatch_late_escalations(*, today: datetime.date) -> int:
    """Every escalation due today; returns the number of pilots escalated."""
    first_day = today - datetime.timedelta(days=STAGES[0][0])
    escalated = 0
    system = None
    city_officers: dict[int, list] = {}
    for dispatch in Dispatch.objects.filter(state=Dispatch.State.OPEN, due_date__lte=first_day).order_by(
        "pk"
    ):
        kind = escalation_stage(dispatch.due_date, today)
        late = list(
            DispatchResponse.objects.filter(dispatch=dispatch, state__in=UNANSWERED)
            .select_related("dispatch", "pilot__organisation__review_unit")
            .order_by("pilot__organisation__review_unit__order", "pilot__organisation__name")
        )
        done = set(
            DispatchReminder.objects.filter(dispatch=dispatch, kind=kind).values_list("pilot_id", flat=True)
        )
        pending = [r for r in late if r.pilot_id not in done]
        if not pending:
            continue
        system = system or system_user()
        names = []
        with transaction.atomic():
            for response in pending:
                unit = response.pilot.organisation.review_unit_id
                if unit not in city_officers:
                    city_officers[unit] = list(users_with_role(Role.CITY_OFFICER, review_unit=unit))
                if _escalate(
                    response=response, kind=kind, today=today, by=system, city_officers=city_officers[unit]
                ):
                    names.append(response.pilot.organisation.name)
            if names:
                if kind == K.LATE_PROVINCE:
                    _province_summary(dispatch, late, today)
                record(
                    dispatch,
                    actor=system,
                    action=f"escalate_{kind}",
                    label=LABELS[kind],
                    data={
                        "rule": "dispatches.late_escalation",
                        "days_late": (today - dispatch.due_date).days,
                        "pilots": names,
                    },
                )
        escalated += len(names)
    return escalated
