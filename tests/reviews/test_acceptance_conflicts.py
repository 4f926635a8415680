"""A conflict of interest closes a pilot's acceptance material to the expert by every path, as it closes an
application's (test_conflict_enforcement): the pilot's page and the pilot list, the task page with its
scoring form and material link, the score post, the other experts' scores, the expert's score-sheet PDF;
the officers' results, ranking and exports are closed to every expert anyway. Without a conflict the
same paths are open to the assigned, confirmed and declared expert, and to nobody else."""

import pytest
from django.urls import reverse

from pilots.models import Pilot
from reviews import services
from reviews.models import Conflict, ReviewAssignment, ReviewRound, Score, ScoreVersion

from ..factories import PilotFactory, ReviewRoundFactory, county, item_of
from .expert_setup import declare, make_pool_expert, pool_expert
from .officer_setup import SHIQUAN
from .test_acceptance_engine import acceptance_criteria, sheet

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State


@pytest.fixture
def world(expert, province):
    """石泉县's pilot under acceptance review; the pool expert and a colleague have both submitted."""
    make_pool_expert(expert)
    pilot = PilotFactory(organisation=county(SHIQUAN), state=Pilot.State.IN_ACCEPTANCE_REVIEW)
    review_round = ReviewRoundFactory(
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=pilot.batch,
        state=ReviewRound.State.SCORING,
        criteria_set=acceptance_criteria(),
        experts_per_item=3,
    )
    item = item_of(review_round, pilot)
    tasks = []
    for user in (expert, pool_expert("李慧")):
        declare(review_round, user)
        assignment = ReviewAssignment.objects.create(
            round=review_round, expert=user, item=item, state=A.ACCEPTED
        )
        services.scores_save(
            assignment=assignment, by=user, values=sheet(8, 7), opinion="同意通过。", submit=True
        )
        tasks.append(assignment)
    mine = tasks[0]
    mine.refresh_from_db()
    return {
        "round": review_round,
        "pilot": pilot,
        "item": item,
        "assignment": mine,
        "expert": expert,
        "province": province,
    }


def reachable(client, w) -> dict[str, bool]:
    """Every path to the pilot's acceptance material or its scores, and whether it answered with it."""
    pk = w["pilot"].pk
    gets = {
        "detail": reverse("pilots:detail", args=[pk]),
        "others": reverse("reviews:my_assignment_others", args=[w["assignment"].pk]),
    }
    found = {name: client.get(url).status_code == 200 for name, url in gets.items()}
    found["list"] = w["pilot"].organisation.name in client.get(reverse("pilots:list")).text
    page = client.get(reverse("reviews:my_assignment", args=[w["assignment"].pk]))
    found["scoring_page"] = (
        page.status_code == 200
        and 'data-testid="score-form"' in page.text
        and reverse("pilots:detail", args=[pk]) in page.text
    )
    found["others_on_page"] = page.status_code == 200 and "专家A" in page.text
    before = (Score.objects.count(), ScoreVersion.objects.count())
    response = client.post(
        reverse("reviews:my_assignment_scores", args=[w["assignment"].pk]),
        {
            "action": "submit",
            "opinion": "复核",
            "change_reason": "复核",
            "score-effect": "9",
            "score-spread": "7",
        },
    )
    found["score_post"] = response.status_code != 404
    if not found["score_post"]:
        assert (Score.objects.count(), ScoreVersion.objects.count()) == before
    return found


def rule_conflict(w) -> Conflict:
    return Conflict.objects.create(
        round=w["round"],
        expert=w["expert"],
        item=w["item"],
        kind=Conflict.Kind.SAME_CITY,
        source=Conflict.Source.RULE,
        detail="专家与试点单位同属安康市",
    )


def declared_conflict(w) -> Conflict:
    return Conflict.objects.create(
        round=w["round"], expert=w["expert"], item=w["item"], kind=Conflict.Kind.RELATIVE, source="declared"
    )


def test_without_conflict_every_path_is_open(world, client_for):
    """The control: the paths below really lead to the pilot for the expert allowed to see it."""
    found = reachable(client_for(world["expert"]), world)
    assert found == dict.fromkeys(found, True)


@pytest.mark.parametrize("make_conflict", [rule_conflict, declared_conflict])
def test_a_conflicted_expert_reaches_nothing(world, client_for, make_conflict):
    make_conflict(world)
    client = client_for(world["expert"])
    found = reachable(client, world)
    assert found == dict.fromkeys(found, False)
    page = client.get(reverse("reviews:my_assignment", args=[world["assignment"].pk]))
    assert page.status_code == 200 and "利益冲突" in page.text


def test_a_conflict_on_the_pilot_in_another_round_closes_it_too(world, client_for):
    """Like applications: a conflict with the subject in any round, not only under this item."""
    earlier = ReviewRoundFactory(purpose=ReviewRound.Purpose.ACCEPTANCE, batch=world["pilot"].batch)
    Conflict.objects.create(
        round=earlier,
        expert=world["expert"],
        item=item_of(earlier, world["pilot"]),
        kind=Conflict.Kind.EMPLOYER,
        source=Conflict.Source.RULE,
    )
    found = reachable(client_for(world["expert"]), world)
    assert found == dict.fromkeys(found, False)


def test_an_overridden_rule_conflict_opens_the_paths_again(world, client_for):
    conflict = rule_conflict(world)
    client = client_for(world["expert"])
    assert not any(reachable(client, world).values())
    services.conflict_override(conflict=conflict, by=world["province"], reason="专家已调离安康市三年")
    found = reachable(client, world)
    assert found == dict.fromkeys(found, True)


def test_an_expert_without_a_confirmed_task_or_declaration_gains_nothing(world, client_for):
    """Assigned but not yet confirmed, or confirmed without the round's declaration: the pilot stays closed,
    and an expert of the pool with no task on it never sees it."""
    assigned = pool_expert("赵强")
    declare(world["round"], assigned)
    ReviewAssignment.objects.create(
        round=world["round"], expert=assigned, item=world["item"], state=A.ASSIGNED
    )
    undeclared = pool_expert("钱明")
    ReviewAssignment.objects.create(
        round=world["round"], expert=undeclared, item=world["item"], state=A.ACCEPTED
    )
    bystander = pool_expert("孙丽")
    for user in (assigned, undeclared, bystander):
        client = client_for(user)
        assert client.get(reverse("pilots:detail", args=[world["pilot"].pk])).status_code == 404
        assert world["pilot"].organisation.name not in client.get(reverse("pilots:list")).text


def test_score_sheet_pdfs_results_and_exports_are_closed_to_a_conflicted_expert(world, client_for):
    declared_conflict(world)
    pk = world["round"].pk
    results = reverse("reviews:results", args=[pk])
    urls = [
        results,
        f"{results}?export=xlsx",
        reverse("reviews:score_sheets", args=[pk]),
        reverse("reviews:coverage", args=[pk]),
        reverse("reviews:conflicts", args=[pk]),
        reverse("reviews:score_sheet", args=[pk, world["province"].pk]),
    ]
    client = client_for(world["expert"])
    answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 404)
    assert client_for(world["province"]).get(results).status_code == 200  # the 404 above is the refusal
