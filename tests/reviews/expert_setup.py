"""Shared set-up for the expert-side review tests: pool experts, a scoring round with the real selection
criteria (reviews/migrations/0003_selection_criteria), applications in review and tasks."""

import itertools
from decimal import Decimal

from django.core.files.base import ContentFile

from applications.models import Application, ApplicationSnapshot
from organisations.models import Organisation, Role
from reviews.models import CriteriaSet, Declaration, Expert, ReviewAssignment, ReviewRound

from ..factories import (
    PDF_BYTES,
    ApplicationFactory,
    OrganisationFactory,
    ReviewRoundFactory,
    county,
    item_of,
    member,
)

A = ReviewAssignment.State
R = ReviewRound.State
_phones = itertools.count(13700000000)

# The selection criteria of the migration: code -> (weight, allow_na); every scale is 0..10.
WEIGHTS = {
    "foundation": (15, False),
    "commitment": (15, False),
    "distinctiveness": (15, False),
    "targets": (15, False),
    "feasibility": (20, False),
    "effect": (10, True),
    "replicability": (10, False),
}


def make_pool_expert(user, **fields) -> Expert:
    """Put an existing user (e.g. the `expert` persona) into the expert pool."""
    return Expert.objects.create(
        user=user,
        name=user.full_name or user.username,
        employer=fields.pop("employer", "西安交通大学"),
        phone=str(next(_phones)),
        **fields,
    )


def pool_expert(name: str, **fields):
    """A new user with the expert role and a profile in the pool."""
    home = OrganisationFactory(name=f"{name}所在高校", kind=Organisation.Kind.EXPERT_HOME)
    user = member(Role.EXPERT, home, full_name=name)
    make_pool_expert(user, employer=home.name, **fields)
    return user


def criteria_set() -> CriteriaSet:
    return CriteriaSet.objects.get(name="低碳近零碳试点遴选评分标准", version=1)


def scoring_round(*, state=R.SCORING, experts_per_item=2, **fields) -> ReviewRound:
    return ReviewRoundFactory(
        state=state, criteria_set=criteria_set(), experts_per_item=experts_per_item, **fields
    )


def in_review(review_round: ReviewRound, division: str = "610922", *, pdf: bool = True) -> Application:
    """An application of the round's batch under expert review, with its submitted version (and PDF)."""
    application = ApplicationFactory(
        batch=review_round.batch, organisation=county(division), state=Application.State.IN_EXPERT_REVIEW
    )
    item_of(review_round, application)
    snapshot = ApplicationSnapshot.objects.create(application=application, number=1, data={}, token="t" * 32)
    if pdf:
        snapshot.pdf.save("annex1.pdf", ContentFile(PDF_BYTES))
    return application


def declare(review_round: ReviewRound, user, no_conflict: bool = True) -> Declaration:
    return Declaration.objects.get_or_create(
        round=review_round, expert=user, defaults={"no_conflict": no_conflict}
    )[0]


def task(review_round, user, application, state=A.ACCEPTED, *, declared=True) -> ReviewAssignment:
    if declared:
        declare(review_round, user)
    return ReviewAssignment.objects.create(
        round=review_round, expert=user, item=item_of(review_round, application), state=state
    )


def sheet(**overrides) -> dict:
    """A complete, valid sheet for scores_save: every criterion 7, with overrides (None = n/a)."""
    values = {}
    for code in WEIGHTS:
        value = overrides.get(code, Decimal(7))
        values[code] = {"value": value, "na": value is None, "comment": ""}
    return values


def form(values: dict | None = None, *, action="submit", opinion="材料翔实，路径清晰。", reason="") -> dict:
    """The POST of the scoring form: score-<code>, na-<code>, comment-<code>, opinion, action."""
    data = {"action": action, "opinion": opinion, "change_reason": reason}
    for code in WEIGHTS:
        data[f"score-{code}"] = "7"
        data[f"comment-{code}"] = ""
    for code, value in (values or {}).items():
        if value is None:
            data[f"na-{code}"] = "1"
            data[f"score-{code}"] = ""
        elif isinstance(value, tuple):
            data[f"score-{code}"], data[f"comment-{code}"] = value
        else:
            data[f"score-{code}"] = value
    return data


def move(review_round: ReviewRound, state: str) -> ReviewRound:
    """Put the round in a state directly (the FSM field is protected); returns the fresh row."""
    ReviewRound.objects.filter(pk=review_round.pk).update(state=state)
    return ReviewRound.objects.get(pk=review_round.pk)
