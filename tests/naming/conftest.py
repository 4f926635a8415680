"""Fixtures of the acceptance decision: an acceptance round, scored and aggregated, over two pilots under
acceptance review, 石泉县 (安康) and 蓝田县 (西安)."""

import datetime

import pytest
from django.utils import timezone

from applications.models import Batch
from naming import services
from pilots.models import Pilot
from reviews.models import ReviewRound

from ..factories import BatchFactory, PilotFactory, ReviewRoundFactory, item_of


def future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def past(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def batch(db):
    return BatchFactory(state=Batch.State.PUBLISHED, construction_end=future(200))


@pytest.fixture
def pilot(batch, shiquan):
    return PilotFactory(batch=batch, organisation=shiquan, state=Pilot.State.IN_ACCEPTANCE_REVIEW)


@pytest.fixture
def other_pilot(batch, lantian):
    return PilotFactory(batch=batch, organisation=lantian, state=Pilot.State.IN_ACCEPTANCE_REVIEW)


@pytest.fixture
def review_round(batch, pilot, other_pilot):
    review_round = ReviewRoundFactory(
        name="首批试点验收评审",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=batch,
        state=ReviewRound.State.AGGREGATED,
    )
    item_of(review_round, pilot)
    item_of(review_round, other_pilot)
    return review_round


REASONS = {
    "excellent": "各项指标全部完成，综合得分92.5分。",
    "passed": "约束性指标完成，综合得分84分。",
    "fail": "单位GDP二氧化碳排放降低率未达到方案约束性目标。",
}


def propose(review_round, by, grades: dict, note: str = ""):
    """Propose `grades` {pilot: grade} with a reason each."""
    return services.decision_propose(
        review_round=review_round,
        by=by,
        grades={p.pk: g for p, g in grades.items()},
        reasons={p.pk: REASONS[g] for p, g in grades.items()},
        note=note,
    )


@pytest.fixture
def proposed(review_round, province, drc, pilot, other_pilot):
    return propose(review_round, province, {pilot: "excellent", other_pilot: "fail"})


@pytest.fixture
def confirmed(proposed, review_round, drc):
    return services.decision_confirm(review_round=review_round, by=drc, opinion="同意。")


@pytest.fixture
def in_publicity(confirmed, review_round, province):
    return services.publicity_open(
        review_round=review_round,
        by=province,
        start=past(20),
        working_days=5,
        contact="应对气候变化处 029-87654321",
    )
