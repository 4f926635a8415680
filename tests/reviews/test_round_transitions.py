"""Review round state machine, through reviews.services."""

import pytest

from reviews import services
from reviews.models import ReviewAssignment, ReviewRound

from ..factories import ReviewAssignmentFactory, ReviewRoundFactory
from ..helpers import assert_audited, by_state, not_permitted, refused

pytestmark = pytest.mark.django_db

W = ReviewRound.State


def test_round_goes_from_setup_to_decision(province, expert):
    review_round = ReviewRoundFactory()
    steps = [
        ("freeze_criteria", W.SETUP, W.DECLARING),
        ("close_declarations", W.DECLARING, W.ASSIGNING),
        ("open_scoring", W.ASSIGNING, W.SCORING),
        ("aggregate", W.SCORING, W.AGGREGATED),
        ("decide", W.AGGREGATED, W.DECIDED),
    ]
    for name, source, target in steps:
        if name == "aggregate":
            ReviewAssignmentFactory(round=review_round, expert=expert, state=ReviewAssignment.State.SUBMITTED)
        services.round_transition(review_round=review_round, name=name, by=province)
        assert_audited(review_round, action=name, actor=province, from_state=source, to_state=target)
    assert ReviewRound.objects.get(pk=review_round.pk).criteria_frozen_at is not None


def test_freezing_requires_a_scoring_deadline(province):
    review_round = ReviewRoundFactory(scoring_deadline=None)
    with refused(review_round, code="state", match="须先设置打分截止日期"):
        services.round_transition(review_round=review_round, name="freeze_criteria", by=province)


def test_aggregation_waits_for_every_score(province, expert):
    review_round = ReviewRoundFactory(state=W.SCORING)
    ReviewAssignmentFactory(round=review_round, expert=expert, state=ReviewAssignment.State.ACCEPTED)
    ReviewAssignmentFactory(round=review_round, state=ReviewAssignment.State.DECLINED)
    with refused(review_round, code="state", match="尚有评审任务未完成打分"):
        services.round_transition(review_round=review_round, name="aggregate", by=province)
    ReviewAssignment.objects.filter(round=review_round, expert=expert).update(
        state=ReviewAssignment.State.SUBMITTED
    )
    services.round_transition(review_round=review_round, name="aggregate", by=province)
    assert ReviewRound.objects.get(pk=review_round.pk).state == W.AGGREGATED


@pytest.mark.parametrize(
    ("state", "name"), [(W.SETUP, "open_scoring"), (W.DECIDED, "decide"), (W.DECLARING, "aggregate")]
)
def test_refused_by_state(state, name, province):
    review_round = ReviewRoundFactory(state=state)
    with by_state(review_round):
        services.round_transition(review_round=review_round, name=name, by=province)


@pytest.mark.parametrize("persona", ["finance", "drc", "expert", "city_xian", "outsider"])
def test_refused_by_role(persona, request):
    review_round = ReviewRoundFactory()
    with not_permitted(review_round):
        services.round_transition(
            review_round=review_round, name="freeze_criteria", by=request.getfixturevalue(persona)
        )


def test_unknown_action_is_refused(province):
    review_round = ReviewRoundFactory()
    with refused(review_round, code="refused"):
        services.round_transition(review_round=review_round, name="reset", by=province)
