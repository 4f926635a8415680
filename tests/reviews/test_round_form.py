"""The new round form as rendered can be saved unchanged: its empty tie-break chain is shown empty, not as
the JSON "[]" its model default would render (which the form then refused: 未知的决胜规则：'[]')."""

import re

import pytest
from django.urls import reverse

from applications.models import Batch
from reviews.models import ReviewRound

from ..factories import BatchFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("purpose", ["acceptance", "selection"])
def test_a_new_round_saves_with_the_tie_break_as_rendered(province, client_for, purpose):
    batch = BatchFactory(state=Batch.State.PUBLISHED)
    client = client_for(province)
    url = reverse("reviews:round_new") + f"?purpose={purpose}"
    page = client.get(url).text
    assert '<label for="id_batch">批次' in page  # not the model's English "Batch"
    rendered = re.search(r'<input[^>]*name="tie_break"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', rendered)
    assert value is None or value.group(1) == ""
    data = {
        "name": "首批试点验收评审",
        "batch": batch.pk,
        "experts_per_item": 3,
        "max_per_expert": 10,
        "scoring_deadline": "2026-12-20",
        "aggregation_method": "mean",
        "tie_break": value.group(1) if value else "",
        "disagreement_threshold": "20",
        "departure_threshold": "20",
    }
    if purpose == "selection":
        from .expert_setup import criteria_set

        data["criteria_set"] = criteria_set().pk
    assert client.post(url, data).status_code == 302
    assert ReviewRound.objects.get(name="首批试点验收评审").tie_break == []
