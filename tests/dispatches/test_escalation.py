"""Late dispatch answers escalated to the city (due + 3 days) and then the province (due + 10 days),
each escalation once whatever the retries, a missed daily run caught up with the latest stage only, and
across the year boundary (dispatches.escalation)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.actors import system_user
from core.models import AuditEntry, Notification
from core.tasks import send_deadline_reminders
from dispatches import services
from dispatches.escalation import dispatch_late_escalations, escalation_stage
from dispatches.models import DispatchReminder
from dispatches.tasks import send_dispatch_escalations

from .conftest import FULL, answer, make_dispatch, response_of

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def staff(pilots, applicant_county, applicant_xian, applicant_park):
    return {"shiquan": applicant_county, "lantian": applicant_xian, "hitech": applicant_park}


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def notices(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def opened_due_on(province, due: datetime.date):
    with at(due - datetime.timedelta(days=10)):
        return make_dispatch(province, due_in=10)


def test_stages():
    due = datetime.date(2026, 10, 10)
    assert escalation_stage(due, due + 2 * DAY) is None
    assert escalation_stage(due, due + 3 * DAY) == "late_city"
    assert escalation_stage(due, due + 9 * DAY) == "late_city"
    assert escalation_stage(due, due + 10 * DAY) == "late_province"


def test_city_then_province_once_each_whatever_the_retries(province, pilots, staff, city_xian, city_ankang):
    due = datetime.date(2026, 10, 10)
    dispatch = opened_due_on(province, due)
    with at(due - DAY):
        answer(response_of(dispatch, pilots["shiquan"]), staff["shiquan"], FULL)  # on time: never escalated
    for day in (due, due + DAY, due + 2 * DAY):
        with at(day):
            assert dispatch_late_escalations(today=day) == 0
    with at(due + 3 * DAY):
        assert dispatch_late_escalations(today=due + 3 * DAY) == 2  # 蓝田县 and 西安高新区
        for _retry in range(3):
            assert dispatch_late_escalations(today=due + 3 * DAY) == 0
            send_deadline_reminders()  # the beat runs it as well
            send_dispatch_escalations()  # and its own task
    for day in (due + 4 * DAY, due + 9 * DAY):
        with at(day):
            assert dispatch_late_escalations(today=day) == 0
    # the city bureau of 西安 is told of both of its pilots, 安康's (石泉 answered) of nothing
    assert notices(city_xian, "dispatch_late_city").count() == 2
    assert not notices(city_ankang, "dispatch_late_city").exists()
    assert notices(staff["lantian"], "dispatch_late_city").get().title.endswith("已逾期3天未报送")
    assert not Notification.objects.filter(recipient=province).exists()

    with at(due + 10 * DAY):
        for _retry in range(3):
            send_deadline_reminders()
            send_dispatch_escalations()
    assert notices(staff["lantian"], "dispatch_late_province").count() == 1
    assert notices(city_xian, "dispatch_late_province").count() == 2
    summary = notices(province, "dispatch_late_summary").get()
    assert "2个试点单位逾期未报送" in summary.title
    assert "蓝田县人民政府" in summary.body and "西安高新技术产业开发区管委会" in summary.body
    assert "石泉" not in summary.body
    assert not notices(staff["shiquan"], "dispatch_late_city").exists()

    rows = DispatchReminder.objects.filter(dispatch=dispatch, kind__startswith="late_")
    assert sorted(rows.values_list("kind", flat=True)) == ["late_city"] * 2 + ["late_province"] * 2
    assert set(rows.values_list("sent_by", flat=True)) == {system_user().pk}
    audit = AuditEntry.objects.filter(action__startswith="dispatches.dispatch.escalate_").order_by("pk")
    assert [e.action for e in audit] == [
        "dispatches.dispatch.escalate_late_city",
        "dispatches.dispatch.escalate_late_province",
    ]
    assert all(e.actor_id == system_user().pk for e in audit)


def test_a_missed_week_catches_up_with_the_latest_stage_only(province, pilots, staff, city_xian):
    due = datetime.date(2026, 10, 10)
    dispatch = opened_due_on(province, due)
    day = due + 12 * DAY  # beat down from the due date to 12 days after
    with at(day):
        assert dispatch_late_escalations(today=day) == 3
        assert dispatch_late_escalations(today=day) == 0
    kinds = set(DispatchReminder.objects.filter(dispatch=dispatch).values_list("kind", flat=True))
    assert kinds == {"late_province"}
    assert not Notification.objects.filter(kind="dispatch_late_city").exists()
    assert notices(staff["lantian"], "dispatch_late_province").count() == 1


def test_across_the_year_boundary(province, pilots, staff, city_xian):
    due = datetime.date(2026, 12, 28)
    dispatch = opened_due_on(province, due)
    day = datetime.date(2027, 1, 2)  # 5 days late, in the next year
    with at(day):
        send_deadline_reminders()
        send_deadline_reminders()
    assert notices(staff["lantian"], "dispatch_late_city").count() == 1
    assert "已逾期5天" in notices(staff["lantian"], "dispatch_late_city").get().title
    day = datetime.date(2027, 1, 7)
    with at(day):
        assert dispatch_late_escalations(today=day) == 3
    assert DispatchReminder.objects.filter(dispatch=dispatch, kind="late_province").count() == 3


def test_an_answer_after_the_city_stage_stops_the_province_stage(province, pilots, staff):
    due = datetime.date(2026, 10, 10)
    dispatch = opened_due_on(province, due)
    with at(due + 3 * DAY):
        assert dispatch_late_escalations(today=due + 3 * DAY) == 3
    with at(due + 5 * DAY):
        answer(response_of(dispatch, pilots["lantian"]), staff["lantian"], FULL)
    with at(due + 10 * DAY):
        assert dispatch_late_escalations(today=due + 10 * DAY) == 2
    assert not notices(staff["lantian"], "dispatch_late_province").exists()


def test_a_closed_dispatch_is_not_escalated(province, pilots, staff):
    due = datetime.date(2026, 10, 10)
    dispatch = opened_due_on(province, due)
    with at(due + DAY):
        services.dispatch_close(dispatch=dispatch, by=province)
    with at(due + 10 * DAY):
        assert dispatch_late_escalations(today=due + 10 * DAY) == 0
    assert not DispatchReminder.objects.filter(kind__startswith="late_").exists()
