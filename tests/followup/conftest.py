"""Fixtures of follow-up and guidance: a pilot of 石泉县 (安康) with a filed plan and its ledger, pool experts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import Indicator
from organisations.models import Organisation, Role
from plans.models import KeyProject, LedgerTarget, LedgerVersion, Plan
from reviews.models import Expert

from ..conftest import ANKANG, SHIQUAN, XIAN
from ..factories import OrganisationFactory, PilotFactory, member

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def pilot(shiquan):
    return PilotFactory(organisation=shiquan, batch__year=THIS_YEAR)


@pytest.fixture
def xian_pilot(lantian):
    return PilotFactory(organisation=lantian, batch__year=THIS_YEAR)


@pytest.fixture
def delegated(pilot, agency_org):
    pilot.delegated_agencies.add(agency_org)
    return pilot


def file_ledger(pilot, by, *, number=1, year=THIS_YEAR):
    """A filed plan with one target path and one key project with a milestone in `year`."""
    plan, _ = Plan.objects.get_or_create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=number, created_by=by)
    indicator = Indicator.objects.get_or_create(
        code="forest-cover", defaults={"name": "森林覆盖率", "unit": "%"}
    )[0]
    LedgerTarget.objects.create(
        version=version,
        indicator=indicator,
        binding=True,
        base_year=2022,
        base_value=Decimal("45.2"),
        values={str(year): "46.5", str(year + 1): "47"},
    )
    if not KeyProject.objects.filter(plan=plan).exists():
        KeyProject.objects.create(
            plan=plan,
            name="屋顶分布式光伏",
            task="energy",
            location="城关镇",
            milestones={str(year): "完成一期20兆瓦并网"},
            expected_reduction_t=Decimal("1200"),
        )
    return version


def pool_expert(
    username: str, name: str, *, division=None, review_unit=None, employer_organisation=None
) -> Expert:
    home = OrganisationFactory(name=f"{name}所在单位", kind=Organisation.Kind.EXPERT_HOME)
    user = member(Role.EXPERT, home, username=username)
    return Expert.objects.create(
        user=user,
        name=name,
        employer=home.name,
        employer_organisation=employer_organisation,
        division_id=division,
        review_unit_id=review_unit,
        phone="13800000000",
    )


@pytest.fixture
def expert_far(db):
    """An expert of 西安: no conflict with 石泉县 (安康)."""
    return pool_expert("expert_far", "王立新", review_unit=XIAN)


@pytest.fixture
def expert_same_city(db):
    return pool_expert("expert_city", "李安康", review_unit=ANKANG)


@pytest.fixture
def expert_same_county(db):
    return pool_expert("expert_county", "张石泉", division=SHIQUAN, review_unit=ANKANG)


@pytest.fixture
def other_expert(db):
    """A pool expert in no group."""
    return pool_expert("expert_other", "赵其他", review_unit=XIAN)


def past(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
