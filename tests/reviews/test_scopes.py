"""Review rounds: the province sees all; finance selection rounds; DRC acceptance rounds; an expert only
the rounds with a task assigned to them."""

import pytest
from django.urls import reverse

from reviews import permissions
from reviews.models import ReviewRound
from reviews.selectors import rounds_visible_to

from ..factories import ReviewAssignmentFactory, ReviewRoundFactory

pytestmark = pytest.mark.django_db

VISIBLE = {
    "selection": {"province", "finance", "expert"},
    "acceptance": {"province", "drc"},
}


@pytest.fixture
def rounds(expert):
    selection = ReviewRoundFactory(name="第二批遴选评审", purpose=ReviewRound.Purpose.SELECTION)
    acceptance = ReviewRoundFactory(name="首批验收评审", purpose=ReviewRound.Purpose.ACCEPTANCE)
    ReviewAssignmentFactory(round=selection, expert=expert)
    return {"selection": selection, "acceptance": acceptance}


def test_permission_selector_and_detail_page_agree_for_every_role(personas, rounds, client_for):
    wrong = []
    for name, user in personas.items():
        listed = set(rounds_visible_to(user).values_list("pk", flat=True))
        client = client_for(user)
        for key, review_round in rounds.items():
            expected = name in VISIBLE[key]
            if permissions.can_view_round(user, review_round) != expected:
                wrong.append(("permission", name, key))
            if (review_round.pk in listed) != expected:
                wrong.append(("selector", name, key))
            response = client.get(reverse("reviews:detail", args=[review_round.pk]))
            if response.status_code != (200 if expected else 404):
                wrong.append(("http", name, key, response.status_code))
            elif expected and review_round.name not in response.text:
                wrong.append(("content", name, key))
    assert wrong == []


def test_an_expert_without_assignment_sees_no_round(rounds, db):
    from organisations.models import Organisation, Role

    from ..factories import OrganisationFactory, member

    other = member(Role.EXPERT, OrganisationFactory(kind=Organisation.Kind.EXPERT_HOME))
    assert not rounds_visible_to(other).exists()
    assert not permissions.can_view_round(other, rounds["selection"])


def test_expert_sees_only_their_own_assignments_in_a_round(rounds, expert, client_for):
    from ..factories import UserFactory

    colleague = UserFactory(full_name="另一位专家")
    ReviewAssignmentFactory(round=rounds["selection"], expert=colleague)
    page = client_for(expert).get(reverse("reviews:detail", args=[rounds["selection"].pk])).text
    assert expert.full_name in page
    assert "另一位专家" not in page


@pytest.mark.parametrize("persona", ["finance", "drc", "city_ankang", "expert", "outsider"])
def test_round_actions_refused_or_404_for_non_province(persona, request, rounds, client_for):
    user = request.getfixturevalue(persona)
    for review_round in rounds.values():
        response = client_for(user).post(reverse("reviews:action", args=[review_round.pk, "freeze_criteria"]))
        assert response.status_code in (302, 404)
        if persona not in VISIBLE[review_round.purpose]:
            assert response.status_code == 404
        review_round.refresh_from_db()
        assert review_round.state == ReviewRound.State.SETUP


@pytest.mark.parametrize(
    ("state", "active", "visible"),
    [
        (ReviewRound.State.SETUP, True, False),  # criteria not frozen yet: nothing to declare
        (ReviewRound.State.DECLARING, True, True),  # every pool expert declares conflicts
        (ReviewRound.State.DECLARING, False, False),  # left the pool
    ],
)
def test_pool_experts_see_rounds_once_declarations_open(state, active, visible, client_for):
    from organisations.models import Organisation, Role
    from reviews.models import Expert

    from ..factories import OrganisationFactory, member

    user = member(Role.EXPERT, OrganisationFactory(kind=Organisation.Kind.EXPERT_HOME))
    Expert.objects.create(user=user, name="赵专家", employer="长安大学", phone="13700000000", active=active)
    review_round = ReviewRoundFactory(state=state)
    assert permissions.can_view_round(user, review_round) is visible
    assert rounds_visible_to(user).filter(pk=review_round.pk).exists() is visible
    response = client_for(user).get(reverse("reviews:detail", args=[review_round.pk]))
    assert response.status_code == (200 if visible else 404)
