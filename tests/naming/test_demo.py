"""The demo names the first batch's accepted members through the decision, with certificates, and leaves a
second round's results on publicity."""

from io import StringIO

import pytest
from django.core.management import call_command

from naming.models import AcceptanceDecision, NamingCertificate, NamingPublicity
from pilots.models import Pilot


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_names_pilots_and_has_a_publicity_open(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    named = {
        p.organisation.name: (p.state, p.acceptance_grade)
        for p in Pilot.objects.filter(naming_certificate__isnull=False).select_related("organisation")
    }
    assert named == {
        "商洛市商州区人民政府": ("accepted", "passed"),
        "西咸新区沣西新城管委会": ("accepted", "excellent"),
    }
    assert all(c.file and c.document_no == "陕环发〔2026〕48号" for c in NamingCertificate.objects.all())
    kinds = list(AcceptanceDecision.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["propose", "return", "propose", "confirm"] * 2 + ["propose", "confirm"] * 2
    open_now = NamingPublicity.objects.filter(state="open").select_related("decision")
    grades = sorted(i["grade"] for p in open_now for i in p.decision.items)
    assert grades == ["fail", "passed"]
    # the grades proposed are the panel's (reviews.results.acceptance_outcomes), its total in the reason
    for decision in AcceptanceDecision.objects.filter(kind="propose"):
        for item in decision.items:
            assert item["grade"] == item["panel_grade"]
            assert item["reason"].startswith("综合得分") and item["reason"] == item["panel_reason"]
