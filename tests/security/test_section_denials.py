"""Role-level refusals: a user whose role cannot see a whole section gets the 404 of an object outside their
scope, and the refusal is one `denied` security event naming the section (core.security.deny_section),
like the per-object refusals of get_in_scope_or_404."""

import pytest
from django.urls import reverse

from core.models import SecurityEvent
from organisations.models import Organisation, Role

from ..factories import BatchFactory, department, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    return member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY), username="auditor")


CASES = [
    # (persona, url name, args, section)
    ("applicant_county", "reviews:experts", [], "reviews.officer"),
    ("applicant_county", "reviews:my_assignments", [], "reviews.expert"),
    ("city_xian", "reviews:declare", [1], "reviews.declaration"),
    ("applicant_county", "dispatches:create", [], "dispatches.manage"),
    ("expert", "applications:batch_list", [], "applications.batches"),
    ("expert", "applications:city_screening", ["batch"], "applications.city"),
    ("province", "applications:create", ["?batch"], "applications.create"),
    ("applicant_county", "security:events", [], "security.audit"),
    ("auditor", "applications:list", [], "security.auditor_confinement"),
    ("applicant_county", "reports:overview", [], "reports.overview"),
    ("expert", "reports:create", [], "reports.create"),
    ("expert", "followup:work_plan_create", [], "followup.work_plan"),
    ("applicant_county", "followup:visit_create", [], "followup.visit"),
    ("applicant_county", "followup:group_create", [], "followup.guidance"),
    ("applicant_county", "plans:list", [], "plans.list"),
    ("expert", "plans:changes", [], "plans.changes"),
    ("agency", "awards:list", [], "awards"),
    ("province", "awards:create", [], "awards.record"),
    ("applicant_county", "awards:caps", [], "awards.caps"),
]


@pytest.mark.parametrize(("persona", "name", "args", "section"), CASES, ids=[c[3] for c in CASES])
def test_a_section_the_role_cannot_see_is_a_recorded_denial(
    request, client_for, persona, name, args, section
):
    user = request.getfixturevalue(persona)
    batch = BatchFactory()
    query = ""
    if args == ["batch"]:
        args = [batch.pk]
    elif args == ["?batch"]:
        args, query = [], f"?batch={batch.pk}"
    url = reverse(name, args=args) + query
    client = client_for(user)
    before = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DENIED).count()

    response = client.get(url)

    assert response.status_code == 404
    denials = list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DENIED).order_by("pk")[before:])
    assert len(denials) == 1, [(d.summary, d.detail) for d in denials]
    [denial] = denials
    assert denial.detail == {"section": section, "reason": "role"}
    assert denial.user == user and denial.path == reverse(name, args=args)
    assert denial.summary == f"section {section}"


def test_a_section_the_role_may_see_records_nothing(client_for, province):
    client = client_for(province)
    before = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DENIED).count()
    assert client.get(reverse("reviews:experts")).status_code == 200
    assert client.get(reverse("dispatches:create")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DENIED).count() == before
