"""Reminders and escalation: once each whatever the retries, a missed run catches up with the latest kind
only, and a 2026 report is still escalated on 2 January 2027."""

import datetime
import zoneinfo

import pytest
import time_machine

from core.models import Notification
from reports import services
from reports.models import ReportReminder
from reports.reminders import annual_report_reminders, stage_for
from reports.tasks import send_annual_report_reminders

from ..factories import AnnualReportFactory, BatchFactory, PilotFactory, county

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def run_on(day: D) -> int:
    """The beat task as it runs on `day` (today comes from the clock)."""
    with time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 8, 40, tzinfo=SHANGHAI), tick=False
    ):
        return send_annual_report_reminders()


@pytest.fixture
def pilots(applicant_county, applicant_xian):
    batch = BatchFactory(state="published", year=2026, construction_end=D(2028, 12, 31))
    late = PilotFactory(batch=batch, organisation=county("610922"), state="implementing")
    done = PilotFactory(batch=batch, organisation=county("610122"), state="implementing")
    return late, done


def kinds(pilot, year=2026):
    return sorted(ReportReminder.objects.filter(pilot=pilot, year=year).values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (D(2026, 11, 9), None),
        (D(2026, 11, 10), "before_30"),
        (D(2026, 11, 30), "before_10"),
        (D(2026, 12, 7), "before_3"),
        (D(2026, 12, 10), "due_day"),
        (D(2026, 12, 12), "due_day"),
        (D(2026, 12, 13), "escalate_city"),
        (D(2026, 12, 20), "escalate_province"),
        (D(2027, 1, 2), "escalate_province"),
    ],
)
def test_stage_for(today, kind):
    assert stage_for(D(2026, 12, 10), today) == kind


def test_each_reminder_once_whatever_the_retries(pilots, applicant_county, applicant_xian):
    late, done = pilots
    report = AnnualReportFactory(pilot=done, year=2026)
    services.report_transition(report=report, name="submit", by=applicant_xian)
    assert run_on(D(2026, 11, 10)) == 1
    assert run_on(D(2026, 11, 10)) == 0  # retried
    assert annual_report_reminders(today=D(2026, 11, 10)) == 0  # and the generic daily runner
    assert kinds(late) == ["before_30"] and kinds(done) == []
    notice = Notification.objects.get(recipient=applicant_county, kind="annual_report_before_30")
    assert "2026年12月10日" in notice.title and "还剩30天" in notice.title


def test_a_missed_run_catches_up_with_the_latest_kind_only(pilots, applicant_county, city_ankang):
    late, _done = pilots
    run_on(D(2026, 11, 30))
    # beat down from 1 to 12 December: before_3 and due_day were never sent; on the 13th only escalate_city
    assert run_on(D(2026, 12, 13)) >= 2  # the pilot's staff and the city bureau
    assert kinds(late) == ["before_10", "escalate_city"]
    assert Notification.objects.filter(recipient=city_ankang, kind="annual_report_escalate_city").count() == 1
    assert not Notification.objects.filter(
        kind__in=["annual_report_before_3", "annual_report_due_day"]
    ).exists()


def test_escalation_across_the_year_boundary(pilots, province, applicant_county, applicant_xian):
    late, done = pilots
    AnnualReportFactory(pilot=done, year=2026)  # a draft is not a submission: both are late
    run_on(D(2026, 12, 13))
    assert run_on(D(2027, 1, 2)) > 0
    assert run_on(D(2027, 1, 2)) == 0
    assert run_on(D(2027, 1, 3)) == 0
    assert kinds(late) == ["escalate_city", "escalate_province"]
    summary = Notification.objects.get(recipient=province, kind="annual_report_late_summary")
    assert summary.title == "2026年度自评报告：2个试点单位逾期未提交"
    assert (
        "石泉县人民政府" in summary.body and "蓝田县人民政府" in summary.body and "逾期23天" in summary.body
    )
    assert ReportReminder.objects.filter(pilot=None, year=2026, kind="late_summary").count() == 1


def test_a_late_submission_stops_the_escalation(pilots, applicant_county):
    late, _done = pilots
    report = AnnualReportFactory(pilot=late, year=2026)
    run_on(D(2026, 12, 13))
    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, tzinfo=SHANGHAI), tick=False):
        services.report_transition(report=report, name="submit", by=applicant_county)
    run_on(D(2026, 12, 21))
    assert kinds(late) == ["escalate_city"]
    report.refresh_from_db()
    assert report.is_late


def test_an_approved_extension_moves_the_reminders_and_the_late_mark(pilots, applicant_county, province):
    from plans.models import ChangeDecision, ChangeRequest, DueKind

    late, _done = pilots
    extension = ChangeRequest.objects.create(
        pilot=late,
        kind=ChangeRequest.Kind.EXTENSION,
        due_kind=DueKind.ANNUAL_REPORT,
        due_year=2026,
        new_due_date=D(2026, 12, 31),
        reasons="统计数据发布推迟",
        created_by=applicant_county,
    )
    ChangeRequest.objects.filter(pk=extension.pk).update(state=ChangeRequest.State.APPROVED)
    ChangeDecision.objects.create(request=extension, approved=True, decided_by=province)
    run_on(D(2026, 12, 13))
    assert kinds(late) == ["before_30"]  # 18 days before the new due day
    report = AnnualReportFactory(pilot=late, year=2026)
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, tzinfo=SHANGHAI), tick=False):
        services.report_transition(report=report, name="submit", by=applicant_county)
    report.refresh_from_db()
    assert (report.due_on, report.is_late) == (D(2026, 12, 31), False)


def test_a_pilot_still_building_after_its_construction_period_still_owes_a_report(
    applicant_county, applicant_xian
):
    batch = BatchFactory(state="published", year=2023, construction_end=D(2025, 12, 31))
    building = PilotFactory(batch=batch, organisation=county("610922"), state="implementing")
    in_acceptance = PilotFactory(batch=batch, organisation=county("610122"), state="acceptance_requested")
    run_on(D(2026, 11, 30))
    assert kinds(building) == ["before_10"] and kinds(in_acceptance) == []


def test_the_sweep_runs_as_many_queries_for_30_pilots_as_for_3(province, city_ankang):
    """Recipients read once for all pilots, reminders and notices inserted in bulk: the number of queries
    does not grow with the number of pilots reminded (each with its own staff; escalated to the city)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisations.models import Organisation, Role

    from ..conftest import member

    codes = list(
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
        .order_by("division_id")
        .values_list("division_id", flat=True)[:33]
    )
    batch = BatchFactory(state="published", year=2026, construction_end=D(2028, 12, 31))

    def pilots_for(some):
        for code in some:
            organisation = county(code)
            member(Role.APPLICANT, organisation, username=f"staff_{code}")
            PilotFactory(batch=batch, organisation=organisation, state="implementing")

    counts = {}
    for n, some, day in ((3, codes[:3], D(2026, 11, 10)), (30, codes[3:], D(2026, 11, 10))):
        pilots_for(some)
        with CaptureQueriesContext(connection) as queries:
            sent = annual_report_reminders(today=day)
        assert sent == n  # one notice to each new pilot's staff
        counts[n] = len(queries)
    assert counts[3] == counts[30]
    # the escalation (city officers, the province's summary) as well: 33 pilots at once
    with CaptureQueriesContext(connection) as escalation:
        sent = annual_report_reminders(today=D(2026, 12, 20))
    assert sent == 33 + Notification.objects.filter(recipient=city_ankang).count() + 1
    assert len(escalation) <= counts[30] + 4
    assert annual_report_reminders(today=D(2026, 12, 20)) == 0
