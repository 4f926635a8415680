"""Automatic reminders before the due date (3 days, on the day) once each whatever the retries, and the
province's one-click 催报: one notice per pilot not answered, never twice within a day."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.actors import system_user
from core.errors import ActionNotPermitted, DomainError
from core.models import AuditEntry, Notification
from core.tasks import send_deadline_reminders
from dispatches import services
from dispatches.models import DispatchReminder
from dispatches.reminders import dispatch_due_reminders
from pilots.models import Pilot

from ..factories import PilotFactory, member
from .conftest import FULL, answer, make_dispatch, response_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(pilots, applicant_county, applicant_xian, applicant_park):
    return {"shiquan": applicant_county, "lantian": applicant_xian, "hitech": applicant_park}


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def notices(user, kind="dispatch_deadline"):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_reminders_three_days_before_and_on_the_day_once_each(province, pilots, staff):
    dispatch = make_dispatch(province, due_in=10)
    due = dispatch.due_date
    answer(response_of(dispatch, pilots["shiquan"]), staff["shiquan"], FULL)  # answered: never reminded
    for day in (due - datetime.timedelta(days=4),):
        with at(day):
            assert dispatch_due_reminders(today=day) == 0
    for day in (due - datetime.timedelta(days=3), due - datetime.timedelta(days=2)):
        with at(day):
            for _retry in range(3):
                dispatch_due_reminders(today=day)
    assert notices(staff["lantian"]).count() == 1
    assert notices(staff["hitech"]).count() == 1
    assert "还剩3天" in notices(staff["lantian"]).get().title
    with at(due):
        send_deadline_reminders()  # the beat task itself, twice
        send_deadline_reminders()
    assert notices(staff["lantian"]).count() == 2
    assert "今日" in notices(staff["lantian"]).order_by("pk").last().title
    assert not notices(staff["shiquan"]).exists()
    rows = DispatchReminder.objects.filter(dispatch=dispatch)
    assert sorted(rows.values_list("kind", flat=True)) == ["before_3", "before_3", "due_day", "due_day"]
    assert set(rows.values_list("sent_by", flat=True)) == {system_user().pk}
    with at(due + datetime.timedelta(days=1)):
        assert dispatch_due_reminders(today=due + datetime.timedelta(days=1)) == 0
    audit = AuditEntry.objects.filter(action__startswith="dispatches.dispatch.remind_")
    assert audit.count() == 2 and all(e.actor_id == system_user().pk for e in audit)


def test_a_missed_run_is_caught_up_within_the_stage(province, pilots, staff):
    dispatch = make_dispatch(province, due_in=10)
    day = dispatch.due_date - datetime.timedelta(days=1)  # beat did not run 3 and 2 days before
    with at(day):
        assert dispatch_due_reminders(today=day) == 3
        assert dispatch_due_reminders(today=day) == 0


def test_a_second_pilot_user_gets_the_reminder_too_but_once(province, pilots, staff):
    colleague = member("applicant", pilots["lantian"].organisation)
    dispatch = make_dispatch(province, due_in=3)
    with at(dispatch.due_date - datetime.timedelta(days=3)):
        dispatch_due_reminders(today=timezone.localdate())
        dispatch_due_reminders(today=timezone.localdate())
    assert notices(colleague).count() == 1 and notices(staff["lantian"]).count() == 1


def test_urge_once_per_pilot_per_day(province, pilots, staff):
    dispatch = make_dispatch(province, due_in=2)
    answer(response_of(dispatch, pilots["shiquan"]), staff["shiquan"], FULL)
    after_due = dispatch.due_date + datetime.timedelta(days=1)
    with at(after_due):
        assert services.dispatch_urge(dispatch=dispatch, by=province) == (2, 0)
        assert services.dispatch_urge(dispatch=dispatch, by=province) == (0, 2)
    assert notices(staff["lantian"], "dispatch_urge").count() == 1
    assert notices(staff["hitech"], "dispatch_urge").count() == 1
    assert not notices(staff["shiquan"], "dispatch_urge").exists()
    with at(after_due + datetime.timedelta(days=1)):
        assert services.dispatch_urge(dispatch=dispatch, by=province) == (2, 0)
    assert notices(staff["lantian"], "dispatch_urge").count() == 2
    entries = AuditEntry.objects.filter(action="dispatches.dispatch.urge").order_by("pk")
    assert [e.data["skipped"] for e in entries] == [0, 2, 0]
    assert sorted(entries[0].data["sent"]) == sorted(["蓝田县人民政府", "西安高新技术产业开发区管委会"])


def test_urge_is_the_provinces(city_xian, province, pilots, staff):
    dispatch = make_dispatch(province)
    with pytest.raises(ActionNotPermitted):
        services.dispatch_urge(dispatch=dispatch, by=city_xian)
    for key in ("shiquan", "lantian", "hitech"):
        answer(response_of(dispatch, pilots[key]), staff[key], FULL)
    with pytest.raises(DomainError, match="无需催报"):
        services.dispatch_urge(dispatch=dispatch, by=province)
    assert not DispatchReminder.objects.exists()


def test_urge_button_on_the_page(client_for, province, pilots, staff):
    dispatch = make_dispatch(province)
    client = client_for(province)
    from django.urls import reverse

    first = client.post(reverse("dispatches:urge", args=[dispatch.pk]), follow=True).content.decode()
    assert "已向3个未报送的试点单位催报" in first
    second = client.post(reverse("dispatches:urge", args=[dispatch.pk]), follow=True).content.decode()
    assert "3个单位今日已催报过" in second
    assert Notification.objects.filter(kind="dispatch_urge").count() == 3


def test_the_sweep_and_the_urge_run_as_many_queries_for_30_pilots_as_for_3(province, batch):
    """Reminder rows, recipients and notices in bulk (services.remind_many): the number of queries does
    not grow with the number of pilots reminded, each of which is told once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisations.models import Organisation, Role

    from ..factories import county

    codes = list(
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
        .order_by("division_id")
        .values_list("division_id", flat=True)[:33]
    )
    counts = {}
    # the second dispatch concerns all 33 pilots
    for n, some in ((3, codes[:3]), (33, codes[3:])):
        for code in some:
            organisation = county(code)
            member(Role.APPLICANT, organisation, username=f"staff_{code}")
            PilotFactory(batch=batch, organisation=organisation, state=Pilot.State.IMPLEMENTING)
        dispatch = make_dispatch(province, due_in=3, title=f"调度{n}")
        day = dispatch.due_date - datetime.timedelta(days=3)
        with at(day), CaptureQueriesContext(connection) as sweep:
            assert dispatch_due_reminders(today=day) == n
        with at(day + datetime.timedelta(days=4)), CaptureQueriesContext(connection) as urge:
            assert services.dispatch_urge(dispatch=dispatch, by=province) == (n, 0)
        counts[n] = (len(sweep), len(urge))
        # only this size's dispatch is swept next
        type(dispatch).objects.filter(pk=dispatch.pk).update(state="closed")
    assert counts[3] == counts[33]
    assert Notification.objects.filter(kind="dispatch_deadline").count() == 36
    assert Notification.objects.filter(kind="dispatch_urge").count() == 36
    assert DispatchReminder.objects.count() == 72
