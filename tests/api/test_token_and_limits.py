"""The token page (made, shown once, replaced, revoked, audited without the key), the documentation page
read from the schema, the signed-in lists' query counts, and the rate limits (429; served when the cache
is down)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiToken, digest
from applications.models import Application
from core.models import AuditEntry
from organisations.models import Organisation

from ..factories import ApplicationFactory, BatchFactory

pytestmark = pytest.mark.django_db


def test_the_token_is_shown_once_stored_as_a_digest_and_audited_without_the_key(applicant_county, client_for):
    client = client_for(applicant_county)
    assert "您还没有接口令牌" in client.get(reverse("api:token")).text
    page = client.post(reverse("api:token_issue"), follow=True).text
    key = page.split('data-testid="api-key">')[1].split("<")[0]
    assert key.startswith("sxlc_") and len(key) > 40
    token = ApiToken.objects.get(user=applicant_county)
    assert token.digest == digest(key) and key not in token.digest and token.hint == key[-4:]
    again = client.get(reverse("api:token")).text
    assert key not in again and f"……{key[-4:]}" in again  # shown once only
    entry = AuditEntry.objects.get(action="api.apitoken.issue")
    assert entry.actor_id == applicant_county.pk and key not in str(entry.data)
    client.post(reverse("api:token_revoke"))
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action="api.apitoken.revoke", actor=applicant_county).exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:applications")).status_code == 401


def test_the_documentation_page_lists_every_operation_of_the_schema(db):
    page = Client().get(reverse("api:docs")).text
    schema = Client().get(reverse("api:schema") + "?format=json").json()
    paths = list(schema["paths"])
    assert len(paths) == 10
    for path in paths:
        assert f"<code>{path}</code>" in page
    assert "<script>" not in page


@pytest.mark.parametrize("count", [2, 20])
def test_a_signed_in_list_runs_a_fixed_number_of_queries(count, province):
    batch = BatchFactory()
    for index in range(count):
        organisation = Organisation.objects.create(
            name=f"测试园区{index}", kind=Organisation.Kind.PARK, review_unit_id="610900"
        )
        ApplicationFactory(batch=batch, organisation=organisation, state=Application.State.FORWARDED)
    from api import services

    client = Client(HTTP_AUTHORIZATION=f"Token {services.token_issue(user=province)}")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("api:applications")).json()
    assert body["count"] == count
    # token lookup, its last-used stamp, the user's scope (memberships), count, page
    assert len(queries) <= 6, [q["sql"] for q in queries]
    fixed = len(queries)
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("api:applications"))
    assert len(again) == fixed - 1  # the last-used stamp is written at most every 5 minutes


def test_too_many_calls_answer_429_with_a_message(settings, db):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], anon="3/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    cache.clear()
    try:
        client = Client(REMOTE_ADDR="203.0.113.9")
        codes = [client.get(reverse("api:batches")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "请求" in client.get(reverse("api:batches")).json()["detail"]
        other = Client(REMOTE_ADDR="203.0.113.10")  # per client: another address is not limited
        assert other.get(reverse("api:batches")).status_code == 200
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


def test_the_api_is_served_when_the_cache_is_down(db, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(cache, "get", down)
    response = Client().get(reverse("api:batches"))
    assert response.status_code == 200
