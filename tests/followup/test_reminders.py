"""Rectification-deadline reminders of follow-up visits (followup.reminders): the pilot 7 and 1 days
before the deadline, the city bureau after it, each once whatever the retries; a missed run caught up
within the stage; across the year boundary; closed visits never reminded."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.actors import system_user
from core.models import AuditEntry, Notification
from core.tasks import send_deadline_reminders
from followup import services
from followup.models import VisitReminder
from followup.reminders import stage_for, visit_deadline_reminders
from followup.tasks import send_visit_deadline_reminders

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def visit_with_deadline(pilot, city, deadline: datetime.date, *, visit_date=None):
    visit_date = visit_date or deadline - datetime.timedelta(days=30)
    with at(visit_date):
        return services.visit_create(
            pilot=pilot,
            by=city,
            visit_date=visit_date,
            people="王处长",
            findings="光伏项目进度滞后。",
            problems="一期并网未按期完成。",
            rectification_deadline=deadline,
        )


def kinds(user):
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="followup.visit_")
        .exclude(kind="followup.visit_recorded")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_stages():
    deadline = datetime.date(2026, 6, 30)
    assert stage_for(deadline, deadline - 8 * DAY) is None
    assert stage_for(deadline, deadline - 7 * DAY) == "before_7"
    assert stage_for(deadline, deadline - 2 * DAY) == "before_7"
    assert stage_for(deadline, deadline - DAY) == "before_1"
    assert stage_for(deadline, deadline) == "before_1"  # the deadline day is still in time
    assert stage_for(deadline, deadline + DAY) == "overdue"


def test_pilot_reminded_then_city_told_once_each_whatever_the_retries(
    pilot, city_ankang, city_xian, applicant_county
):
    deadline = datetime.date(2026, 6, 30)
    visit = visit_with_deadline(pilot, city_ankang, deadline)
    day = deadline - 30 * DAY
    while day <= deadline + 5 * DAY:
        with at(day):
            visit_deadline_reminders(today=day)
            visit_deadline_reminders(today=day)  # a retry
            if day in (deadline - 7 * DAY, deadline, deadline + DAY):
                send_deadline_reminders()  # the daily beat runs it too
                send_visit_deadline_reminders()  # and its own task
        day += DAY
    assert kinds(applicant_county) == [
        "followup.visit_before_7",
        "followup.visit_before_1",
        "followup.visit_overdue",
    ]
    assert kinds(city_ankang) == ["followup.visit_overdue"]  # the city only after the deadline
    assert kinds(city_xian) == []  # another city: nothing
    overdue = Notification.objects.get(recipient=city_ankang, kind="followup.visit_overdue")
    assert "逾期1天未整改销号" in overdue.title
    rows = VisitReminder.objects.filter(visit=visit).order_by("day")
    assert [(r.kind, r.day) for r in rows] == [
        ("before_7", deadline - 7 * DAY),
        ("before_1", deadline - DAY),
        ("overdue", deadline + DAY),
    ]
    audit = AuditEntry.objects.filter(action__startswith="followup.visit.remind_")
    assert audit.count() == 3 and {e.actor_id for e in audit} == {system_user().pk}


def test_a_missed_run_is_caught_up_with_the_latest_stage_only(pilot, city_ankang, applicant_county):
    deadline = datetime.date(2026, 6, 30)
    visit_with_deadline(pilot, city_ankang, deadline)
    with at(deadline - 3 * DAY):  # beat down until 3 days before: the 7-day reminder still goes
        assert visit_deadline_reminders(today=deadline - 3 * DAY) == 1
    with at(deadline + 4 * DAY):  # beat down over the deadline: only the escalation, not "1 day before"
        assert visit_deadline_reminders(today=deadline + 4 * DAY) == 1
        assert visit_deadline_reminders(today=deadline + 4 * DAY) == 0
    assert kinds(applicant_county) == ["followup.visit_before_7", "followup.visit_overdue"]


def test_across_the_year_boundary(pilot, city_ankang, applicant_county):
    deadline = datetime.date(2026, 12, 31)
    visit = visit_with_deadline(pilot, city_ankang, deadline)
    with at(datetime.date(2027, 1, 2)):
        send_deadline_reminders()
        send_deadline_reminders()
    assert kinds(city_ankang) == ["followup.visit_overdue"]
    assert VisitReminder.objects.get(visit=visit).day == datetime.date(2027, 1, 2)


def test_closed_visits_and_visits_without_deadline_are_not_reminded(pilot, city_ankang, applicant_county):
    deadline = datetime.date(2026, 6, 30)
    visit = visit_with_deadline(pilot, city_ankang, deadline)
    with at(deadline - 40 * DAY):
        services.visit_create(
            pilot=pilot,
            by=city_ankang,
            visit_date=deadline - 40 * DAY,
            people="王处长",
            findings="运行良好。",
        )
    with at(deadline - 3 * DAY):
        services.visit_close(visit=visit, by=city_ankang, note="现场核实已整改。")
    with at(deadline + 3 * DAY):
        assert visit_deadline_reminders(today=deadline + 3 * DAY) == 0
    assert not VisitReminder.objects.exists()


def test_the_visit_page_lists_the_reminders_sent(pilot, city_ankang, applicant_county, client_for):
    from django.urls import reverse

    deadline = datetime.date(2026, 6, 30)
    visit = visit_with_deadline(pilot, city_ankang, deadline)
    with at(deadline + DAY):
        visit_deadline_reminders(today=deadline + DAY)
        page = client_for(city_ankang).get(reverse("followup:visit_detail", args=[visit.pk])).content.decode()
    assert 'data-testid="reminders"' in page and "逾期未整改，告知市级主管部门" in page
