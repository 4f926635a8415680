"""List pages run a fixed number of queries whatever their length (the dashboard: test_dashboard.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Batch
from organisations.models import Organisation
from pilots.models import Pilot
from reports.models import AnnualReport
from reviews.models import ReviewRound

from ..factories import (
    AnnualReportFactory,
    ApplicationFactory,
    BatchFactory,
    PilotFactory,
    ReviewRoundFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30


class World:
    """Adds applications, pilots, reports and rounds for distinct county governments."""

    def __init__(self):
        self.counties = iter(
            Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("division_id")
        )
        self.batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW)
        self.pilot_batch = BatchFactory(state=Batch.State.PUBLISHED)

    def grow(self, n: int) -> None:
        for _ in range(n):
            organisation = next(self.counties)
            ApplicationFactory(batch=self.batch, organisation=organisation, state=Application.State.FORWARDED)
            pilot = PilotFactory(
                batch=self.pilot_batch, organisation=organisation, state=Pilot.State.PLAN_SUBMITTED
            )
            AnnualReportFactory(pilot=pilot, state=AnnualReport.State.SUBMITTED)
            ReviewRoundFactory(batch=self.batch, purpose=ReviewRound.Purpose.SELECTION)


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.text


@pytest.mark.parametrize(
    ("url_name", "marker"),
    [
        ("applications:list", "已报送省厅"),
        ("pilots:list", "方案已报送"),
        ("reports:list", "已提交"),
    ],
    ids=["application-list", "pilot-list", "report-list"],
)
def test_province_pages_run_the_same_number_of_queries_for_3_and_30_rows(
    url_name, marker, province, client_for
):
    client = client_for(province)
    url = reverse(url_name)
    world = World()
    world.grow(SMALL)
    client.get(url)  # warm caches (content types, session) so that both counts are comparable
    small, page = queries(client, url)
    assert page.count(marker) >= SMALL
    world.grow(LARGE - SMALL)
    large, page = queries(client, url)
    assert page.count(marker) >= LARGE
    assert large == small, f"{url_name}: {small} queries with {SMALL} rows, {large} with {LARGE}"
