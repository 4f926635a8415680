"""Who sees and does what: the pilot and its agency (which drafts but never submits), the city officer
of the pilot's review unit, the province, finance and the DRC read-only; experts and other cities 404."""

import pytest
from django.urls import reverse

from core.errors import ActionNotPermitted
from core.models import AuditEntry
from dispatches import services
from dispatches.models import Answer, Circular, DispatchResponse

from ..helpers import not_permitted
from .conftest import FULL, answer, questions_of, response_of

pytestmark = pytest.mark.django_db


def status(client, url, method="get", **data):
    return getattr(client, method)(url, data).status_code


@pytest.fixture
def shiquan_response(dispatch, pilots):
    return response_of(dispatch, pilots["shiquan"])


@pytest.mark.parametrize(
    ("persona", "table", "response_page"),
    [
        ("province", 200, 200),
        ("finance", 200, 200),
        ("drc", 200, 200),
        ("city_ankang", 200, 200),  # 石泉县 is in 安康
        ("city_xian", 200, 404),  # another city: the dispatch concerns it, 石泉县's answers do not
        ("applicant_county", 302, 200),  # the pilot is sent to its own answers
        ("agency", 302, 200),
        ("applicant_xian", 302, 404),
        ("expert", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_sees_what(persona, table, response_page, request, client_for, dispatch, shiquan_response):
    client = client_for(request.getfixturevalue(persona))
    assert status(client, reverse("dispatches:detail", args=[dispatch.pk])) == table
    assert status(client, reverse("dispatches:response", args=[shiquan_response.pk])) == response_page


def test_expert_and_outsider_see_no_dispatch_in_the_list(client_for, expert, dispatch):
    page = client_for(expert).get(reverse("dispatches:list")).content.decode()
    assert dispatch.title not in page


def test_pilot_is_redirected_to_its_own_answers(client_for, applicant_county, dispatch, shiquan_response):
    result = client_for(applicant_county).get(reverse("dispatches:detail", args=[dispatch.pk]))
    assert result["Location"] == reverse("dispatches:response", args=[shiquan_response.pk])


def test_city_table_lists_only_its_pilots(client_for, city_xian, dispatch):
    page = client_for(city_xian).get(reverse("dispatches:detail", args=[dispatch.pk])).content.decode()
    assert "蓝田县人民政府" in page and "西安高新技术产业开发区管委会" in page
    assert "石泉县人民政府" not in page


def test_agency_drafts_but_cannot_submit(client_for, agency, applicant_county, shiquan_response):
    answer(shiquan_response, agency, FULL, submit=False)
    assert Answer.objects.filter(response=shiquan_response).count() == 3
    with not_permitted(shiquan_response):
        services.response_submit(response=shiquan_response, by=agency)
    page = client_for(agency).get(reverse("dispatches:response", args=[shiquan_response.pk])).content.decode()
    assert 'data-testid="save-submit"' not in page and 'data-testid="template"' in page
    services.response_submit(response=shiquan_response, by=applicant_county)
    shiquan_response.refresh_from_db()
    assert shiquan_response.state == DispatchResponse.State.SUBMITTED


@pytest.mark.parametrize("persona", ["finance", "drc", "city_ankang", "province"])
def test_readers_cannot_answer(persona, request, client_for, shiquan_response):
    user = request.getfixturevalue(persona)
    with pytest.raises(ActionNotPermitted):
        answer(shiquan_response, user, FULL, submit=False)
    q1 = questions_of(shiquan_response.dispatch)[0]
    client_for(user).post(reverse("dispatches:response", args=[shiquan_response.pk]), {f"q{q1.pk}": "10"})
    assert not Answer.objects.exists()
    assert (
        status(client_for(user), reverse("dispatches:response_template", args=[shiquan_response.pk])) == 404
    )


@pytest.mark.parametrize("persona", ["finance", "drc", "city_ankang", "applicant_county", "agency"])
def test_only_the_province_manages(persona, request, client_for, dispatch):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    client.post(reverse("dispatches:action", args=[dispatch.pk, "close"]))
    client.post(reverse("dispatches:urge", args=[dispatch.pk]))
    client.post(
        reverse("dispatches:circular_issue", args=[dispatch.pk]),
        {"document_no": "陕环办发〔2026〕3号", "issued_on": "2026-12-01"},
    )
    dispatch.refresh_from_db()
    assert dispatch.state == "open"
    assert not Circular.objects.exists()
    assert not AuditEntry.objects.filter(
        action__in=["dispatches.dispatch.urge", "dispatches.dispatch.close"]
    ).exists()


def test_create_page_is_the_provinces(client_for, finance, province):
    assert status(client_for(finance), reverse("dispatches:create")) == 404
    assert status(client_for(province), reverse("dispatches:create")) == 200
