"""Every formset of the portal is capped (issue 11): a forged TOTAL_FORMS (10^26 made each request take
8.6 s) builds at most `max_num` forms and is refused with a Chinese message; nothing is saved."""

import pytest
from django.urls import reverse

from applications.forms import ROW_LIMITS, CappedFormSet, row_formset
from applications.views_form import ROW_SECTIONS
from followup.forms import TaskFormSet
from plans.forms import FundingFormSet, ProjectFormSet, TargetFormSet
from reviews.forms import CRITERIA_LIMIT, CriterionFormSet
from reviews.models import Criterion

from ..factories import CriteriaSetFactory

HUGE = str(10**26)
FORMSETS = {
    "criteria": CriterionFormSet,
    "plan targets": TargetFormSet,
    "plan projects": ProjectFormSet,
    "plan funding": FundingFormSet,
    "work plan tasks": TaskFormSet,
    **{
        f"application {name}": row_formset(form, ROW_LIMITS[name])
        for name, (form, *_rest) in ROW_SECTIONS.items()
    },
}


def forged(prefix: str, total: str = HUGE) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": ""}


@pytest.mark.parametrize("name", FORMSETS)
def test_every_formset_is_capped(name):
    formset_class = FORMSETS[name]
    assert issubclass(formset_class, CappedFormSet), name
    assert formset_class.validate_max, name
    assert formset_class.absolute_max == formset_class.max_num < 1000, name


@pytest.mark.parametrize("name", ["criteria", "work plan tasks", "application contacts"])
def test_a_forged_total_builds_at_most_max_num_forms_and_is_refused(name, db):
    formset_class = FORMSETS[name]
    formset = formset_class(forged("x"), prefix="x")
    assert len(formset.forms) == formset_class.max_num
    assert not formset.is_valid()
    assert f"最多只能填写{formset_class.max_num}行" in " ".join(formset.non_form_errors())


def test_the_criteria_page_refuses_a_forged_total_and_saves_nothing(province, client_for):
    criteria_set = CriteriaSetFactory()
    before = list(Criterion.objects.filter(criteria_set=criteria_set).values_list("code", "weight"))
    data = forged("c")
    data.update({"c-0-code": "forged", "c-0-name": "伪造评分项", "c-0-weight": "100", "c-0-scale_max": "10"})
    response = client_for(province).post(reverse("reviews:criteria_edit", args=[criteria_set.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"最多只能填写{CRITERIA_LIMIT}行" in page
    assert "伪造评分项" in page  # what was typed is shown again
    assert list(Criterion.objects.filter(criteria_set=criteria_set).values_list("code", "weight")) == before
