"""The interface other apps use: target_path, key_projects and due_date."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator
from plans import selectors
from plans.models import ChangeDecision, ChangeRequest, DueKind, KeyProject, LedgerTarget, LedgerVersion, Plan

from ..factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    return PilotFactory()


def _ledger(pilot, user, number, values, state=Plan.State.FILED):
    plan, _ = Plan.objects.get_or_create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=state)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=number, created_by=user)
    indicator = Indicator.objects.get_or_create(
        code="forest-cover", defaults={"name": "森林覆盖率", "unit": "%"}
    )[0]
    LedgerTarget.objects.create(
        version=version,
        indicator=indicator,
        binding=True,
        base_year=2022,
        base_value=Decimal("45.2"),
        values=values,
    )
    return plan


def test_target_path_is_empty_before_filing(pilot):
    assert selectors.target_path(pilot) == {}
    assert selectors.key_projects(pilot) == []


def test_target_path_comes_from_the_newest_ledger_version(pilot, province):
    _ledger(pilot, province, 1, {"2023": "45.5", "2024": "46", "2025": "46.5"})
    _ledger(pilot, province, 2, {"2023": "45.5", "2024": "45.8", "2025": "46.2"})
    paths = selectors.target_path(pilot)
    assert list(paths) == ["forest-cover"]
    path = paths["forest-cover"]
    assert path.ledger_version == 2
    assert path.binding is True
    assert (path.base_year, path.base_value) == (2022, Decimal("45.2"))
    assert path.values == {2023: Decimal("45.5"), 2024: Decimal("45.8"), 2025: Decimal("46.2")}
    assert path.indicator.code == "forest-cover"


def test_key_projects_only_once_the_plan_is_filed(pilot, province):
    plan = Plan.objects.create(pilot=pilot)
    KeyProject.objects.create(
        plan=plan, name="屋顶分布式光伏", task="energy", expected_reduction_t=Decimal("1200")
    )
    assert selectors.key_projects(pilot) == []
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
    assert [p.name for p in selectors.key_projects(pilot)] == ["屋顶分布式光伏"]


def test_due_date_defaults_to_the_batch_due_day(pilot):
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2026) == datetime.date(2026, 12, 10)
    batch = pilot.batch
    batch.annual_report_due_month, batch.annual_report_due_day = 11, 30
    batch.save()
    assert selectors.due_date(pilot, "annual_report", 2024) == datetime.date(2024, 11, 30)


def test_due_date_moves_with_an_approved_extension_only(pilot, applicant_county, province):
    def request(state, new):
        cr = ChangeRequest.objects.create(
            pilot=pilot,
            kind=ChangeRequest.Kind.EXTENSION,
            due_kind=DueKind.ANNUAL_REPORT,
            due_year=2025,
            new_due_date=new,
            reasons="统计数据发布推迟",
            created_by=applicant_county,
        )
        ChangeRequest.objects.filter(pk=cr.pk).update(state=state)
        return cr

    request(ChangeRequest.State.SUBMITTED, datetime.date(2026, 1, 31))
    refused = request(ChangeRequest.State.REFUSED, datetime.date(2026, 2, 28))
    ChangeDecision.objects.create(request=refused, approved=False, decided_by=province)
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2025) == datetime.date(2025, 12, 10)
    approved = request(ChangeRequest.State.APPROVED, datetime.date(2025, 12, 31))
    ChangeDecision.objects.create(request=approved, approved=True, decided_by=province)
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2025) == datetime.date(2025, 12, 31)
    assert selectors.due_date(pilot, DueKind.ANNUAL_REPORT, 2024) == datetime.date(2024, 12, 10)


def test_unknown_due_kind_is_an_error(pilot):
    with pytest.raises(ValueError):
        selectors.due_date(pilot, "mystery", 2025)


def test_the_bulk_target_paths_equal_target_path_in_two_queries(pilot, province, django_assert_num_queries):
    from ..factories import county

    second = PilotFactory(organisation=county("610122"))
    without = PilotFactory(organisation=county("610923"))
    _ledger(pilot, province, 1, {"2025": "46.5"})
    _ledger(pilot, province, 2, {"2025": "46.2"})
    _ledger(second, province, 1, {"2025": "50"})
    pilots = [pilot, second, without]
    with django_assert_num_queries(2):
        paths = selectors.target_paths([p.pk for p in pilots])
    assert set(paths) == {pilot.pk, second.pk}  # no ledger: left out, as target_path gives {}
    for p in pilots:
        assert paths.get(p.pk, {}) == selectors.target_path(p)
    assert paths[pilot.pk]["forest-cover"].ledger_version == 2
    versions = selectors.current_ledger_versions(pilots)
    assert {pid: v.number for pid, v in versions.items()} == {pilot.pk: 2, second.pk: 1}
