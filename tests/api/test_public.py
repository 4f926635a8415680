"""The public endpoints give what the public pages give: batches once opened, publicity notices, and the
published pilot list with outcomes; lists paginated, filterable, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Batch
from organisations.models import Organisation
from pilots.models import Pilot

from ..factories import ApplicationFactory, BatchFactory, PilotFactory, county

pytestmark = pytest.mark.django_db

B = Batch.State


def test_batches_are_those_the_public_may_know_of(db):
    BatchFactory(name="筹备中的批次", state=B.DRAFT)
    opened = BatchFactory(name="2027年第三批", year=2027, state=B.OPEN)
    published = BatchFactory(name="2023年第一批", year=2023, state=B.PUBLISHED)
    body = Client().get(reverse("api:batches")).json()
    assert body["count"] == 2
    assert {row["name"] for row in body["results"]} == {opened.name, published.name}
    row = next(r for r in body["results"] if r["id"] == opened.pk)
    assert row["state"] == "open" and row["state_display"] == "申报中"
    assert row["application_deadline"] == opened.application_deadline.isoformat()
    by_year = Client().get(reverse("api:batches"), {"year": 2023}).json()
    assert [r["id"] for r in by_year["results"]] == [published.pk]


def test_a_publicity_notice_lists_the_shortlist_as_the_public_page_does(db):
    batch = BatchFactory(
        state=B.PUBLICITY,
        publicity_start=datetime.date(2026, 11, 23),
        publicity_end=datetime.date(2026, 11, 27),
        publicity_contact="省生态环境厅应对气候变化处 029-87654321",
    )
    shiquan = ApplicationFactory(
        batch=batch, organisation=county("610922"), state=Application.State.IN_PUBLICITY
    )
    ApplicationFactory(batch=batch, organisation=county("610122"), state=Application.State.NOT_SELECTED)
    BatchFactory(name="未公示", state=B.PROVINCIAL_REVIEW)
    listing = Client().get(reverse("api:publicity")).json()
    assert [row["id"] for row in listing["results"]] == [batch.pk]
    notice = Client().get(reverse("api:publicity_detail", args=[batch.pk])).json()
    assert [row["name"] for row in notice["rows"]] == [shiquan.organisation.name]
    assert notice["start"] == "2026-11-23" and notice["end"] == "2026-11-27"
    assert notice["working_days"] == 5
    assert notice["contact"] == batch.publicity_contact
    page = Client().get(reverse("publicity:notice", args=[batch.pk])).text
    assert all(row["name"] in page for row in notice["rows"])
    not_public = Batch.objects.get(name="未公示")
    assert Client().get(reverse("api:publicity_detail", args=[not_public.pk])).status_code == 404


def test_the_published_list_keeps_a_disqualified_pilot_with_its_outcome(db):
    batch = BatchFactory(state=B.PUBLISHED, year=2023)
    building = PilotFactory(batch=batch, organisation=county("610922"), state=Pilot.State.IMPLEMENTING)
    gone = PilotFactory(batch=batch, organisation=county("610122"), state=Pilot.State.DISQUALIFIED)
    PilotFactory(batch=BatchFactory(state=B.PUBLICITY), organisation=county("610921"))
    body = Client().get(reverse("api:published_pilots")).json()
    statuses = {row["id"]: row["status"] for row in body["results"]}
    assert statuses == {building.pk: "建设中", gone.pk: "已取消试点资格"}
    ankang = (
        Client().get(reverse("api:published_pilots"), {"city": building.organisation.review_unit_id}).json()
    )
    assert [row["id"] for row in ankang["results"]] == [building.pk]


@pytest.mark.parametrize("count", [3, 30])
def test_public_lists_run_a_fixed_number_of_queries(count, db):
    batch = BatchFactory(state=B.PUBLISHED)
    for index in range(count):
        organisation = Organisation.objects.create(
            name=f"测试园区{index}", kind=Organisation.Kind.PARK, review_unit_id="610100"
        )
        PilotFactory(batch=batch, organisation=organisation)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("api:published_pilots")).json()
    assert body["count"] == count
    # count + page, and nothing per row (session-less, throttle counters in the cache)
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_pages_are_capped(db):
    response = Client().get(reverse("api:batches"), {"page_size": 100000})
    assert response.status_code == 200
    assert Client().get(reverse("api:batches"), {"page": 99}).status_code == 404
