"""Lateness, editing after submission, city opinion, receipt and its withdrawal, the yearly evaluation,
and two officers acting on the same report at once."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.db import close_old_connections
from django.urls import reverse

from core.errors import DomainError
from reports import services
from reports.models import AnnualReport, CityOpinion, ReportEvaluation

from ..factories import AnnualReportFactory, PilotFactory, county
from ..helpers import not_permitted, refused

pytestmark = pytest.mark.django_db
R = AnnualReport.State
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return time_machine.travel(datetime.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def pilot(agency_org):
    pilot = PilotFactory(organisation=county("610922"), state="implementing")
    pilot.delegated_agencies.add(agency_org)
    return pilot


@pytest.fixture
def report(pilot):
    return AnnualReportFactory(pilot=pilot, year=2026)


def test_submitted_on_the_due_day_is_on_time(report, applicant_county):
    with at(2026, 12, 10, 23):
        services.report_transition(report=report, name="submit", by=applicant_county)
    report.refresh_from_db()
    assert (report.state, report.is_late, report.due_on) == (R.SUBMITTED, False, datetime.date(2026, 12, 10))


def test_a_late_report_is_accepted_and_marked_late(report, applicant_county, province, client_for):
    with at(2026, 12, 11, 8):
        services.report_transition(report=report, name="submit", by=applicant_county)
    report.refresh_from_db()
    assert report.state == R.SUBMITTED and report.is_late
    page = client_for(province).get(reverse("reports:detail", args=[report.pk])).text
    assert "逾期报送" in page


def test_a_report_for_a_year_not_begun_is_refused(pilot, applicant_county):
    with at(2026, 12, 1), pytest.raises(DomainError, match="2027年尚未开始"):
        services.report_create(pilot=pilot, year=2027, by=applicant_county)
    with at(2027, 1, 2):
        assert services.report_create(pilot=pilot, year=2027, by=applicant_county).year == 2027


def test_editing_after_submission_is_refused_until_returned(
    report, applicant_county, agency, province, client_for
):
    services.report_transition(report=report, name="submit", by=applicant_county)
    with refused(report, code="state", match="退回前不能修改"):
        services.report_update(report=report, by=agency, section="general", fields={"summary": "改"})
    response = client_for(applicant_county).post(
        reverse("reports:edit", args=[report.pk, "general"]), {"summary": "改了"}
    )
    report.refresh_from_db()
    assert report.summary != "改了" and response.status_code == 200
    services.report_transition(report=report, name="return_for_revision", by=province, reason="补充佐证")
    services.report_update(report=report, by=agency, section="general", fields={"summary": "已补充"})
    report.refresh_from_db()
    assert report.summary == "已补充"


def test_the_agency_drafts_but_does_not_submit(report, agency):
    services.report_update(report=report, by=agency, section="tasks", fields={"problems": "资金到位慢"})
    with not_permitted(report):
        services.report_transition(report=report, name="submit", by=agency)


def test_city_opinion_only_by_the_city_of_the_review_unit(
    report, applicant_county, city_ankang, city_xian, province
):
    with not_permitted(report):  # a draft is the pilot's own
        services.report_add_city_opinion(report=report, by=city_ankang, text="草稿不可见")
    services.report_transition(report=report, name="submit", by=applicant_county)
    with not_permitted(report):
        services.report_add_city_opinion(report=report, by=city_xian, text="越权")
    services.report_add_city_opinion(report=report, by=city_ankang, text="同意报送，建议加快光伏项目。")
    assert list(CityOpinion.objects.filter(report=report).values_list("text", flat=True)) == [
        "同意报送，建议加快光伏项目。"
    ]


def test_receipt_withdrawal_needs_a_reason_and_no_evaluation(
    report, applicant_county, province, city_ankang, client_for
):
    services.report_transition(report=report, name="submit", by=applicant_county)
    services.report_transition(report=report, name="receive", by=province)
    report.refresh_from_db()
    with refused(report, code="reason_required"):
        services.report_transition(report=report, name="withdraw_receipt", by=province, reason="")
    services.report_transition(report=report, name="withdraw_receipt", by=province, reason="误接收")
    report.refresh_from_db()
    assert report.state == R.SUBMITTED
    services.report_transition(report=report, name="receive", by=province)
    with not_permitted(report):
        services.report_evaluate(report=report, by=city_ankang, rating="good", opinion="x")
    services.report_evaluate(report=report, by=province, rating="good", opinion="目标任务总体按进度推进。")
    report.refresh_from_db()
    with refused(report, code="state", match="已作出年度评估"):
        services.report_transition(report=report, name="withdraw_receipt", by=province, reason="再撤回")
    with pytest.raises(DomainError, match="已作出年度评估"):
        services.report_evaluate(report=report, by=province, rating="excellent", opinion="再评")
    for user in (applicant_county, city_ankang):
        page = client_for(user).get(reverse("reports:detail", args=[report.pk])).text
        assert "良好" in page and "目标任务总体按进度推进。" in page


def test_evaluation_only_of_a_received_report(report, applicant_county, province):
    services.report_transition(report=report, name="submit", by=applicant_county)
    with pytest.raises(DomainError, match="只有已接收的报告"):
        services.report_evaluate(report=report, by=province, rating="good", opinion="x")
    assert not ReportEvaluation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins(require_postgres, pilot, applicant_county, province):
    from organisations.models import Organisation, Role

    from ..factories import department, member

    other = member(
        Role.PROVINCE_OFFICER, department(Organisation.Kind.PROVINCE_ECOLOGY), username="province2"
    )
    report = AnnualReportFactory(pilot=pilot, year=2026)
    services.report_transition(report=report, name="submit", by=applicant_county)
    barrier = threading.Barrier(2)
    results = {}

    def act(name, user, reason):
        try:
            barrier.wait()
            services.report_transition(report=report, name=name, by=user, reason=reason)
            results[name] = "ok"
        except DomainError as error:
            results[name] = error.message
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=act, args=("receive", province, "")),
        threading.Thread(target=act, args=("return_for_revision", other, "数据不全")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v == "ok" for v in results.values()) == [False, True]
    loser = next(v for v in results.values() if v != "ok")
    assert "当前状态为" in loser
    report.refresh_from_db()
    assert report.state in (R.RECEIVED, R.RETURNED)
