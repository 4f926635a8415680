"""Assignment: manual, refused on a conflict, a load limit or a full application; automatic with a
balanced load that never assigns a conflicted pair; the coverage matrix shows who has what."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Conflict, ReviewAssignment

from ..factories import item_of
from ..helpers import refused
from .officer_setup import R, in_review, make_round, pool_expert

pytestmark = pytest.mark.django_db

COUNTIES = ["610922", "610122", "610921", "610923", "610924", "610925"]


def conflict(review_round, expert, application, kind=Conflict.Kind.SAME_CITY):
    return Conflict.objects.create(
        round=review_round,
        expert=expert,
        item=item_of(review_round, application),
        kind=kind,
        source=Conflict.Source.RULE,
    )


@pytest.fixture
def assigning(db):
    review_round = make_round(state=R.ASSIGNING, experts_per_item=2, max_per_expert=2)
    applications = [in_review(review_round, code) for code in COUNTIES[:3]]
    experts = [pool_expert(f"专家{i}") for i in range(3)]
    return review_round, applications, experts


def test_manual_assignment_is_refused_on_a_conflict(assigning, province):
    review_round, (x, *_), (e0, *_) = assigning
    conflict(review_round, e0, x)
    with refused(review_round, match="存在利益冲突，不能分配"):
        services.assignment_create(
            review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
        )
    assert not ReviewAssignment.objects.exists()


def test_an_overridden_conflict_no_longer_blocks(assigning, province):
    review_round, (x, *_), (e0, *_) = assigning
    c = conflict(review_round, e0, x)
    services.conflict_override(conflict=c, by=province, reason="经核实，专家与该县无任何关系。")
    services.assignment_create(
        review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
    )
    assert ReviewAssignment.objects.filter(expert=e0, item__application=x).exists()


def test_manual_assignment_is_refused_over_the_load_limit(assigning, province):
    review_round, (x, y, z), (e0, *_) = assigning
    services.assignment_create(
        review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
    )
    services.assignment_create(
        review_round=review_round, expert=e0, item=item_of(review_round, y), by=province
    )
    with refused(review_round, match="评审任务已达上限（2项）"):
        services.assignment_create(
            review_round=review_round, expert=e0, item=item_of(review_round, z), by=province
        )
    assert ReviewAssignment.objects.filter(expert=e0).count() == 2


def test_manual_assignment_is_refused_beyond_the_experts_per_application(assigning, province):
    review_round, (x, *_), (e0, e1, e2) = assigning
    services.assignment_create(
        review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
    )
    services.assignment_create(
        review_round=review_round, expert=e1, item=item_of(review_round, x), by=province
    )
    with refused(review_round, match="已分配2位专家"):
        services.assignment_create(
            review_round=review_round, expert=e2, item=item_of(review_round, x), by=province
        )


def test_manual_assignment_is_refused_outside_the_assignment_stages(province):
    review_round = make_round(state=R.DECLARING)
    x = in_review(review_round, COUNTIES[0])
    e0 = pool_expert("专家")
    with refused(review_round, match="只能在"):
        services.assignment_create(
            review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
        )


def test_automatic_assignment_balances_the_load_and_respects_conflicts(province):
    review_round = make_round(state=R.ASSIGNING, experts_per_item=2, max_per_expert=10)
    applications = [in_review(review_round, code) for code in COUNTIES]
    experts = [pool_expert(f"专家{i}") for i in range(4)]
    conflict(review_round, experts[0], applications[0])
    conflict(review_round, experts[0], applications[1], Conflict.Kind.SAME_COUNTY)
    conflict(review_round, experts[1], applications[0])

    outcome = services.assignment_auto(review_round=review_round, by=province)

    assert outcome == {"created": 12, "unfilled": []}
    pairs = set(ReviewAssignment.objects.values_list("expert_id", "item__application_id"))
    assert not pairs & {(experts[0].pk, applications[0].pk), (experts[0].pk, applications[1].pk)}
    assert (experts[1].pk, applications[0].pk) not in pairs
    loads = [sum(1 for e, _ in pairs if e == expert.pk) for expert in experts]
    assert max(loads) - min(loads) <= 1
    per_application = [sum(1 for _, a in pairs if a == app.pk) for app in applications]
    assert per_application == [2] * 6


def test_automatic_assignment_reports_what_it_could_not_fill(province, client_for):
    review_round = make_round(state=R.ASSIGNING, experts_per_item=2, max_per_expert=1)
    applications = [in_review(review_round, code) for code in COUNTIES[:2]]
    pool_expert("专家甲")
    pool_expert("专家乙")
    page = client_for(province).post(reverse("reviews:assign_auto", args=[review_round.pk]), follow=True).text
    assert "已自动分配2项评审任务" in page
    assert "可分配的专家不足" in page and applications[1].organisation.name in page


def test_the_coverage_matrix_shows_who_has_what_and_what_is_missing(assigning, province, client_for):
    review_round, (x, y, z), (e0, e1, e2) = assigning
    conflict(review_round, e2, z)
    services.assignment_create(
        review_round=review_round, expert=e0, item=item_of(review_round, x), by=province
    )
    page = client_for(province).get(reverse("reviews:coverage", args=[review_round.pk])).text
    assert "1/2" in page  # x has one of two experts
    assert "冲突" in page
    assert "尚缺 5 个专家席位" in page
    assert f'name="expert" value="{e1.pk}"' in page  # an open slot to assign


def test_assignment_forms_post_to_the_service(assigning, province, client_for):
    review_round, (x, *_), (e0, *_) = assigning
    conflict(review_round, e0, x)
    client = client_for(province)
    page = client.post(
        reverse("reviews:assign", args=[review_round.pk]),
        {"expert": e0.pk, "item": item_of(review_round, x).pk},
        follow=True,
    ).text
    assert "存在利益冲突，不能分配" in page
    assert not ReviewAssignment.objects.exists()
