"""Security events: each kind is recorded where it happens, never with a password, append-only, kept at
least 183 days and purged after the retention period."""

import datetime

import pytest
from django.core.checks import run_checks
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from core.chain import verify
from core.models import AppendOnlyError, SecurityEvent
from core.security import MIN_RETENTION_DAYS, purge_security_events, record_security_event
from organisations.models import Membership, Role

from ..factories import (
    PASSWORD,
    PDF_BYTES,
    ApplicationFactory,
    AttachmentFactory,
    PilotFactory,
    UserFactory,
    county,
    department,
)

pytestmark = pytest.mark.django_db
K = SecurityEvent.Kind


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


def test_login_logout_and_failure_are_recorded_without_the_password(applicant_county):
    client = Client(REMOTE_ADDR="10.1.2.3")
    wrong = "wrong-Secret-987"
    name = applicant_county.username
    client.post(reverse("login"), {"username": name, "password": wrong})
    client.post(reverse("login"), {"username": name, "password": PASSWORD})
    client.post(reverse("logout"))
    [failed] = events(K.LOGIN_FAILED)
    assert failed.username == name and failed.user is None and failed.ip == "10.1.2.3"
    [login] = events(K.LOGIN)
    assert login.user == applicant_county and login.ip == "10.1.2.3" and login.path == reverse("login")
    [logout] = events(K.LOGOUT)
    assert logout.user == applicant_county
    for event in SecurityEvent.objects.all():
        stored = f"{event.summary} {event.detail} {event.path}"
        assert wrong not in stored and PASSWORD not in stored


def test_a_failed_login_with_an_unknown_name_keeps_the_name_tried(db):
    Client().post(reverse("login"), {"username": "nobody-here", "password": "x"})
    [failed] = events(K.LOGIN_FAILED)
    assert failed.username == "nobody-here"


def test_the_lockout_kind_is_ready_for_axes(applicant_county):
    event = record_security_event("lockout", user=applicant_county, detail={"failures": 5, "password": "x"})
    assert event.kind == K.LOCKOUT and event.username == applicant_county.username
    assert event.detail == {"failures": 5}  # a key naming a secret is dropped


def test_an_object_outside_the_scope_is_a_recorded_denial_and_a_missing_one_is_not(
    applicant_county, applicant_xian, client_for
):
    application = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_xian)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    [denied] = events(K.DENIED)
    assert denied.user == applicant_xian
    assert denied.detail["model"] == "applications.application"
    assert denied.detail["lookup"] == {"pk": str(application.pk)}
    assert denied.path == reverse("applications:detail", args=[application.pk])
    # An id that does not exist is an ordinary 404: nothing to record.
    assert client.get(reverse("applications:detail", args=[application.pk + 999])).status_code == 404
    assert len(events(K.DENIED)) == 1
    # The owner sees it and nothing is recorded.
    assert (
        client_for(applicant_county).get(reverse("applications:detail", args=[application.pk])).status_code
        == 200
    )
    assert len(events(K.DENIED)) == 1


def test_an_attachment_of_another_application_is_a_denial(applicant_county, client_for):
    own = ApplicationFactory(organisation=county("610922"))
    other = AttachmentFactory()
    url = reverse("applications:attachment_download", args=[own.pk, other.pk])
    assert client_for(applicant_county).get(url).status_code == 404
    [denied] = events(K.DENIED)
    assert denied.detail["model"] == "applications.attachment"


def test_an_attachment_download_is_recorded(applicant_county, client_for):
    application = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"kind": "commitment_letter", "title": "", "file": _pdf("承诺书.pdf")},
    )
    attachment = Attachment.objects.get()
    response = client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk]))
    assert response.status_code == 200
    [download] = events(K.DOWNLOAD)
    assert download.user == applicant_county
    assert download.detail["stored"] == attachment.file.name
    assert download.detail["content_type"] == "application/pdf"


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES)


def test_every_xlsx_export_is_recorded_with_its_rows(province, client_for):
    PilotFactory(organisation=county("610922"))
    PilotFactory(organisation=county("610122"))
    response = client_for(province).get(reverse("pilots:list") + "?export=xlsx")
    assert response.status_code == 200
    [export] = events(K.EXPORT)
    assert export.user == province and export.summary.endswith(".xlsx")
    assert export.detail["sheets"][0]["rows"] == 2
    # An anonymous export of the public list is recorded too.
    Client().get(reverse("publicity:pilot_list") + "?export=xlsx")
    assert [e.user for e in events(K.EXPORT)] == [province, None]


def test_role_changes_are_recorded_in_the_portal_and_in_the_admin(db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    person = UserFactory(username="newcomer")
    from ..helpers import verified_login

    client = Client()
    verified_login(client, admin)  # an administrator has passed the second factor
    finance = department("province_finance")
    response = client.post(
        reverse("admin:organisations_membership_add"),
        {"user": person.pk, "organisation": finance.pk, "role": Role.FINANCE_OFFICER, "title": "处长"},
    )
    assert response.status_code == 302, response.content[:2000]
    [grant] = events(K.ROLE_CHANGE)
    assert grant.user == admin and grant.detail["action"] == "grant"
    assert grant.detail["subject"] == "newcomer" and grant.detail["role"] == Role.FINANCE_OFFICER
    [admin_change] = events(K.ADMIN_CHANGE)
    assert admin_change.user == admin and admin_change.detail["action"] == "add"
    assert admin_change.detail["model"] == "organisations.membership"

    membership = Membership.objects.get(user=person)
    membership.role = Role.PROVINCE_OFFICER
    membership.save()
    membership.delete()
    kinds = [(e.detail["action"], e.detail["role"]) for e in events(K.ROLE_CHANGE)]
    assert kinds == [
        ("grant", Role.FINANCE_OFFICER),
        ("change", Role.PROVINCE_OFFICER),
        ("revoke", Role.PROVINCE_OFFICER),
    ]
    assert events(K.ROLE_CHANGE)[1].detail["before"]["role"] == Role.FINANCE_OFFICER


def test_security_events_are_append_only(db):
    event = record_security_event("login", username="x")
    event.summary = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_securityevent SET summary = 'x'")


def _aged(days: int, **fields) -> SecurityEvent:
    event = SecurityEvent(kind="login", created_at=timezone.now() - datetime.timedelta(days=days), **fields)
    event.save()
    return event


def test_the_purge_removes_only_events_past_the_retention_and_the_chain_still_verifies(db, settings):
    settings.PORTAL_AUDIT_ALLOW_FLUSH = False  # the SQLite triggers as in production
    settings.PORTAL_SECURITY_EVENT_RETENTION_DAYS = 200
    old = [_aged(400, username="a"), _aged(250, username="b")]
    kept = [_aged(190, username="c"), _aged(1, username="d")]
    assert purge_security_events() == 2
    left = list(SecurityEvent.objects.order_by("pk"))
    assert [e.pk for e in left[:2]] == [e.pk for e in kept]
    assert left[-1].kind == K.PURGE and left[-1].detail["deleted"] == 2
    assert not SecurityEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    verdict = verify(SecurityEvent)
    assert verdict.ok and verdict.count == 3


def test_a_retention_below_six_months_is_refused_and_the_purge_keeps_183_days(db, settings):
    settings.PORTAL_AUDIT_ALLOW_FLUSH = False
    settings.PORTAL_SECURITY_EVENT_RETENTION_DAYS = 30
    errors = [e for e in run_checks() if e.id == "core.E101"]
    assert errors and "183" in errors[0].msg
    recent = _aged(100, username="recent")
    assert purge_security_events() == 0
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
    settings.PORTAL_SECURITY_EVENT_RETENTION_DAYS = MIN_RETENTION_DAYS
    assert not [e for e in run_checks() if e.id == "core.E101"]


def test_the_database_refuses_to_delete_a_recent_event_even_inside_a_purge(db, settings):
    settings.PORTAL_AUDIT_ALLOW_FLUSH = False
    from core import security

    recent = _aged(10, username="recent")
    token = security._purging.set(True)
    try:
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('portal.audit_purge', 'on', true)")
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_securityevent WHERE id = %s", [recent.pk])
    finally:
        security._purging.reset(token)
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
