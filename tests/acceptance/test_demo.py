"""The demo's acceptance requests, made through the services on real demo pilots."""

from io import StringIO

import pytest
from django.core.management import call_command

from acceptance.models import AcceptanceRequest, Attachment, Recommendation
from pilots.models import Pilot
from reviews.self_scores import self_evaluations_for


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_has_acceptance_requests():
    call_command("seed_demo", stdout=StringIO())

    def key(organisation):
        return organisation.division_id if organisation.kind == "county" else organisation.name

    requests = {
        r.pilot.organisation: r for r in AcceptanceRequest.objects.select_related("pilot__organisation")
    }
    requests = {key(o): r for o, r in requests.items()}
    states = {key: (r.state, r.pilot.state) for key, r in requests.items()}
    assert states == {
        "610729": ("forwarded", Pilot.State.ACCEPTANCE_FORWARDED),
        "610330": ("submitted", Pilot.State.ACCEPTANCE_REQUESTED),
        "渭南高新技术产业开发区管委会": ("submitted", Pilot.State.ACCEPTANCE_REQUESTED),
        "安康高新技术产业开发区管委会": ("forwarded", Pilot.State.ACCEPTANCE_FORWARDED),
        "610922": ("draft", Pilot.State.IMPLEMENTING),
    }
    forwarded = requests["610729"]
    assert (
        forwarded.system.kind == "county" and requests["安康高新技术产业开发区管委会"].system.kind == "park"
    )
    assert forwarded.total is not None and forwarded.decisions.get().kind == "forwarded"
    lines = forwarded.lines.all()
    assert all(line.calculation for line in lines)
    assert forwarded.attachments.filter(kind=Attachment.Kind.EVIDENCE).count() == lines.count()
    assert forwarded.attachments.filter(kind=Attachment.Kind.VERIFICATION).exists()
    assert forwarded.lines.filter(actual_source="report").exists()  # figures pulled from the annual report
    recommended = Recommendation.objects.select_related("pilot__organisation").get()
    assert recommended.pilot.organisation.name == "西咸新区沣西新城管委会"
    found = self_evaluations_for([forwarded.pilot_id])
    assert found[forwarded.pilot_id].total == forwarded.total
