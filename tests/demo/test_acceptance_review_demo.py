"""The acceptance review demo (demo/acceptance_review.py): both first-batch pilots under acceptance review
are being scored through the services, one round per system kind, some sheets in and some missing, and
the panel gives each its proposed outcome from the sheets in so far."""

import pytest
from django.core.management import call_command

from reviews.models import ReviewAssignment, ReviewRound, SitePhoto
from reviews.results import acceptance_outcomes, acceptance_panel


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_acceptance_rounds_are_being_scored():
    call_command("seed_demo", stdout=None)
    rounds = ReviewRound.objects.filter(
        acceptance_system__isnull=False, name__in=["首批园区试点验收评审", "首批试点验收评审"]
    ).select_related("acceptance_system")
    assert sorted((r.name, r.acceptance_system.kind, r.state) for r in rounds) == [
        ("首批园区试点验收评审", "park", "scoring"),
        ("首批试点验收评审", "county", "scoring"),
    ]
    states = set(ReviewAssignment.objects.filter(round__in=rounds).values_list("state", flat=True))
    assert {"submitted", "assigned", "accepted"} <= states
    county = rounds.get(acceptance_system__kind="county")
    (outcome,) = acceptance_outcomes(county).values()
    row = acceptance_panel(county).rows[0]
    assert row.name == "富平县人民政府" and (row.submitted, row.expected) == (2, 3)
    assert outcome.total is not None and outcome.reason and outcome.calculation
    assert all(i.aggregated is not None for i in row.indicators)
    assert SitePhoto.objects.filter(visit__item__round=county).count() == 1
    park = rounds.get(acceptance_system__kind="park")
    assert acceptance_panel(park).rows[0].submitted == 1
