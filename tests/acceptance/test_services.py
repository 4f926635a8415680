import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from acceptance import selectors, services
from acceptance.models import AcceptanceRequest, Decision, Line
from core.errors import ActionNotPermitted, DomainError
from core.notifications import Notification
from indicators.models import AcceptanceSystem, Indicator
from pilots.models import Pilot
from plans.models import LedgerTarget, LedgerVersion, Plan
from reports.models import AnnualReport, IndicatorActual, Quality
from reviews.self_scores import self_evaluations_for

from ..factories import AnnualReportFactory
from .conftest import COUNTY, COUNTY_TOTAL, fill

pytestmark = pytest.mark.django_db


def test_prepare_uses_the_county_system_frozen_and_one_line_per_item(draft):
    assert draft.system.kind == AcceptanceSystem.Kind.COUNTY
    assert draft.system.is_frozen
    assert draft.attempt == 1
    assert draft.state == AcceptanceRequest.State.DRAFT
    assert sorted(draft.lines.values_list("item__indicator__code", flat=True)) == sorted(COUNTY)


def test_prepare_pulls_the_report_actual_and_the_ledger_final_year_target(pilot, applicant_county):
    plan = Plan.objects.create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=2, created_by=applicant_county)
    drop = Indicator.objects.get(code="co2_intensity_drop")
    LedgerTarget.objects.create(
        version=version,
        indicator=drop,
        binding=True,
        base_year=2022,
        base_value=Decimal("0"),
        values={"2024": "10", "2025": "18"},
    )
    old = AnnualReportFactory(pilot=pilot, year=2024, state=AnnualReport.State.RECEIVED)
    new = AnnualReportFactory(pilot=pilot, year=2025, state=AnnualReport.State.SUBMITTED)
    AnnualReportFactory(pilot=pilot, year=2026, state=AnnualReport.State.DRAFT)  # a draft is not read
    for report, value in ((old, "9"), (new, "18.2")):
        IndicatorActual.objects.create(
            report=report, indicator=drop, value=Decimal(value), quality=Quality.YEARBOOK
        )
    request = services.request_prepare(pilot=pilot, by=applicant_county)
    line = request.lines.get(item__indicator=drop)
    assert (line.actual, line.actual_source) == (Decimal("18.2"), Line.Source.REPORT)
    assert (line.target, line.target_source) == (Decimal("18"), Line.Source.LEDGER)
    assert (request.report_year, request.ledger_version) == (2025, 2)
    # A pulled figure cannot be typed over.
    with pytest.raises(DomainError, match="取自年度自评报告"):
        services.request_update(request=request, by=applicant_county, lines={line.pk: {"actual": "25"}})
    with pytest.raises(DomainError, match="取自建设方案目标台账"):
        services.request_update(request=request, by=applicant_county, lines={line.pk: {"target": "10"}})


def test_live_self_scores_match_the_hand_computed_figures(draft, applicant_county):
    fill(draft, applicant_county)
    evaluation = selectors.evaluation_of(draft)
    scores = {lr.item.code: lr.self_score for lr in evaluation.lines}
    assert scores == {code: (Decimal(s) if s else None) for code, (_a, _t, s) in COUNTY.items()}
    assert evaluation.result.total == COUNTY_TOTAL
    assert evaluation.result.grade is None  # three qualitative items await the experts
    calc = {lr.item.code: lr.calculation for lr in evaluation.lines}
    assert "13.5 ÷ 15 = 90.0%" in calc["energy_intensity_drop"]
    assert evaluation.blockers == []


def test_submit_is_refused_with_everything_missing(draft, applicant_county):
    with pytest.raises(DomainError) as refused:
        services.request_submit(request=draft, by=applicant_county)
    message = refused.value.message
    assert "以下指标缺少实际值" in message and "「单位GDP二氧化碳排放较基准年降低率」" in message
    assert "以下指标缺少佐证材料" in message
    assert "未上传第三方碳核查报告" in message
    assert "未作否决项声明" in message
    draft.refresh_from_db()
    assert draft.state == AcceptanceRequest.State.DRAFT
    assert draft.pilot.state == Pilot.State.IMPLEMENTING


def test_submit_lists_missing_evidence_and_unmet_binding_indicator(draft, applicant_county):
    figures = dict(COUNTY, co2_intensity_drop=("15", "18", None))
    fill(draft, applicant_county, figures, verification=False, skip={"pm25_drop", "forest_coverage"})
    with pytest.raises(DomainError) as refused:
        services.request_submit(request=draft, by=applicant_county)
    message = refused.value.message
    assert "以下约束性指标未完成，不能申请验收：「单位GDP二氧化碳排放较基准年降低率」" in message
    assert "缺少佐证材料" in message and "PM2.5" in message
    assert "未上传第三方碳核查报告" in message
    assert "缺少实际值" not in message


def test_submit_stores_scores_moves_the_pilot_and_notifies_the_city(
    draft, applicant_county, city_ankang, django_capture_on_commit_callbacks
):
    fill(draft, applicant_county)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.request_submit(request=draft, by=applicant_county)
    assert submitted.state == AcceptanceRequest.State.SUBMITTED
    assert submitted.total == COUNTY_TOTAL and submitted.submitted_by == applicant_county
    line = submitted.lines.get(item__indicator__code="coal_share")
    assert line.self_score == Decimal("3.60") and "45 ÷ 50" in line.calculation
    submitted.pilot.refresh_from_db()
    assert submitted.pilot.state == Pilot.State.ACCEPTANCE_REQUESTED
    assert Notification.objects.filter(recipient=city_ankang, kind="acceptance.request_submitted").exists()
    assert mail.outbox
    # The provider of reviews.self_scores reads the stored lines.
    found = self_evaluations_for([submitted.pilot_id])[submitted.pilot_id]
    assert found.total == COUNTY_TOTAL
    assert found.items["coal_share"].value == Decimal("3.60")
    assert found.items["coal_share"].evidence is True
    assert found.items["annual_carbon_accounting"].value is None


def test_agency_drafts_but_never_submits(draft, pilot, agency, agency_org, applicant_county):
    pilot.delegated_agencies.add(agency_org)
    services.request_update(request=draft, by=agency, summary="由技术服务机构协助编制。")
    fill(draft, applicant_county)
    with pytest.raises(ActionNotPermitted):
        services.request_submit(request=draft, by=agency)


def test_city_returns_with_reason_then_forwards(draft, applicant_county, city_ankang, city_xian):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    with pytest.raises(DomainError, match="退回须说明理由"):
        services.request_return(request=draft, by=city_ankang, reason=" ")
    with pytest.raises(DomainError):
        services.request_forward(request=draft, by=city_xian)  # another city
    returned = services.request_return(request=draft, by=city_ankang, reason="碳核查报告未盖章，请补充。")
    assert returned.state == AcceptanceRequest.State.RETURNED and returned.is_editable
    returned.pilot.refresh_from_db()
    assert returned.pilot.state == Pilot.State.IMPLEMENTING
    assert Decision.objects.get(request=returned).reason == "碳核查报告未盖章，请补充。"
    services.request_update(request=returned, by=applicant_county, summary="已补充盖章件。")
    services.request_submit(request=returned, by=applicant_county)
    forwarded = services.request_forward(request=returned, by=city_ankang, reason="材料齐全，同意报省。")
    assert forwarded.state == AcceptanceRequest.State.FORWARDED
    forwarded.pilot.refresh_from_db()
    assert forwarded.pilot.state == Pilot.State.ACCEPTANCE_FORWARDED
    assert list(forwarded.decisions.values_list("kind", flat=True)) == ["returned", "forwarded"]


def _fail(pilot):
    Pilot.objects.filter(pk=pilot.pk).update(state=Pilot.State.ACCEPTANCE_FAILED)


def test_a_failed_pilot_requests_again_within_the_construction_period(
    draft, pilot, applicant_county, city_ankang
):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_forward(request=draft, by=city_ankang)
    _fail(pilot)
    second = services.request_prepare(pilot=pilot, by=applicant_county)
    assert second.attempt == 2
    fill(second, applicant_county)
    services.request_submit(request=second, by=applicant_county)
    pilot.refresh_from_db()
    assert pilot.state == Pilot.State.ACCEPTANCE_REQUESTED
    assert self_evaluations_for([pilot.pk])[pilot.pk].system_id == second.system_id


def test_no_request_after_the_construction_period(draft, pilot, applicant_county, city_ankang):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_forward(request=draft, by=city_ankang)
    _fail(pilot)
    pilot.batch.construction_end = timezone.localdate() - datetime.timedelta(days=1)
    pilot.batch.save()
    with pytest.raises(DomainError, match="建设期已于"):
        services.request_prepare(pilot=pilot, by=applicant_county)
    # The model's own guard refuses the bare transition too.
    from core.transitions import perform_transition

    with pytest.raises(DomainError, match="建设期已结束"):
        perform_transition(Pilot, pilot.pk, "request_acceptance", by=applicant_county)


def test_the_live_evaluation_reads_a_fixed_number_of_queries(
    draft, applicant_county, django_assert_num_queries
):
    fill(draft, applicant_county)
    with django_assert_num_queries(9):  # the system, its spec (4), lines, attachments, claims, projects
        selectors.evaluation_of(draft)


def test_the_pilot_is_told_of_the_return_and_of_the_forwarding(draft, applicant_county, city_ankang):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_return(request=draft, by=city_ankang, reason="请补充碳核查报告盖章页。")
    notice = Notification.objects.get(recipient=applicant_county, kind="acceptance.request_returned")
    assert notice.body == "请补充碳核查报告盖章页。"
    services.request_submit(request=draft, by=applicant_county)
    services.request_forward(request=draft, by=city_ankang)
    assert Notification.objects.filter(
        recipient=applicant_county, kind="acceptance.request_forwarded"
    ).exists()


def test_a_draft_prepared_in_time_cannot_be_submitted_once_the_period_is_over(draft, pilot, applicant_county):
    fill(draft, applicant_county)
    pilot.batch.construction_end = timezone.localdate() - datetime.timedelta(days=1)
    pilot.batch.save()
    with pytest.raises(DomainError, match="建设期已于"):
        services.request_submit(request=draft, by=applicant_county)
    # An extension granted to the pilot reopens it.
    Pilot.objects.filter(pk=pilot.pk).update(construction_extended_to=timezone.localdate())
    assert (
        services.request_submit(request=draft, by=applicant_county).state == AcceptanceRequest.State.SUBMITTED
    )
