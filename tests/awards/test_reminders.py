"""The finance officers are told of a planned instalment 7 days before its date and on the day, once each
whatever the retries or a second beat; a disbursed or cancelled one is never announced."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.reminders import instalment_reminders
from core.models import Notification
from core.tasks import send_deadline_reminders

from .conftest import award

pytestmark = pytest.mark.django_db

D = datetime.date


def notices(user):
    return Notification.objects.filter(recipient=user, kind="awards_instalment_due").order_by("pk")


def test_an_instalment_is_announced_a_week_before_and_on_the_day_once_each(pilot, caps, finance, settings):
    granted = award(pilot, finance, amount="200")
    first = services.instalment_plan(award=granted, amount="120", planned_date=D(2026, 12, 10), by=finance)
    later = services.instalment_plan(award=granted, amount="80", planned_date=D(2027, 3, 1), by=finance)
    assert instalment_reminders(today=D(2026, 12, 2)) == 0  # 8 days before: too early
    for _retry in range(2):
        instalment_reminders(today=D(2026, 12, 3))
    instalment_reminders(today=D(2026, 12, 5))  # a later run in the same stage: nothing new
    (notice,) = notices(finance)
    assert "第1期" in notice.title and "120.00万元" in notice.title and "2026年12月10日" in notice.title
    assert notice.url.endswith(f"/awards/{granted.pk}/")
    assert instalment_reminders(today=D(2026, 12, 10)) == 1
    assert instalment_reminders(today=D(2026, 12, 10)) == 0
    assert "今日" in notices(finance).last().title
    assert instalment_reminders(today=D(2026, 12, 11)) == 0  # past its date: the to-do list, not mail
    assert not notices(finance).filter(title__contains="第2期").exists()
    assert later.pk and first.pk
    assert "awards.reminders.instalment_reminders" in settings.PORTAL_REMINDERS


def test_a_disbursed_instalment_is_not_announced(pilot, caps, finance):
    granted = award(pilot, finance, amount="200")
    planned = services.instalment_plan(award=granted, amount="120", planned_date=D(2026, 12, 10), by=finance)
    services.instalment_disburse(
        instalment=planned, disbursed_on=D(2026, 11, 30), payment_document="陕财资环〔2026〕88号", by=finance
    )
    assert instalment_reminders(today=D(2026, 12, 10)) == 0


def test_the_sweep_runs_as_many_queries_for_ten_instalments_as_for_one(pilot, park_pilot, caps, finance):
    counts = []
    for n, target in ((1, pilot), (10, park_pilot)):
        granted = award(target, finance, amount="200", basis=f"陕财办资环〔2026〕{n}号")
        for k in range(n):
            services.instalment_plan(
                award=granted, amount="10", planned_date=D(2026, 12, 10 + (k % 2)), by=finance
            )
        with CaptureQueriesContext(connection) as queries:
            assert instalment_reminders(today=D(2026, 12, 4)) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert send_deadline_reminders() >= 0  # registered with the beat's task and runs there
