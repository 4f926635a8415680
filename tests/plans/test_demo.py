"""The demo (demo/plans.py via seed_demo) shows every state of the plan objects on real demo pilots."""

from io import StringIO

import pytest
from django.core.management import call_command

from pilots.models import Pilot
from plans import selectors
from plans.models import ChangeRequest, LedgerVersion, Plan


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_plans_cover_every_state():
    call_command("seed_demo", stdout=StringIO())
    assert set(Plan.objects.values_list("state", flat=True)) == set(Plan.State.values)
    # every pilot past the plan stage has a filed plan and a ledger
    later = Pilot.objects.exclude(
        state__in=[
            Pilot.State.SELECTED,
            Pilot.State.PLAN_DRAFTING,
            Pilot.State.PLAN_SUBMITTED,
            Pilot.State.PLAN_RETURNED,
        ]
    )
    assert later.exists()
    for pilot in later:
        assert pilot.plan.state == Plan.State.FILED, pilot
        assert selectors.target_path(pilot), pilot
    assert Plan.objects.filter(
        state="filed", pilot__state=Pilot.State.PLAN_FILED
    ).exists()  # awaiting local approval
    returned = Plan.objects.get(state="returned")
    assert returned.decisions.get().chapter_comments
    states = set(ChangeRequest.objects.values_list("state", flat=True))
    assert {"approved", "submitted", "city_reviewed"} <= states
    shiquan = Pilot.objects.get(organisation__name="石泉县人民政府")
    assert LedgerVersion.objects.filter(pilot=shiquan).count() == 2
    assert shiquan.plan.filing_number.startswith("陕环试点备〔2024〕")
