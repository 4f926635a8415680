"""Fixtures of awards: accepted pilots of 石泉县 (安康, county), 西安高新区 (西安, park) and 蓝田县 (西安,
county), the caps in force (county 500, park 300 万元), and the finance officer's services."""

import datetime
from decimal import Decimal

import pytest

from awards import services
from pilots.models import Pilot

from ..factories import PilotFactory

CAPS_FROM = datetime.date(2024, 1, 1)
BASIS_DATE = datetime.date(2025, 6, 30)


def accepted(organisation, grade=Pilot.Grade.PASSED, **kwargs):
    return PilotFactory(
        organisation=organisation,
        state=Pilot.State.ACCEPTED,
        acceptance_grade=grade,
        named_at=datetime.date(2025, 5, 20),
        **kwargs,
    )


@pytest.fixture
def pilot(shiquan):
    return accepted(shiquan)


@pytest.fixture
def park_pilot(xian_hitech):
    return accepted(xian_hitech, grade=Pilot.Grade.EXCELLENT)


@pytest.fixture
def xian_pilot(lantian):
    return accepted(lantian)


@pytest.fixture
def caps(finance):
    return [
        services.cap_set(pilot_type="county", amount=Decimal("500"), effective_from=CAPS_FROM, by=finance),
        services.cap_set(pilot_type="park", amount=Decimal("300"), effective_from=CAPS_FROM, by=finance),
    ]


def award(pilot, by, amount="200", basis="陕财办资环〔2025〕12号", **kwargs):
    fields = {"basis_date": BASIS_DATE, "fund_source": "provincial_ecology", **kwargs}
    return services.award_record(pilot=pilot, amount=Decimal(amount), basis_number=basis, by=by, **fields)
