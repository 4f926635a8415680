"""Change and extension requests: city opinion, province decision, ledger versions, due dates."""

import datetime
from decimal import Decimal

import pytest

from plans import selectors, services
from plans.models import ChangeRequest, DueKind, LedgerVersion, Plan

from ..helpers import assert_audited, by_state, not_permitted, refused
from .data import fill_plan, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(pilot, applicant_county, province, agency):
    plan = services.plan_start(pilot=pilot, by=applicant_county)
    fill_plan(plan, agency)
    services.plan_submit(plan=plan, by=applicant_county)
    services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕9号")
    pilot.refresh_from_db()
    return Plan.objects.get(pk=plan.pk)


def test_an_approved_target_change_creates_a_new_ledger_version(
    filed, pilot, applicant_county, city_ankang, city_xian, province
):
    paths = selectors.target_path(pilot)
    forest = paths["forest_coverage"]
    year = sorted(forest.values)[-1]
    old_value = forest.values[year]
    request = services.change_request_create(
        pilot=pilot,
        by=applicant_county,
        kind=ChangeRequest.Kind.TARGET,
        indicator=forest.indicator,
        target_values={year: Decimal("46.1")},
        binding=False,
        reasons="国土绿化空间调整，目标年森林覆盖率按林业部门核定值调整。",
        evidence=pdf_upload("林业部门核定函.pdf"),
    )
    assert request.state == ChangeRequest.State.SUBMITTED
    assert (
        request.current["values"][str(year)] == str(old_value)
        or Decimal(request.current["values"][str(year)]) == old_value
    )

    # nothing changes before the province decides
    assert selectors.target_path(pilot)["forest_coverage"].values[year] == old_value
    with not_permitted(request):
        services.change_give_city_opinion(request=request, by=city_xian, supports=True, opinion="同意")
    with by_state(request):
        services.change_decide(request=request, by=province, approve=True)  # not yet: city first
    services.change_give_city_opinion(
        request=request, by=city_ankang, supports=True, opinion="情况属实，同意调整。"
    )
    with not_permitted(request):
        services.change_decide(request=request, by=city_ankang, approve=True)
    services.change_decide(request=request, by=province, approve=True, reason="同意。")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert (request.decision.approved, request.decision.decided_by) == (True, province)
    assert_audited(
        request,
        action="approve",
        actor=province,
        from_state="city_reviewed",
        to_state="approved",
        reason="同意。",
    )

    versions = list(LedgerVersion.objects.filter(pilot=pilot).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_request == request
    # the old version stays as it was; the current path is the new one
    assert Decimal(versions[0].targets.get(indicator__code="forest_coverage").values[str(year)]) == old_value
    current = selectors.target_path(pilot)["forest_coverage"]
    assert (current.ledger_version, current.values[year]) == (2, Decimal("46.1"))
    # the other indicator is carried over unchanged
    assert selectors.target_path(pilot)["co2_intensity_drop"].values == paths["co2_intensity_drop"].values


def test_a_refused_change_needs_a_reason_and_changes_nothing(
    filed, pilot, applicant_county, city_ankang, province
):
    forest = selectors.target_path(pilot)["forest_coverage"]
    request = services.change_request_create(
        pilot=pilot,
        by=applicant_county,
        kind="target",
        indicator=forest.indicator,
        target_values={max(forest.values): Decimal("40")},
        reasons="下调目标",
    )
    services.change_give_city_opinion(request=request, by=city_ankang, supports=False, opinion="理由不充分。")
    with refused(request, code="reason_required"):
        services.change_decide(request=request, by=province, approve=False, reason="")
    services.change_decide(request=request, by=province, approve=False, reason="调整理由不充分，不予批准。")
    assert LedgerVersion.objects.filter(pilot=pilot).count() == 1
    assert selectors.target_path(pilot)["forest_coverage"].values == forest.values


def test_an_approved_project_change_updates_the_project_and_adds_a_version(
    filed, pilot, applicant_county, city_ankang, province
):
    project = selectors.key_projects(pilot)[0]
    request = services.change_request_create(
        pilot=pilot,
        by=applicant_county,
        kind="project",
        project=project,
        project_changes={
            "content": "建设屋顶光伏15兆瓦（屋顶资源核减）",
            "expected_reduction_t": Decimal("12000"),
        },
        reasons="部分厂房屋顶承重不足。",
    )
    services.change_give_city_opinion(request=request, by=city_ankang, supports=True, opinion="同意。")
    services.change_decide(request=request, by=province, approve=True)
    project.refresh_from_db()
    assert (project.content, project.expected_reduction_t) == (
        "建设屋顶光伏15兆瓦（屋顶资源核减）",
        Decimal("12000"),
    )
    versions = list(LedgerVersion.objects.filter(pilot=pilot).order_by("number"))
    assert versions[0].projects[0]["content"] == "建设屋顶光伏20兆瓦"
    assert versions[1].projects[0]["content"] == "建设屋顶光伏15兆瓦（屋顶资源核减）"


def test_an_approved_extension_moves_the_due_date_it_names(
    filed, pilot, applicant_county, city_ankang, province
):
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2025) == datetime.date(2025, 12, 10)
    with refused(pilot, match="须晚于现行截止日期"):
        services.change_request_create(
            pilot=pilot,
            by=applicant_county,
            kind="extension",
            due_kind="annual_report",
            due_year=2025,
            new_due_date=datetime.date(2025, 12, 1),
            reasons="统计数据推迟发布",
        )
    request = services.change_request_create(
        pilot=pilot,
        by=applicant_county,
        kind="extension",
        due_kind="annual_report",
        due_year=2025,
        new_due_date=datetime.date(2025, 12, 31),
        reasons="统计年鉴推迟发布",
    )
    services.change_give_city_opinion(request=request, by=city_ankang, supports=True, opinion="同意。")
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2025) == datetime.date(2025, 12, 10)
    services.change_decide(request=request, by=province, approve=True)
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2025) == datetime.date(2025, 12, 31)
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2024) == datetime.date(2024, 12, 10)
    assert LedgerVersion.objects.filter(pilot=pilot).count() == 1  # an extension is not a target change


def test_only_the_pilot_asks_and_only_after_filing(pilot, applicant_county, agency, city_ankang):
    plan = services.plan_start(pilot=pilot, by=applicant_county)
    with refused(pilot, code="state", match="备案后"):
        services.change_request_create(
            pilot=pilot,
            by=applicant_county,
            kind="extension",
            reasons="x",
            due_kind="annual_report",
            due_year=2025,
            new_due_date=datetime.date(2026, 1, 1),
        )
    for user in (agency, city_ankang):
        with not_permitted(pilot):
            services.change_request_create(pilot=pilot, by=user, kind="extension", reasons="x")
    assert plan.pk
