"""The auditor: sees the security events and the audit trail (search, filters, pages, export, chain
verification) and nothing else; nobody else reaches these pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import record
from core.models import AuditEntry, SecurityEvent
from core.security import record_security_event
from organisations.models import Organisation, Role

from .. import export_checks
from ..conftest import PERSONAS
from ..factories import ApplicationFactory, UserFactory, county, department, member

pytestmark = pytest.mark.django_db

SECURITY_PAGES = ("security:events", "security:audit", "security:verify")


@pytest.fixture
def auditor(db):
    return member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY), username="auditor")


def _event(kind, username, days_ago=0, summary=""):
    event = SecurityEvent(
        kind=kind,
        username=username,
        summary=summary,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    event.save()
    return event


def test_the_auditor_sees_the_events_and_searches_them(auditor, client_for):
    _event("login", "zhangsan", days_ago=3, summary="早先登录")
    _event("login_failed", "lisi", summary="lisi")
    _event("export", "zhangsan", summary="申报书列表.xlsx")
    client = client_for(auditor)
    url = reverse("security:events")

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [(e.kind, e.username) for e in response.context["page"]]

    everything = shown()
    assert ("login_failed", "lisi") in everything and ("export", "zhangsan") in everything
    assert shown(kind="login_failed") == [("login_failed", "lisi")]
    assert shown(user="zhangsan", kind="export") == [("export", "zhangsan")]
    assert shown(q="列表") == [("export", "zhangsan")]
    today = timezone.localdate()
    old = (today - datetime.timedelta(days=3)).isoformat()
    assert shown(date_from=old, date_to=old) == [("login", "zhangsan")]
    assert ("login", "zhangsan") not in shown(date_from=today.isoformat(), user="zhangsan")
    response = client.get(url, {"date_from": today.isoformat(), "date_to": old})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_the_auditor_exports_what_the_filters_show(auditor, client_for):
    _event("login_failed", "lisi", summary="lisi")
    _event("export", "zhangsan", summary="x")
    response = client_for(auditor).get(reverse("security:events"), {"kind": "login_failed", "export": "xlsx"})
    table = export_checks.read_response(response)["安全事件"]
    usernames = [row["用户名"] for row in table.rows]
    assert usernames == ["lisi"]
    # The export is itself a security event.
    assert SecurityEvent.objects.filter(kind="export", user=auditor).exists()


def test_the_auditor_searches_and_exports_the_business_audit_trail(auditor, client_for):
    application = ApplicationFactory(organisation=county("610922"))
    officer = UserFactory(username="officer1", full_name="王科长")
    record(application, actor=officer, action="edit", label="修改申报书", reason="补充材料")
    record(application, actor=None, action="remind", label="提醒", reason="系统提醒")
    client = client_for(auditor)
    response = client.get(reverse("security:audit"), {"user": "王科长"})
    assert [e.reason for e in response.context["page"]] == ["补充材料"]
    response = client.get(reverse("security:audit"), {"q": "系统提醒", "export": "xlsx"})
    table = export_checks.read_response(response)["操作记录"]
    assert [row["说明/理由"] for row in table.rows] == ["系统提醒"]


def test_the_verify_page_reports_ok_then_the_broken_entry(auditor, client_for):
    application = ApplicationFactory(organisation=county("610922"))
    entries = [record(application, actor=None, action="edit", label="修改", reason=str(i)) for i in range(3)]
    client = client_for(auditor)
    # POST queues the verification (inline in tests); its verdict is a security event the page lists.
    assert client.post(reverse("security:verify")).status_code == 302
    [run] = client.get(reverse("security:verify")).context["runs"]
    verdicts = {v["chain"]: v for v in run.detail["verdicts"]}
    assert run.user == auditor and run.detail["ok"]
    assert verdicts["audit"]["ok"] and verdicts["audit"]["count"] == AuditEntry.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
        cursor.execute("UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [entries[1].pk])
    client.post(reverse("security:verify"))
    response = client.get(reverse("security:verify"))
    latest = response.context["runs"][0]
    verdicts = {v["chain"]: v for v in latest.detail["verdicts"]}
    assert not latest.detail["ok"] and verdicts["audit"]["broken_id"] == entries[1].pk
    assert verdicts["audit"]["problem"] == "changed"
    assert f"记录编号 {entries[1].pk}" in response.content.decode()


def test_the_nightly_verification_is_recorded_without_a_person(db):
    from core.tasks import verify_audit_chains

    assert verify_audit_chains() is True
    run = SecurityEvent.objects.get(kind="verify")
    assert run.user is None and run.detail["ok"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_other_role_reaches_the_audit_pages(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    for name in SECURITY_PAGES:
        assert client.get(reverse(name)).status_code == 404, (persona, name)
    assert client.post(reverse("security:verify")).status_code == 404


def test_an_administrator_without_the_role_does_not_reach_them_either(client_for):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(admin).get(reverse("security:events")).status_code == 404


def test_the_auditor_sees_nothing_else(auditor, client_for, province):
    application = ApplicationFactory(organisation=county("610922"))
    client = client_for(auditor)
    for url in (
        reverse("applications:list"),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:batch_list"),
        reverse("pilots:list"),
        reverse("reports:list"),
        reverse("reviews:list"),
        reverse("reviews:my_assignments"),
        reverse("reviews:experts"),
        reverse("admin:index"),
        reverse("pilots:list") + "?export=xlsx",
    ):
        assert client.get(url).status_code == 404, url
    # Even when the account also holds another role.
    member_of_both = member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY))
    from organisations.models import Membership

    Membership.objects.create(
        user=member_of_both,
        organisation=department(Organisation.Kind.PROVINCE_ECOLOGY),
        role=Role.PROVINCE_OFFICER,
    )
    assert client_for(member_of_both).get(reverse("applications:list")).status_code == 404
    # What is left: the audit pages, the dashboard (its links), the public pages.
    assert client.get(reverse("dashboard:dashboard")).status_code == 200
    assert client.get(reverse("publicity:pilot_list")).status_code == 200


def test_the_auditor_menu_and_dashboard_lead_to_the_audit_pages_only(auditor, client_for):
    from dashboard.selectors import dashboard_for, menu_for

    assert [item.key for item in menu_for(auditor)] == [
        "dashboard",
        "security_events",
        "audit_trail",
        "audit_verify",
    ]
    board = dashboard_for(auditor)
    assert not board.tasks
    assert {link.url for link in board.links} == {reverse(n) for n in SECURITY_PAGES}


@pytest.mark.parametrize("page", ["security:events", "security:audit"])
def test_the_audit_lists_run_a_fixed_number_of_queries(page, auditor, client_for):
    client = client_for(auditor)
    application = ApplicationFactory(organisation=county("610922"))

    def grow(n):
        for i in range(n):
            actor = UserFactory()
            record(application, actor=actor, action="edit", label="修改", reason=str(i))
            record_security_event("login", user=actor)

    def count():
        client.get(reverse(page))  # warm caches (content types, the session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page)).status_code == 200
        return len(queries)

    grow(3)
    small = count()
    grow(30)
    assert count() == small
