"""Pilot (试点单位) state machine, through pilots.services."""

import datetime

import pytest
from django.utils import timezone

from pilots import services
from pilots.models import Pilot

from ..factories import BatchFactory, PilotFactory, county
from ..helpers import assert_audited, audit_for, by_state, not_permitted, refused

pytestmark = pytest.mark.django_db

P = Pilot.State


@pytest.fixture
def pilot(agency_org):
    pilot = PilotFactory(organisation=county("610922"))
    pilot.delegated_agencies.add(agency_org)
    return pilot


def move(pilot, state, **fields):
    Pilot.objects.filter(pk=pilot.pk).update(state=state, **fields)
    pilot.refresh_from_db()
    return pilot


def test_pilot_goes_from_selection_to_acceptance(pilot, applicant_county, city_ankang, province):
    simple = [
        ("start_plan", applicant_county, P.SELECTED, P.PLAN_DRAFTING),
        ("submit_plan", applicant_county, P.PLAN_DRAFTING, P.PLAN_SUBMITTED),
        ("file_plan", province, P.PLAN_SUBMITTED, P.PLAN_FILED),
    ]
    for name, actor, source, target in simple:
        services.pilot_transition(pilot=pilot, name=name, by=actor)
        assert_audited(pilot, action=name, actor=actor, from_state=source, to_state=target)
    # The local approval's meeting, minutes and issuing document are recorded by plans.services
    # (tests/plans); the pilot's own transition only moves the stage.
    services.pilot_transition(pilot=pilot, name="record_local_approval", by=applicant_county)
    stored = Pilot.objects.get(pk=pilot.pk)
    assert stored.state == P.IMPLEMENTING
    assert_audited(
        pilot,
        action="record_local_approval",
        actor=applicant_county,
        from_state=P.PLAN_FILED,
        to_state=P.IMPLEMENTING,
    )
    for name, actor, source, target in [
        ("request_acceptance", applicant_county, P.IMPLEMENTING, P.ACCEPTANCE_REQUESTED),
        ("forward_acceptance", city_ankang, P.ACCEPTANCE_REQUESTED, P.ACCEPTANCE_FORWARDED),
        ("start_acceptance_review", province, P.ACCEPTANCE_FORWARDED, P.IN_ACCEPTANCE_REVIEW),
    ]:
        services.pilot_transition(pilot=pilot, name=name, by=actor)
        assert_audited(pilot, action=name, actor=actor, from_state=source, to_state=target)
    services.pilot_accept(pilot=pilot, by=province, grade=Pilot.Grade.EXCELLENT, reason="评分优秀")
    stored = Pilot.objects.get(pk=pilot.pk)
    assert (stored.state, stored.acceptance_grade, stored.named_at) == (
        P.ACCEPTED,
        "excellent",
        timezone.localdate(),
    )
    assert audit_for(pilot).count() == 8


def test_plan_return_requires_a_reason(pilot, province):
    move(pilot, P.PLAN_SUBMITTED)
    with refused(pilot, code="reason_required", match="须填写理由"):
        services.pilot_transition(pilot=pilot, name="return_plan", by=province, reason=" ")
    services.pilot_transition(pilot=pilot, name="return_plan", by=province, reason="测算依据不足")
    assert_audited(
        pilot,
        action="return_plan",
        actor=province,
        from_state=P.PLAN_SUBMITTED,
        to_state=P.PLAN_RETURNED,
        reason="测算依据不足",
    )


def test_disqualification_refused_before_the_end_of_construction(pilot, province):
    assert pilot.batch.construction_end > timezone.localdate()
    move(pilot, P.IMPLEMENTING)
    with refused(pilot, code="state", match="建设期尚未结束"):
        services.pilot_transition(pilot=pilot, name="disqualify", by=province, reason="未按期验收")


def test_disqualification_after_the_end_of_construction_needs_a_reason(province):
    batch = BatchFactory(
        state="published", construction_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    pilot = PilotFactory(batch=batch, organisation=county("610921"), state=P.IMPLEMENTING)
    with refused(pilot, code="reason_required"):
        services.pilot_transition(pilot=pilot, name="disqualify", by=province)
    services.pilot_transition(pilot=pilot, name="disqualify", by=province, reason="建设期满未申请验收")
    assert_audited(
        pilot,
        action="disqualify",
        actor=province,
        from_state=P.IMPLEMENTING,
        to_state=P.DISQUALIFIED,
        reason="建设期满未申请验收",
    )


def test_accepted_pilot_cannot_be_disqualified(province):
    batch = BatchFactory(
        state="published", construction_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    pilot = PilotFactory(batch=batch, organisation=county("610921"), state=P.ACCEPTED)
    with by_state(pilot):
        services.pilot_transition(pilot=pilot, name="disqualify", by=province, reason="x")


@pytest.mark.parametrize("grade", ["", "perfect"])
def test_acceptance_requires_a_valid_grade(grade, pilot, province):
    move(pilot, P.IN_ACCEPTANCE_REVIEW)
    with refused(pilot, code="state", match="须选择验收等级"):
        services.pilot_accept(pilot=pilot, by=province, grade=grade)


def test_failed_acceptance_needs_a_reason_and_may_be_requested_again(pilot, province, applicant_county):
    move(pilot, P.IN_ACCEPTANCE_REVIEW, acceptance_grade="passed")
    with refused(pilot, code="reason_required"):
        services.pilot_transition(pilot=pilot, name="fail_acceptance", by=province)
    services.pilot_transition(pilot=pilot, name="fail_acceptance", by=province, reason="降低率未达标")
    assert Pilot.objects.get(pk=pilot.pk).acceptance_grade == ""
    services.pilot_transition(pilot=pilot, name="request_acceptance", by=applicant_county)
    assert Pilot.objects.get(pk=pilot.pk).state == P.ACCEPTANCE_REQUESTED


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (P.SELECTED, "submit_plan"),
        (P.PLAN_DRAFTING, "file_plan"),
        (P.IMPLEMENTING, "forward_acceptance"),
        (P.ACCEPTED, "request_acceptance"),
    ],
)
def test_transition_refused_by_state(state, name, pilot, applicant_county, city_ankang, province):
    move(pilot, state)
    actor = {
        "submit_plan": applicant_county,
        "request_acceptance": applicant_county,
        "forward_acceptance": city_ankang,
    }.get(name, province)
    with by_state(pilot):
        services.pilot_transition(pilot=pilot, name=name, by=actor)


@pytest.mark.parametrize(
    ("state", "name", "persona"),
    [
        (P.PLAN_DRAFTING, "submit_plan", "agency"),  # the agency drafts, never submits
        (P.PLAN_DRAFTING, "submit_plan", "city_ankang"),
        (P.PLAN_SUBMITTED, "file_plan", "city_ankang"),
        (P.PLAN_SUBMITTED, "file_plan", "drc"),
        (P.ACCEPTANCE_REQUESTED, "forward_acceptance", "city_xian"),
        (P.ACCEPTANCE_REQUESTED, "forward_acceptance", "applicant_county"),
        (P.ACCEPTANCE_FORWARDED, "start_acceptance_review", "finance"),
        (P.IMPLEMENTING, "request_acceptance", "applicant_xian"),
    ],
)
def test_transition_refused_by_role(state, name, persona, request, pilot):
    move(pilot, state)
    with not_permitted(pilot):
        services.pilot_transition(pilot=pilot, name=name, by=request.getfixturevalue(persona))


def test_city_returns_an_acceptance_request_with_a_reason(pilot, city_ankang):
    move(pilot, P.ACCEPTANCE_REQUESTED)
    with refused(pilot, code="reason_required"):
        services.pilot_transition(pilot=pilot, name="return_acceptance", by=city_ankang)
    services.pilot_transition(pilot=pilot, name="return_acceptance", by=city_ankang, reason="自评报告缺佐证")
    assert Pilot.objects.get(pk=pilot.pk).state == P.IMPLEMENTING
