"""schemathesis over the OpenAPI schema the portal serves: every operation, generated inputs (filters,
page numbers, ids), anonymous and with a token; no server error, every response as the schema says."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from api import services
from applications.models import Application, Batch

from ..factories import ApplicationFactory, BatchFactory, PilotFactory, county


@pytest.fixture
def keep_test_connection():
    """The WSGI app closes the database connection at the end of each request (Django's test client
    avoids it the same way): inside the test's transaction it must stay open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_test_connection, applicant_county):
    published = BatchFactory(state=Batch.State.PUBLISHED, year=2023)
    PilotFactory(batch=published, organisation=county("610922"))
    ApplicationFactory(batch=BatchFactory(state=Batch.State.OPEN), organisation=county("610922"))
    ApplicationFactory(
        batch=BatchFactory(
            state=Batch.State.PUBLICITY, publicity_start="2026-11-23", publicity_end="2026-11-27"
        ),
        organisation=county("610921"),
        state=Application.State.IN_PUBLICITY,
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


def check_every_operation(schema, headers=None) -> list[str]:
    """Generated calls for every operation of the schema; returns the operations exercised."""
    exercised = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers)

        check()
        exercised.append(operation.label)
    return exercised


def test_anonymous_calls_conform_to_the_schema(api_schema):
    exercised = check_every_operation(api_schema)
    assert "GET /api/v1/pilots/published/" in exercised and len(exercised) == 10


def test_calls_with_a_token_conform_to_the_schema(api_schema, applicant_county):
    key = services.token_issue(user=applicant_county)
    exercised = check_every_operation(api_schema, headers={"Authorization": f"Token {key}"})
    assert "GET /api/v1/me/applications/{id}/" in exercised
