"""Shared set-up for the officer-side review tests: pool experts, a two-criterion criteria set that
makes hand computation easy, applications under review and submitted sheets written straight to the
database (the expert-side scoring form has its own tests)."""

import itertools
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from organisations.models import Organisation, Role
from reviews.models import (
    CriteriaSet,
    Criterion,
    Declaration,
    Expert,
    ReviewAssignment,
    ReviewRound,
    Score,
)

from ..factories import ApplicationFactory, OrganisationFactory, ReviewRoundFactory, county, item_of, member

A = ReviewAssignment.State
R = ReviewRound.State
_phones = itertools.count(13600000000)
_sets = itertools.count(1)

SHIQUAN, LANTIAN, HANYIN = "610922", "610122", "610921"  # 石泉县 (安康), 蓝田县 (西安), 汉阴县 (安康)


def pool_expert(name: str, **fields):
    """A user with the expert role and a profile in the pool (employer: their own university)."""
    home = OrganisationFactory(name=f"{name}所在大学", kind=Organisation.Kind.EXPERT_HOME)
    user = member(Role.EXPERT, home, full_name=name)
    Expert.objects.create(
        user=user,
        name=name,
        employer=fields.pop("employer", home.name),
        phone=str(next(_phones)),
        **fields,
    )
    return user


def two_criteria() -> CriteriaSet:
    """A (weight 60, 0–10) and B (weight 40, 0–10, may be marked 不适用)."""
    criteria_set = CriteriaSet.objects.create(
        name=f"测试评分标准{next(_sets)}", purpose=ReviewRound.Purpose.SELECTION
    )
    Criterion.objects.create(criteria_set=criteria_set, code="a", name="工作基础", weight=60, order=0)
    Criterion.objects.create(
        criteria_set=criteria_set, code="b", name="减排成效", weight=40, allow_na=True, order=1
    )
    return criteria_set


def make_round(*, state=R.SETUP, **fields) -> ReviewRound:
    fields.setdefault("criteria_set", two_criteria())
    return ReviewRoundFactory(state=state, **fields)


def in_review(review_round: ReviewRound, division: str, state=Application.State.IN_EXPERT_REVIEW):
    application = ApplicationFactory(batch=review_round.batch, organisation=county(division), state=state)
    item_of(review_round, application)
    return application


def submitted(review_round, user, application, scores: dict, opinion="材料翔实。") -> ReviewAssignment:
    """A submitted sheet: scores {code: value, or None for 不适用}, each with a comment."""
    Declaration.objects.get_or_create(round=review_round, expert=user, defaults={"no_conflict": True})
    assignment = ReviewAssignment.objects.create(
        round=review_round,
        expert=user,
        item=item_of(review_round, application),
        state=A.SUBMITTED,
        submitted_at=timezone.now(),
        version=1,
        overall_opinion=opinion,
    )
    criteria = {c.code: c for c in review_round.criteria_set.criteria.all()}
    for code, value in scores.items():
        Score.objects.create(
            assignment=assignment,
            criterion=criteria[code],
            value=None if value is None else Decimal(str(value)),
            is_na=value is None,
            comment=f"{user.full_name}对{criteria[code].name}的评语",
        )
    return assignment


# The hand-computed fixture (see test_officer_results): expert totals are
#   X: 甲 84 (8, 9), 乙 70 (7, 不适用 → A alone: 100 × 0.7), 丙 78 (9, 6)
#   Y: 甲 74, 乙 80, 丙 76
#   Z: 甲 78, 乙 50, 丙 96
SHEETS = {
    "X": {"甲": {"a": 8, "b": 9}, "乙": {"a": 7, "b": None}, "丙": {"a": 9, "b": 6}},
    "Y": {"甲": {"a": 7, "b": 8}, "乙": {"a": 8, "b": 8}, "丙": {"a": 8, "b": 7}},
    "Z": {"甲": {"a": 9, "b": 6}, "乙": {"a": 5, "b": 5}, "丙": {"a": 10, "b": 9}},
}
DIVISIONS = {"X": SHIQUAN, "Y": LANTIAN, "Z": HANYIN}


def scored_round(*, state=R.AGGREGATED, **fields):
    """Three applications, three experts, every sheet submitted. Returns (round, {X/Y/Z: app}, {甲/乙/丙: user})."""
    fields.setdefault("experts_per_item", 3)
    fields.setdefault("aggregation_method", "trimmed_mean")
    review_round = make_round(state=state, **fields)
    experts = {name: pool_expert(f"专家{name}") for name in ("甲", "乙", "丙")}
    applications = {key: in_review(review_round, division) for key, division in DIVISIONS.items()}
    for key, by_expert in SHEETS.items():
        for name, scores in by_expert.items():
            submitted(review_round, experts[name], applications[key], scores)
    return review_round, applications, experts
