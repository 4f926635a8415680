"""The demo: 商州区's page is published (public), 沣西新城's awaits the province's approval (404 in public)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from showcase.models import ShowcaseVersion


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_has_a_published_and_a_submitted_showcase_page():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Showcase: 2 pages" in out.getvalue()
    versions = {
        v.page.pilot.organisation.name: v
        for v in ShowcaseVersion.objects.select_related("page__pilot__organisation")
    }
    assert {name: v.state for name, v in versions.items()} == {
        "商洛市商州区人民政府": "published",
        "西咸新区沣西新城管委会": "submitted",
    }
    shangzhou = versions["商洛市商州区人民政府"]
    assert shangzhou.figures.exists() and shangzhou.cases.exists()
    for figure in shangzhou.figures.select_related("actual"):
        assert figure.value == figure.actual.value  # copied from the report
    client = Client()
    html = client.get(reverse("showcase:pilot", args=[shangzhou.page.pilot_id])).text
    assert shangzhou.title in html
    fengxi = versions["西咸新区沣西新城管委会"]
    assert client.get(reverse("showcase:pilot", args=[fengxi.page.pilot_id])).status_code == 404
