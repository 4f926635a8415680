"""The API's signed-in endpoints show exactly what the pages show: the rule of tests/applications/
test_scopes.py, asked through a token this time; out of scope is a 404, as on the pages."""

import pytest
from django.test import Client
from django.urls import reverse

from api import services
from applications.models import Application

from ..applications.test_scopes import apps_in, batch, expected_visible  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

S = Application.State


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {services.token_issue(user=user)}")


def listed_ids(client, url) -> set[int]:
    ids, page = set(), url
    while page:
        body = client.get(page).json()
        ids |= {row["id"] for row in body["results"]}
        page = body["next"]
    return ids


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.FORWARDED, S.REVIEWED, S.SELECTED])
def test_each_role_lists_and_opens_exactly_the_applications_its_pages_show(state, personas, apps_in):  # noqa: F811
    apps = apps_in(state)
    wrong = []
    for name, user in personas.items():
        client = token_client(user)
        listed = listed_ids(client, reverse("api:applications"))
        for key, application in apps.items():
            expected = expected_visible(name, key, state)
            if (application.pk in listed) != expected:
                wrong.append(("list", name, key))
            response = client.get(reverse("api:application", args=[application.pk]))
            if response.status_code != (200 if expected else 404):
                wrong.append(("detail", name, key, response.status_code))
            elif expected and response.json()["organisation"] != application.organisation.name:
                wrong.append(("content", name, key))
    assert wrong == []


def test_signed_in_endpoints_refuse_anonymous_and_bad_tokens(apps_in):  # noqa: F811
    application = apps_in(S.SUBMITTED)["ankang"]
    for client in (Client(), Client(HTTP_AUTHORIZATION="Token sxlc_not-a-real-key")):
        for url in (
            reverse("api:applications"),
            reverse("api:application", args=[application.pk]),
            reverse("api:pilots"),
            reverse("api:reports"),
        ):
            response = client.get(url)
            assert response.status_code in (401, 403), url
            assert "results" not in response.json() and "organisation" not in response.json()


def test_a_revoked_or_replaced_token_stops_working(applicant_county, apps_in):  # noqa: F811
    apps_in(S.SUBMITTED)
    first = services.token_issue(user=applicant_county)
    client = Client(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get(reverse("api:applications")).status_code == 200
    second = services.token_issue(user=applicant_county)
    assert client.get(reverse("api:applications")).status_code == 401
    client = Client(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get(reverse("api:applications")).status_code == 200
    services.token_revoke(user=applicant_county)
    assert client.get(reverse("api:applications")).status_code == 401
