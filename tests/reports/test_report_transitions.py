"""Annual self-assessment report state machine, through reports.services."""

import pytest
from django.utils import timezone

from core.errors import ActionNotPermitted, DomainError
from reports import services
from reports.models import AnnualReport

from ..factories import AnnualReportFactory, PilotFactory, county
from ..helpers import assert_audited, audit_for, by_state, not_permitted, refused

pytestmark = pytest.mark.django_db

R = AnnualReport.State


@pytest.fixture
def pilot(agency_org):
    pilot = PilotFactory(organisation=county("610922"), state="implementing")
    pilot.delegated_agencies.add(agency_org)
    return pilot


@pytest.fixture
def report(pilot):
    return AnnualReportFactory(pilot=pilot)


def test_report_create_is_for_the_pilot_or_its_agency_once_a_year(
    pilot, applicant_county, agency, city_ankang
):
    with pytest.raises(ActionNotPermitted):
        services.report_create(pilot=pilot, year=2026, by=city_ankang)
    report = services.report_create(pilot=pilot, year=2026, by=applicant_county)
    assert report.state == R.DRAFT
    assert audit_for(report).get().action == "reports.annualreport.create"
    for user in (applicant_county, agency):
        with pytest.raises(DomainError, match="2026年度自评报告已存在"):
            services.report_create(pilot=pilot, year=2026, by=user)
    next_year = timezone.localdate().year + 1
    with pytest.raises(DomainError, match=f"{next_year}年尚未开始"):
        services.report_create(pilot=pilot, year=next_year, by=agency)


def test_the_agency_drafts_a_report(pilot, agency):
    AnnualReport.objects.filter(pilot=pilot).delete()
    assert services.report_create(pilot=pilot, year=2026, by=agency).state == R.DRAFT


def test_submit_return_resubmit_receive(report, applicant_county, province):
    services.report_transition(report=report, name="submit", by=applicant_county)
    assert_audited(report, action="submit", actor=applicant_county, from_state=R.DRAFT, to_state=R.SUBMITTED)
    assert AnnualReport.objects.get(pk=report.pk).submitted_at is not None
    services.report_transition(report=report, name="return_for_revision", by=province, reason="缺少佐证材料")
    assert_audited(
        report,
        action="return_for_revision",
        actor=province,
        from_state=R.SUBMITTED,
        to_state=R.RETURNED,
        reason="缺少佐证材料",
    )
    services.report_transition(report=report, name="submit", by=applicant_county)
    services.report_transition(report=report, name="receive", by=province)
    assert_audited(report, action="receive", actor=province, from_state=R.SUBMITTED, to_state=R.RECEIVED)


def test_submission_requires_a_summary(report, applicant_county):
    AnnualReport.objects.filter(pk=report.pk).update(summary="  ")
    with refused(report, code="state", match="须填写总体进展概述"):
        services.report_transition(report=report, name="submit", by=applicant_county)


def test_return_requires_a_reason(report, province):
    AnnualReport.objects.filter(pk=report.pk).update(state=R.SUBMITTED)
    with refused(report, code="reason_required", match="须填写理由"):
        services.report_transition(report=report, name="return_for_revision", by=province, reason="")


@pytest.mark.parametrize(
    ("state", "name"), [(R.DRAFT, "receive"), (R.RECEIVED, "submit"), (R.RETURNED, "receive")]
)
def test_refused_by_state(state, name, report, applicant_county, province):
    AnnualReport.objects.filter(pk=report.pk).update(state=state)
    with by_state(report):
        services.report_transition(
            report=report, name=name, by=applicant_county if name == "submit" else province
        )


@pytest.mark.parametrize(
    ("state", "name", "persona"),
    [
        (R.DRAFT, "submit", "agency"),
        (R.DRAFT, "submit", "applicant_xian"),
        (R.SUBMITTED, "receive", "finance"),
        (R.SUBMITTED, "receive", "city_ankang"),
        (R.SUBMITTED, "receive", "applicant_county"),
        (R.SUBMITTED, "return_for_revision", "drc"),
    ],
)
def test_refused_by_role(state, name, persona, request, report):
    AnnualReport.objects.filter(pk=report.pk).update(state=state)
    with not_permitted(report):
        services.report_transition(report=report, name=name, by=request.getfixturevalue(persona), reason="x")


def test_unknown_action_is_refused(report, province):
    with refused(report, code="refused"):
        services.report_transition(report=report, name="delete", by=province)
