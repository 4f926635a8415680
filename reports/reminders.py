"""Annual report reminders and escalation, run every morning by Celery beat (core.tasks.
send_deadline_reminders runs `annual_report_reminders`, registered in settings.PORTAL_REMINDERS).

For each pilot that owes a report for a year (its batch's year to the end of its construction period,
in a construction stage) and has not submitted it, relative to the due day (plans.selectors.due_date):

| kind | from | told |
|---|---|---|
| before_30 / before_10 / before_3 | due − 30 / − 10 / − 3 days | the pilot's staff |
| due_day | the due day | the pilot's staff |
| escalate_city | due + 3 days | the pilot's staff and the city bureau of its review unit |
| escalate_province | due + 10 days | the pilot's staff and the city bureau; the province gets one summary a year |
|   (late_summary) | with the first province escalation of the year | the provincial officers: every pilot late |

Each reminder is a ReportReminder row, unique per (pilot, year, kind) (per (year, kind) for the summary):
whatever the retries or a second beat, it goes out once. Only the LATEST kind due today is sent: a missed
run (beat down for a week) catches up with one reminder, not a burst of the stages it slept through.
The years looked at are this year and the last, so across the year boundary (the 2026 report due
2026-12-10, a run on 2027-01-02) the late report is still escalated.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from core.formats import chinese_date
from core.locks import transaction_lock
from core.notifications import notify_many
from organisations.models import Role
from organisations.roles import users_with_role, users_with_role_by
from pilots.models import Pilot

from . import ledger
from .models import AnnualReport, ReportReminder

K = ReportReminder.Kind
# (offset from the due day in days, kind), in order
STAGES = [
    (-30, K.BEFORE_30),
    (-10, K.BEFORE_10),
    (-3, K.BEFORE_3),
    (0, K.DUE_DAY),
    (3, K.ESCALATE_CITY),
    (10, K.ESCALATE_PROVINCE),
]
OWING_STATES = (
    Pilot.State.PLAN_DRAFTING,
    Pilot.State.PLAN_SUBMITTED,
    Pilot.State.PLAN_RETURNED,
    Pilot.State.PLAN_FILED,
    Pilot.State.IMPLEMENTING,
    Pilot.State.ACCEPTANCE_REQUESTED,
    Pilot.State.ACCEPTANCE_FORWARDED,
    Pilot.State.IN_ACCEPTANCE_REVIEW,
)
# Still building: a report is owed every year, even past the construction period's end (a late pilot).
BUILDING_STATES = OWING_STATES[:5]
DONE = (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED)
ESCALATIONS = (K.ESCALATE_CITY, K.ESCALATE_PROVINCE)


def owes_report(year: int) -> Q:
    """Pilots that owe a report for `year`: selected by then, and in the construction period or still building."""
    return Q(state__in=OWING_STATES, batch__year__lte=year) & (
        Q(batch__construction_end__year__gte=year) | Q(state__in=BUILDING_STATES)
    )


def stage_for(due: datetime.date, today: datetime.date) -> str | None:
    """The latest kind whose day has come (None before due − 30 days)."""
    due_kinds = [kind for offset, kind in STAGES if today >= due + datetime.timedelta(days=offset)]
    return due_kinds[-1] if due_kinds else None


def pilots_owing(year: int):
    """The pilots that owe a report for `year` and have not submitted it (none, a draft or a returned one)."""
    submitted = AnnualReport.objects.filter(year=year, state__in=DONE).values("pilot_id")
    return (
        Pilot.objects.filter(owes_report(year))
        .exclude(pk__in=submitted)
        .select_related("organisation", "batch")
        .order_by("organisation__name", "pk")
    )


def _message(kind: str, pilot, year: int, due: datetime.date, today: datetime.date) -> tuple[str, str]:
    name = pilot.organisation.name
    days = (due - today).days
    if kind in (K.BEFORE_30, K.BEFORE_10, K.BEFORE_3):
        return (
            f"提醒：{name}{year}年度自评报告将于{chinese_date(due)}截止报送（还剩{days}天）",
            "请尽快完成指标实际值、活动水平数据和各项任务进展的填报，并由试点单位提交。",
        )
    if kind == K.DUE_DAY:
        return (
            f"提醒：{name}{year}年度自评报告今日（{chinese_date(due)}）截止报送",
            "今日为报送截止日。逾期提交的报告仍会被接收，但将标记为逾期报送。",
        )
    whom = "市级主管部门" if kind == K.ESCALATE_CITY else "市级主管部门和省生态环境厅"
    return (
        f"{name}{year}年度自评报告已逾期{-days}天未提交",
        f"报送截止日期为{chinese_date(due)}。逾期情况已告知{whom}，请尽快提交。",
    )


def _lock_sweep(year: int) -> None:
    """Serialise concurrent sweeps of one year (a retried task next to a second beat) until commit, so
    the reminders read as already sent are all there are: what is inserted next is what is sent."""
    transaction_lock(f"reports.reminders:{year}")


def _send_all(year: int, due_rows: list[tuple], summary: dict | None) -> int:
    owing = pilots_owing(year).order_by().values("pk")
    """Store the reminder rows due and their notices together, in bulk; a row already there means already
    sent. `due_rows`: (pilot, kind, due, recipients, title, body, url)."""
    with transaction.atomic():
        _lock_sweep(year)
        sent_kinds = set(
            ReportReminder.objects.filter(year=year, pilot__in=owing).values_list("pilot_id", "kind")
        )
        new = [r for r in due_rows if (r[0].pk, r[1]) not in sent_kinds]
        if summary and ReportReminder.objects.filter(year=year, pilot=None, kind=K.LATE_SUMMARY).exists():
            summary = None
        reminders = [ReportReminder(pilot=p, year=year, kind=kind, due_on=due) for p, kind, due, *_ in new]
        if summary:
            reminders.append(
                ReportReminder(pilot=None, year=year, kind=K.LATE_SUMMARY, due_on=summary["due"])
            )
        if not reminders:
            return 0
        ReportReminder.objects.bulk_create(reminders, batch_size=500, ignore_conflicts=True)
        messages = [
            {
                "recipients": recipients,
                "kind": f"annual_report_{kind}",
                "title": title,
                "body": body,
                "url": url,
                "dedupe_key": f"report-reminder:{pilot.pk}:{year}:{kind}",
            }
            for pilot, kind, _due, recipients, title, body, url in new
        ]
        if summary:
            messages.append(
                {
                    "recipients": summary["recipients"],
                    "kind": f"annual_report_{K.LATE_SUMMARY}",
                    "title": summary["title"],
                    "body": summary["body"],
                    "url": summary["url"],
                    "dedupe_key": f"report-reminder:all:{year}:{K.LATE_SUMMARY}",
                }
            )
        return notify_many(messages)


def _year_reminders(year: int, today: datetime.date) -> int:
    """Every reminder due today for `year`'s reports: a fixed number of queries whatever the number of
    pilots (pilots, reports, reminders sent, due dates, two recipient look-ups, then the inserts)."""
    pilots = list(pilots_owing(year))
    if not pilots:
        return 0
    # the pilots as a subquery: thousands of ids as parameters cost more to send than the queries take
    owing = pilots_owing(year).order_by().values("pk")
    reports = {
        r.pilot_id: r
        for r in AnnualReport.objects.filter(year=year, pilot__in=owing).only("pk", "pilot_id", "state")
    }
    sent_kinds = set(
        ReportReminder.objects.filter(year=year, pilot__in=owing).values_list("pilot_id", "kind")
    )
    dues = ledger.due_dates(pilots, year, among=owing)  # one query for all (approved extensions)
    late = []
    province_stage = False
    due_rows = []  # (pilot, kind, due, report)
    for pilot in pilots:
        report = reports.get(pilot.pk)
        if report is not None and report.state in DONE:
            continue
        due = dues[pilot.pk]
        kind = stage_for(due, today)
        if kind is None:
            continue
        if today > due:
            late.append((pilot, due))
        if kind == K.ESCALATE_PROVINCE:
            province_stage = True
        if (pilot.pk, kind) not in sent_kinds:
            due_rows.append((pilot, kind, due, report))
    staff = users_with_role_by(Role.APPLICANT, organisations={p.organisation_id for p, *_ in due_rows})
    escalated = {p.organisation.review_unit_id for p, kind, *_ in due_rows if kind in ESCALATIONS}
    cities = users_with_role_by(Role.CITY_OFFICER, review_units=escalated - {None}) if escalated else {}
    rows = []
    list_url = reverse("reports:list")
    for pilot, kind, due, report in due_rows:
        recipients = list(staff.get(pilot.organisation_id, []))
        if kind in ESCALATIONS:
            recipients += cities.get(pilot.organisation.review_unit_id, [])
        title, body = _message(kind, pilot, year, due, today)
        url = reverse("reports:detail", args=[report.pk]) if report else list_url
        rows.append((pilot, kind, due, recipients, title, body, url))
    summary = None
    if province_stage and late and (None, K.LATE_SUMMARY) not in sent_kinds:
        lines = [f"{p.organisation.name}（截止{chinese_date(d)}，逾期{(today - d).days}天）" for p, d in late]
        summary = {
            "due": min(d for _p, d in late),
            "recipients": users_with_role(Role.PROVINCE_OFFICER),
            "title": f"{year}年度自评报告：{len(late)}个试点单位逾期未提交",
            "body": "逾期未提交的试点单位：\n" + "\n".join(lines),
            "url": reverse("reports:overview") + f"?year={year}",
        }
    if not rows and not summary:
        return 0
    return _send_all(year, rows, summary)


def annual_report_reminders(*, today: datetime.date) -> int:
    """Every reminder due today for last year's and this year's reports; returns the notices created."""
    return sum(_year_reminders(year, today) for year in (today.year - 1, today.year))
