"""One review engine for any subject (issue 9): an acceptance round over two pilots runs through the same
services as a selection round (criteria frozen with the conflict rules, declarations, automatic
assignment around the conflicts, scoring, aggregation), and its results are rows of items checked here
against values computed by hand. The review item's constraint refuses an item with both subjects or none.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import ActionNotPermitted, DomainError
from pilots.models import Pilot
from reviews import services
from reviews.models import Conflict, CriteriaSet, Criterion, ReviewAssignment, ReviewItem, ReviewRound
from reviews.results import round_results

from ..factories import ApplicationFactory, BatchFactory, PilotFactory, county, item_of
from ..helpers import audit_for
from .officer_setup import LANTIAN, SHIQUAN, pool_expert

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State
R = ReviewRound.State
P = Pilot.State


def acceptance_criteria() -> CriteriaSet:
    """Two criteria: 建设成效 (weight 60, 0–10) and 示范推广 (weight 40, 0–10)."""
    criteria_set = CriteriaSet.objects.create(
        name="试点验收评分标准（测试）", purpose=ReviewRound.Purpose.ACCEPTANCE
    )
    Criterion.objects.create(criteria_set=criteria_set, code="effect", name="建设成效", weight=60, order=0)
    Criterion.objects.create(criteria_set=criteria_set, code="spread", name="示范推广", weight=40, order=1)
    return criteria_set


@pytest.fixture
def acceptance(province):
    """A batch with two pilots whose acceptance request reached the province, and four pool experts:
    王 lives in 安康 (the city of 石泉县: a rule conflict), 李, 陈 and 赵 have no address on record."""
    batch = BatchFactory()
    pilots = {
        "石泉": PilotFactory(batch=batch, organisation=county(SHIQUAN), state=P.ACCEPTANCE_FORWARDED),
        "蓝田": PilotFactory(batch=batch, organisation=county(LANTIAN), state=P.ACCEPTANCE_FORWARDED),
    }
    experts = {"王": pool_expert("王安康", review_unit_id="610900")}
    for name in ("李", "陈", "赵"):  # created in this order: the user ids rise, and break load ties
        experts[name] = pool_expert(f"{name}专家")
    review_round = services.round_create(
        by=province,
        name="首批试点验收评审",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=batch,
        criteria_set=acceptance_criteria(),
        experts_per_item=2,
        max_per_expert=2,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=20),
        aggregation_method="mean",
    )
    return review_round, pilots, experts


def sheet(effect, spread) -> dict:
    return {
        "effect": {"value": Decimal(effect), "na": False, "comment": ""},
        "spread": {"value": Decimal(spread), "na": False, "comment": ""},
    }


# Hand-computed: total = 60 × effect/10 + 40 × spread/10.
#   石泉: 李 (8, 9) → 48 + 36 = 84; 陈 (7, 6) → 42 + 24 = 66; mean 75
#   蓝田: 王 (9, 9) → 54 + 36 = 90; 赵 (6, 5) → 36 + 20 = 56; mean 73
SHEETS = {"李": (8, 9), "陈": (7, 6), "王": (9, 9), "赵": (6, 5)}


def test_an_acceptance_round_over_two_pilots_runs_through_the_shared_engine(acceptance, province):
    review_round, pilots, experts = acceptance
    assert not review_round.items.exists()  # an acceptance round's items are the pilots added to it

    added = services.round_add_pilots(review_round=review_round, pilots=list(pilots.values()), by=province)
    assert {i.pilot for i in added} == set(pilots.values())
    for pilot in pilots.values():  # the round puts each pilot under review, credited to the officer
        pilot.refresh_from_db()
        assert pilot.state == P.IN_ACCEPTANCE_REVIEW
        assert audit_for(pilot).get(action="pilots.pilot.start_acceptance_review").actor == province
    assert services.round_add_pilots(review_round=review_round, pilots=[pilots["石泉"]], by=province) == []
    items = {name: item_of(review_round, pilot) for name, pilot in pilots.items()}
    assert audit_for(review_round).filter(action="reviews.reviewround.add_pilots").count() == 1

    # Freezing the criteria runs the conflict rules over the pilots: 王 lives in 石泉's city.
    review_round = services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    rule = Conflict.objects.get(round=review_round, source=Conflict.Source.RULE)
    assert (rule.expert, rule.item, rule.kind) == (experts["王"], items["石泉"], Conflict.Kind.SAME_CITY)
    assert "安康" in rule.detail

    # Declarations: 陈 declares a conflict with 蓝田 (by its item, from the names only); the others none.
    for name, user in experts.items():
        conflicts = (
            [(items["蓝田"].pk, Conflict.Kind.RELATIVE, "配偶在蓝田县发改局任职")] if name == "陈" else []
        )
        services.declaration_submit(review_round=review_round, by=user, conflicts=conflicts)
    declared = Conflict.objects.get(round=review_round, source=Conflict.Source.DECLARED)
    assert (declared.expert, declared.item) == (experts["陈"], items["蓝田"])
    review_round = services.round_transition(
        review_round=review_round, name="close_declarations", by=province
    )

    # Automatic assignment: least-loaded first, never across a conflict.
    outcome = services.assignment_auto(review_round=review_round, by=province)
    assert outcome == {"created": 4, "unfilled": []}
    given = {
        (a.item.pilot.organisation.name, a.expert.full_name)
        for a in ReviewAssignment.objects.filter(round=review_round).select_related(
            "item__pilot__organisation", "expert"
        )
    }
    assert given == {
        ("石泉县人民政府", "李专家"),
        ("石泉县人民政府", "陈专家"),
        ("蓝田县人民政府", "王安康"),
        ("蓝田县人民政府", "赵专家"),
    }

    # Scoring by each assigned expert, through the same services as selection.
    review_round = services.round_transition(review_round=review_round, name="open_scoring", by=province)
    for assignment in ReviewAssignment.objects.filter(round=review_round).select_related("expert"):
        name = next(n for n, u in experts.items() if u == assignment.expert)
        services.assignment_respond(assignment=assignment, by=assignment.expert, accept=True)
        saved = services.scores_save(
            assignment=assignment,
            by=assignment.expert,
            values=sheet(*SHEETS[name]),
            opinion="建设任务基本完成。",
            submit=True,
        )
        assert (saved.state, saved.versions.get().total) == (
            A.SUBMITTED,
            {"李": 84, "陈": 66, "王": 90, "赵": 56}[name],
        )
    for pilot in pilots.values():  # under review since the round took it; scoring decides nothing of it
        pilot.refresh_from_db()
        assert pilot.state == P.IN_ACCEPTANCE_REVIEW

    # Aggregation and the results: one row per item, ranked.
    review_round = services.round_transition(review_round=review_round, name="aggregate", by=province)
    assert review_round.state == R.AGGREGATED
    results = round_results(review_round)
    assert [(r.item, r.name, r.primary, r.ranked.rank) for r in results.rows] == [
        (items["石泉"], "石泉县人民政府", Decimal(75), 1),
        (items["蓝田"], "蓝田县人民政府", Decimal(73), 2),
    ]
    totals = {r.name: sorted(e.total for e in r.experts) for r in results.rows}
    assert totals == {"石泉县人民政府": [66, 84], "蓝田县人民政府": [56, 90]}
    assert [(r.submitted, r.pending, r.expected) for r in results.rows] == [(2, 0, 2), (2, 0, 2)]
    assert results.ranked_ids == [items["石泉"].pk, items["蓝田"].pk]
    assert results.row_for(items["蓝田"].pk).statistics["n"] == 2
    assert not results.warnings and not results.error


def test_pilots_are_added_only_in_set_up_only_to_an_acceptance_round_and_only_when_forwarded(
    acceptance, province, applicant_county
):
    review_round, pilots, _ = acceptance
    implementing = PilotFactory(batch=review_round.batch, organisation=county("610921"), state=P.IMPLEMENTING)
    elsewhere = PilotFactory(organisation=county("610923"), state=P.ACCEPTANCE_FORWARDED)
    for pilot in (implementing, elsewhere):
        with pytest.raises(DomainError, match="不是本批次已报省验收的试点单位"):
            services.round_add_pilots(review_round=review_round, pilots=[pilot], by=province)
    assert not review_round.items.exists()
    with pytest.raises(ActionNotPermitted):  # a person who is not the provincial officer
        services.round_add_pilots(review_round=review_round, pilots=[pilots["石泉"]], by=applicant_county)
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    with pytest.raises(DomainError, match="评审已开始"):
        services.round_add_pilots(review_round=review_round, pilots=[pilots["石泉"]], by=province)
    selection = services.round_create(
        by=province,
        name="遴选",
        purpose=ReviewRound.Purpose.SELECTION,
        batch=review_round.batch,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=20),
    )
    with pytest.raises(DomainError, match="只有验收评审"):
        services.round_add_pilots(review_round=selection, pilots=[pilots["石泉"]], by=province)


# The item's database constraints -------------------------------------------------------------------
def test_an_item_with_both_subjects_or_neither_is_refused_by_the_database():
    pilot = PilotFactory(state=P.ACCEPTANCE_FORWARDED)
    review_round = ReviewRound.objects.create(
        name="验收", purpose=ReviewRound.Purpose.ACCEPTANCE, batch=pilot.batch
    )
    application = ApplicationFactory(batch=pilot.batch, organisation=county(LANTIAN))
    for subjects in ({"application": application, "pilot": pilot}, {}):
        with pytest.raises(IntegrityError, match="review_item_exactly_one_subject"), transaction.atomic():
            ReviewItem.objects.create(round=review_round, **subjects)
    ReviewItem.objects.create(round=review_round, pilot=pilot)
    ReviewItem.objects.create(round=review_round, application=application)
    # One item per subject and round.
    for subjects in ({"pilot": pilot}, {"application": application}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewItem.objects.create(round=review_round, **subjects)
    assert review_round.items.count() == 2
