"""In-app notices and their e-mails: right recipients, sent after commit, never twice, never lost."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications import services as app_services
from applications.models import Application, Batch
from core import tasks
from core.models import Notification
from core.notifications import notify
from pilots import services as pilot_services
from pilots.models import Pilot
from reports import services as report_services

from ..factories import (
    AnnualReportFactory,
    ApplicationFactory,
    BatchFactory,
    PilotFactory,
    UserFactory,
    complete_application,
    county,
)
from ..helpers import audit_for

S = Application.State


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def batch(db):
    return BatchFactory()


@pytest.mark.django_db
def test_submission_notifies_the_city_officers_of_the_applicants_unit_only(
    batch,
    applicant_county,
    city_ankang,
    city_ankang_2,
    city_xian,
    province,
    django_capture_on_commit_callbacks,
):
    draft = complete_application(batch=batch, organisation=county("610922"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        app_services.application_submit(application=draft, by=applicant_county)
        assert mail.outbox == []  # nothing is sent before the commit
    assert recipients("application_submitted") == {"city_ankang", "city_ankang_2"}
    notice = Notification.objects.filter(kind="application_submitted").first()
    assert notice.url == reverse("applications:detail", args=[draft.pk])
    assert "石泉县人民政府" in notice.title
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([city_ankang.email, city_ankang_2.email])
    assert all(m.subject.startswith("【陕西低碳试点】") for m in mail.outbox)
    assert reverse("applications:detail", args=[draft.pk]) in mail.outbox[0].body
    assert Notification.objects.filter(kind="application_submitted", emailed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_city_decisions_notify_the_applicants_staff(batch, applicant_county, applicant_xian, city_ankang):
    submitted = ApplicationFactory(batch=batch, organisation=county("610922"), state=S.SUBMITTED)
    app_services.application_return(application=submitted, by=city_ankang, reason="请补充")
    assert recipients("application_returned") == {"shiquan"}


@pytest.mark.django_db
def test_forwarding_notifies_province_and_applicant(batch, applicant_county, city_ankang, province, finance):
    recommended = ApplicationFactory(batch=batch, organisation=county("610922"), state=S.RECOMMENDED)
    app_services.application_forward(application=recommended, by=city_ankang)
    assert recipients("application_forwarded") == {"province", "shiquan"}


@pytest.mark.django_db
def test_batch_opening_notifies_applicants(province, applicant_county, applicant_park, city_xian):
    batch = BatchFactory(state=Batch.State.DRAFT)
    app_services.batch_transition(batch=batch, name="open", by=province)
    assert recipients("batch_opened") == {"shiquan", "xian_hitech"}


@pytest.mark.django_db
def test_report_submission_notifies_province_and_finance(
    applicant_county, province, finance, drc, city_ankang
):
    report = AnnualReportFactory(
        pilot=PilotFactory(organisation=county("610922"), state=Pilot.State.IMPLEMENTING)
    )
    report_services.report_transition(report=report, name="submit", by=applicant_county)
    assert recipients("report_submitted") == {"province", "finance"}


@pytest.mark.django_db
def test_pilot_stage_change_notifies_the_pilots_staff(applicant_county, applicant_xian, province):
    pilot = PilotFactory(organisation=county("610922"), state=Pilot.State.PLAN_SUBMITTED)
    pilot_services.pilot_transition(pilot=pilot, name="file_plan", by=province)
    assert recipients("pilot_stage") == {"shiquan"}


@pytest.mark.django_db
def test_rolled_back_transition_sends_nothing(
    batch, applicant_county, city_ankang, django_capture_on_commit_callbacks
):
    draft = complete_application(batch=batch, organisation=county("610922"))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        app_services.application_submit(application=draft, by=applicant_county)
        raise RuntimeError("something later in the same request failed")
    assert Application.objects.get(pk=draft.pk).state == S.DRAFT
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_notification_email_is_sent_once(db):
    notice = Notification.objects.create(recipient=UserFactory(), kind="test", title="请审核申报书")
    assert tasks.send_notification_email(notice.pk) is True
    assert tasks.send_notification_email(notice.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "【陕西低碳试点】请审核申报书"
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.email_attempts == 1


@pytest.mark.django_db
def test_no_email_for_users_without_address_or_notices_without_email(db):
    silent = Notification.objects.create(recipient=UserFactory(), kind="t", title="t", send_email=False)
    no_address = Notification.objects.create(recipient=UserFactory(email=""), kind="t", title="t")
    assert tasks.send_notification_email(silent.pk) is False
    assert tasks.send_notification_email(no_address.pk) is False
    assert tasks.send_notification_email(999999) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_notify_with_the_same_dedupe_key_stores_one_notice(django_capture_on_commit_callbacks):
    users = [UserFactory(), UserFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(users, kind="reminder", title="申报截止前7天提醒", dedupe_key="deadline:1:7d")
        second = notify(users, kind="reminder", title="申报截止前7天提醒", dedupe_key="deadline:1:7d")
    assert len(first) == 2 and second == []
    assert Notification.objects.filter(kind="reminder").count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_inactive_users_get_nothing(db):
    inactive = UserFactory(is_active=False)
    assert notify([inactive, None], kind="t", title="t") == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transition_commits_when_the_broker_is_down_and_the_sweep_sends_later(
    batch, applicant_county, city_ankang
):
    draft = complete_application(batch=batch, organisation=county("610922"))
    with mock.patch.object(
        tasks.send_notification_email, "apply_async", side_effect=ConnectionError("Redis unreachable")
    ) as apply_async:
        app_services.application_submit(application=draft, by=applicant_county)
    assert apply_async.called
    assert Application.objects.get(pk=draft.pk).state == S.SUBMITTED
    assert audit_for(draft).filter(action="applications.application.submit").count() == 1
    notice = Notification.objects.get(kind="application_submitted")
    assert notice.emailed_at is None and mail.outbox == []

    assert tasks.sweep_outbox() == 0  # too recent: the normal path may still deliver it
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert tasks.sweep_outbox() >= 1
    assert [m.to for m in mail.outbox] == [[city_ankang.email]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    tasks.sweep_outbox()
    assert len(mail.outbox) == 1  # swept again: nothing sent twice
