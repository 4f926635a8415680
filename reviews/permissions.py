"""Who may see and act on review rounds. Pure functions of (user, object)."""

from core.errors import ActionNotPermitted
from organisations.models import Role
from organisations.roles import scope_of

from .models import ReviewAssignment, ReviewRound

EXPERT_VISIBLE_STATES = (
    ReviewRound.State.DECLARING,
    ReviewRound.State.ASSIGNING,
    ReviewRound.State.SCORING,
    ReviewRound.State.AGGREGATED,
    ReviewRound.State.DECIDED,
)


def can_manage_round(user, review_round: ReviewRound | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def require_round_manager(user, review_round: ReviewRound | None = None) -> None:
    """The one officer check of the review services and pages: raises ActionNotPermitted.

    Services let it propagate (the caller shows its Chinese message); the officer pages turn it into a
    404, like every object outside the user's scope (reviews.views_officer._require_officer)."""
    if not can_manage_round(user, review_round):
        raise ActionNotPermitted()


def can_see_results(user, review_round: ReviewRound) -> bool:
    """Scores, aggregation and ranking: the ecology department, and its co-organiser of the round."""
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return True
    if review_round.purpose == ReviewRound.Purpose.SELECTION:
        return scope.has(Role.FINANCE_OFFICER)
    return scope.has(Role.DRC_OFFICER)


def is_pool_expert(user) -> bool:
    from .models import Expert

    return scope_of(user).has(Role.EXPERT) and Expert.objects.filter(user=user, active=True).exists()


def can_view_round(user, review_round: ReviewRound) -> bool:
    if can_see_results(user, review_round):
        return True
    if not scope_of(user).has(Role.EXPERT):
        return False
    if review_round.assignments.filter(expert=user).exists():
        return True
    return review_round.state in EXPERT_VISIBLE_STATES and is_pool_expert(user)


def can_see_other_scores(user, assignment: ReviewAssignment) -> bool:
    """An expert sees the others' scores on an item only after submitting their own."""
    return assignment.expert_id == user.pk and assignment.state == ReviewAssignment.State.SUBMITTED


def can_answer_proposal(user, review_round: ReviewRound | None = None) -> bool:
    """Confirm or return the ecology department's proposal: the finance department (joint decision)."""
    if review_round is not None and review_round.purpose != ReviewRound.Purpose.SELECTION:
        return False
    return scope_of(user).has(Role.FINANCE_OFFICER)


def _has_open_task(user, item) -> bool:
    """A confirmed or submitted task on the item, declared for, without an active conflict (the rule of
    the pilot's own page: reviews.selectors.expert_may_open)."""
    from .selectors import _open_tasks

    return _open_tasks(user).filter(item_id=item.pk).exists()


def can_record_site_visit(user, item) -> bool:
    """A site visit to an acceptance item's pilot: the round's officer, or an expert with an open task on it."""
    return can_manage_round(user, item.round) or _has_open_task(user, item)


def can_see_site_visits(user, item) -> bool:
    """The visits and their photos: whoever sees the round's results, or an expert with an open task."""
    return can_see_results(user, item.round) or _has_open_task(user, item)
