"""The demo shows every state of the follow-up objects, on real demo pilots."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from followup.models import GuidanceVisit, Visit, WorkPlan


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_has_every_followup_state():
    call_command("seed_demo", stdout=StringIO())
    plans = {
        (w.pilot.organisation.name, w.year): w.state
        for w in WorkPlan.objects.select_related("pilot__organisation")
    }
    assert plans == {
        ("石泉县人民政府", 2024): "acknowledged",
        ("石泉县人民政府", 2025): "returned",
        ("西安市鄠邑区人民政府", 2025): "filed",
    }
    visit = GuidanceVisit.objects.get(pilot__organisation__name="石泉县人民政府")
    assert visit.response and visit.experts.count() == 2
    today = timezone.localdate()
    visits = Visit.objects.filter(pilot__organisation__name="石泉县人民政府")
    assert sorted((v.state, v.is_overdue(today)) for v in visits) == [
        ("closed", False),
        ("open", False),
        ("open", True),
    ]
    assert visits.get(state="closed").attachments.count() == 1
    overdue = next(v for v in visits if v.is_overdue(today))
    assert sorted(overdue.reminders.values_list("kind", flat=True)) == ["before_1", "before_7", "overdue"]
    # The work plans read the ledger the plans demo filed: the year's path values and its version.
    from followup.ledger import as_text
    from plans.selectors import target_path

    acknowledged = WorkPlan.objects.get(state="acknowledged")
    paths = target_path(acknowledged.pilot)
    assert paths and acknowledged.ledger_version == next(iter(paths.values())).ledger_version
    assert {t["code"]: t["value"] for t in acknowledged.targets} == {
        code: as_text(path.values.get(2024)) for code, path in paths.items()
    }
    assert acknowledged.milestones  # the key projects' 2024 milestones
