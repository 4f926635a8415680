"""Batch (申报批次) state machine, through applications.services."""

import datetime

import pytest

from applications import services
from applications.models import Batch
from core.errors import DomainError

from ..factories import BatchFactory
from ..helpers import assert_audited, audit_for, by_state, not_permitted, refused

pytestmark = pytest.mark.django_db

B = Batch.State


def test_province_runs_a_batch_through_every_stage(province):
    batch = services.batch_create(
        by=province,
        name="2027年第三批",
        year=2027,
        application_deadline=datetime.date(2027, 3, 31),
        forwarding_deadline=datetime.date(2027, 4, 30),
    )
    assert batch.state == B.DRAFT
    assert audit_for(batch).get().action == "applications.batch.create"
    steps = [
        ("open", B.DRAFT, B.OPEN),
        ("close_applications", B.OPEN, B.CITY_SCREENING),
        ("start_provincial_review", B.CITY_SCREENING, B.PROVINCIAL_REVIEW),
        ("start_publicity", B.PROVINCIAL_REVIEW, B.PUBLICITY),
        ("publish", B.PUBLICITY, B.PUBLISHED),
        ("close", B.PUBLISHED, B.CLOSED),
    ]
    for name, source, target in steps:
        if name == "start_publicity":
            Batch.objects.filter(pk=batch.pk).update(
                publicity_start=datetime.date(2027, 9, 1), publicity_end=datetime.date(2027, 9, 7)
            )
        batch = services.batch_transition(batch=batch, name=name, by=province)
        assert batch.state == target
        assert Batch.objects.get(pk=batch.pk).state == target
        assert_audited(batch, action=name, actor=province, from_state=source, to_state=target)
    assert audit_for(batch).count() == 7


def test_batch_create_is_refused_to_non_province(city_xian, finance):
    for user in (city_xian, finance):
        with pytest.raises(DomainError) as info:
            services.batch_create(by=user, name="越权批次", year=2027)
        assert info.value.code == "forbidden"
    assert not Batch.objects.filter(name="越权批次").exists()


def test_opening_requires_both_deadlines_in_order(province):
    batch = BatchFactory(state=B.DRAFT, application_deadline=None)
    with refused(batch, match="须先设置申报截止日期"):
        services.batch_transition(batch=batch, name="open", by=province)
    Batch.objects.filter(pk=batch.pk).update(
        application_deadline=datetime.date(2027, 5, 1), forwarding_deadline=datetime.date(2027, 4, 1)
    )
    with refused(batch, match="报送截止不早于申报截止"):
        services.batch_transition(batch=batch, name="open", by=province)


def test_publicity_requires_its_dates(province):
    batch = BatchFactory(state=B.PROVINCIAL_REVIEW)
    with refused(batch, match="须先设置公示起止日期"):
        services.batch_transition(batch=batch, name="start_publicity", by=province)


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (B.OPEN, "open"),
        (B.DRAFT, "close_applications"),
        (B.OPEN, "start_provincial_review"),
        (B.CITY_SCREENING, "publish"),
        (B.CLOSED, "close"),
    ],
)
def test_transition_refused_by_state(state, name, province):
    batch = BatchFactory(
        state=state, publicity_start=datetime.date(2027, 9, 1), publicity_end=datetime.date(2027, 9, 7)
    )
    with by_state(batch):
        services.batch_transition(batch=batch, name=name, by=province)


@pytest.mark.parametrize("persona", ["city_xian", "finance", "drc", "applicant_county", "expert", "outsider"])
def test_transition_refused_by_role(persona, request):
    batch = BatchFactory(state=B.OPEN)
    with not_permitted(batch):
        services.batch_transition(batch=batch, name="close_applications", by=request.getfixturevalue(persona))


def test_unknown_transition_name_is_refused(province):
    batch = BatchFactory(state=B.OPEN)
    with refused(batch, code="refused"):
        services.batch_transition(batch=batch, name="delete", by=province)


def test_publishing_is_refused_while_an_application_is_in_publicity_by_every_path(province, client_for):
    """Publishing mid-publicity put an unconfirmed pilot on the public list: the guard is the transition's
    own, so the service, the batch action button and a direct call of the model's method all refuse it."""
    from django.urls import reverse
    from django_fsm import TransitionNotAllowed

    from applications.models import Application

    from ..factories import ApplicationFactory, county

    batch = BatchFactory(state=B.PUBLICITY)
    ApplicationFactory(batch=batch, organisation=county("610922"), state=Application.State.IN_PUBLICITY)
    with refused(batch, match="尚有申报单位处于公示中"):
        services.batch_transition(batch=batch, name="publish", by=province)
    client_for(province).post(reverse("applications:batch_action", args=[batch.pk, "publish"]))
    assert Batch.objects.get(pk=batch.pk).state == B.PUBLICITY
    with pytest.raises(TransitionNotAllowed):
        Batch.objects.get(pk=batch.pk).publish(by=province)
    assert not audit_for(batch).filter(action="applications.batch.publish").exists()
