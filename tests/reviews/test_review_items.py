"""A selection round's items are the applications it always reviewed (issue 9): made when the round is
created and when it leaves set-up, and for an application that enters expert review later, by the
transition itself; never for an application outside the reviewed states."""

import datetime

import pytest

from applications.models import Application
from reviews import services
from reviews.models import ReviewItem, ReviewRound

from ..factories import ApplicationFactory, BatchFactory, county
from .officer_setup import HANYIN, LANTIAN, SHIQUAN, two_criteria

pytestmark = pytest.mark.django_db

S = Application.State


def test_a_selection_rounds_items_follow_its_applications_into_expert_review(province):
    batch = BatchFactory()
    under_review = ApplicationFactory(batch=batch, organisation=county(SHIQUAN), state=S.IN_EXPERT_REVIEW)
    forwarded = ApplicationFactory(batch=batch, organisation=county(LANTIAN), state=S.FORWARDED)
    ApplicationFactory(batch=batch, organisation=county(HANYIN), state=S.SUBMITTED)
    review_round = services.round_create(
        by=province,
        name="遴选",
        purpose=ReviewRound.Purpose.SELECTION,
        batch=batch,
        criteria_set=two_criteria(),
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=20),
    )
    assert [i.application for i in services.round_items(review_round)] == [under_review]

    # Sent to review after the round began: the transition makes its item (once).
    assert services.batch_start_expert_review(review_round=review_round, by=province) == 1
    assert {i.application for i in services.round_items(review_round)} == {under_review, forwarded}
    assert services.items_materialise(review_round) == 0
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    assert ReviewItem.objects.filter(round=review_round).count() == 2
    assert set(services.round_applications(review_round)) == {under_review, forwarded}
    # Every item has its subject's name and organisation, whatever the subject.
    assert {i.display_name for i in services.round_items(review_round)} == {
        under_review.organisation.name,
        forwarded.organisation.name,
    }
