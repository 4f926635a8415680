"""Figures on a catalogue indicator are shown against the pilot's target path (plans ledger), with the
status computed by plans.status.target_status."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from plans.models import LedgerTarget, LedgerVersion, Plan

from .conftest import answer, response_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(pilots, province):
    pilot = pilots["shiquan"]
    plan = Plan.objects.create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=2, created_by=province)
    LedgerTarget.objects.create(
        version=version,
        indicator=Indicator.objects.get(code="non_fossil_share"),
        binding=True,
        base_year=2022,
        base_value=Decimal("18"),
        values={"2025": "24", "2026": "25"},
    )
    return version


@pytest.mark.parametrize(
    ("actual", "label"),
    [("26", "达到进度"), ("24", "存在风险"), ("23.5", "进度滞后")],  # tolerance 5 % of 25 = 1.25
)
def test_figure_shown_against_the_path_of_the_dispatch_year(
    actual, label, ledger, dispatch, pilots, applicant_county, client_for, province
):
    response = answer(
        response_of(dispatch, pilots["shiquan"]), applicant_county, {1: actual, 2: "1", 3: "无"}
    )
    page = client_for(province).get(reverse("dispatches:response", args=[response.pk])).content.decode()
    block = page[page.index('data-testid="target-Q1"') :][:600]
    assert "2026年目标路径值：25.00%" in block
    assert "目标台账第2版" in block and "约束性" in block
    assert label in block
    assert 'data-testid="target-Q2"' not in page  # a free-standing figure has no path


def test_no_comparison_without_a_filed_plan(dispatch, pilots, applicant_county, client_for, province):
    response = answer(response_of(dispatch, pilots["shiquan"]), applicant_county, {1: "26", 2: "1", 3: "无"})
    page = client_for(province).get(reverse("dispatches:response", args=[response.pk])).content.decode()
    assert 'data-testid="target-Q1"' not in page
