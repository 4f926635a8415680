import pytest

from tests.factories import PilotFactory, county


@pytest.fixture
def pilot(agency_org):
    """石泉县 (安康), a selected pilot that entrusted the agency."""
    pilot = PilotFactory(organisation=county("610922"))
    pilot.delegated_agencies.add(agency_org)
    return pilot
