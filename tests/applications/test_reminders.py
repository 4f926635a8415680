"""Deadline reminders: at 7 and 1 days before, to the right people, once whatever the retries."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from applications import services
from applications.models import Batch
from applications.reminders import application_deadline_reminders, forwarding_deadline_reminders
from core.models import Notification
from core.tasks import send_deadline_reminders

from ..factories import ApplicationFactory, BatchFactory, complete_application, county, member

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def batch():
    return BatchFactory(
        application_deadline=today() + datetime.timedelta(days=7),
        forwarding_deadline=today() + datetime.timedelta(days=14),
    )


def test_applicants_with_drafts_are_reminded_once(
    batch, applicant_county, applicant_xian, django_capture_on_commit_callbacks
):
    ApplicationFactory(batch=batch, organisation=county("610922"))  # 石泉: draft
    submitted = complete_application(batch=batch, organisation=county("610122"))  # 蓝田: submitted
    services.application_submit(application=submitted, by=applicant_xian)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert application_deadline_reminders(today=today()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert application_deadline_reminders(today=today()) == 0  # a retried run sends nothing
        send_deadline_reminders()  # nor does the beat task itself, run twice
        send_deadline_reminders()
    notice = Notification.objects.get()
    assert notice.recipient == applicant_county and "还剩7天" in notice.title
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [applicant_county.email]


def test_each_stage_is_sent_once_even_after_a_missed_run(batch, applicant_county):
    ApplicationFactory(batch=batch, organisation=county("610922"))
    assert application_deadline_reminders(today=today() - datetime.timedelta(days=3)) == 0  # 10 days left
    # The run 7 days before was missed: the next day (6 days left) still sends the 7-day stage, once.
    assert application_deadline_reminders(today=today() + datetime.timedelta(days=1)) == 1
    assert application_deadline_reminders(today=today() + datetime.timedelta(days=2)) == 0
    assert application_deadline_reminders(today=today() + datetime.timedelta(days=6)) == 1  # 1 day before
    assert (
        application_deadline_reminders(today=today() + datetime.timedelta(days=8)) == 0
    )  # past the deadline


def test_city_reminder_counts_what_is_still_open(batch, city_ankang, city_xian):
    for code in ("610922", "610921"):
        application = complete_application(batch=batch, organisation=county(code))
        services.application_submit(application=application, by=member("applicant", application.organisation))
    Notification.objects.all().delete()
    assert forwarding_deadline_reminders(today=batch.forwarding_deadline - datetime.timedelta(days=7)) == 1
    notice = Notification.objects.get()
    assert notice.recipient == city_ankang
    assert "尚有2份申报书待审核，0份已推荐待报送" in notice.body
    assert forwarding_deadline_reminders(today=batch.forwarding_deadline - datetime.timedelta(days=7)) == 0


def test_closed_batches_send_nothing(batch, applicant_county):
    ApplicationFactory(batch=batch, organisation=county("610922"))
    Batch.objects.filter(pk=batch.pk).update(state=Batch.State.PUBLISHED)
    assert application_deadline_reminders(today=today()) == 0
