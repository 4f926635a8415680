from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from applications.models import Batch
from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of

from .models import Conflict, ReviewAssignment, ReviewItem, ReviewRound
from .permissions import EXPERT_VISIBLE_STATES, is_pool_expert


def rounds_visible_to(user) -> QuerySet[ReviewRound]:
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.has(Role.PROVINCE_OFFICER):
        condition |= Q(pk__isnull=False)
    if scope.has(Role.FINANCE_OFFICER):
        condition |= Q(purpose=ReviewRound.Purpose.SELECTION)
    if scope.has(Role.DRC_OFFICER):
        condition |= Q(purpose=ReviewRound.Purpose.ACCEPTANCE)
    if scope.has(Role.EXPERT):
        condition |= Q(assignments__expert=user)
        if is_pool_expert(user):
            condition |= Q(state__in=EXPERT_VISIBLE_STATES)
    return ReviewRound.objects.filter(condition).distinct().select_related("batch", "criteria_set")


def get_round_for_user(user, pk) -> ReviewRound:
    return get_in_scope_or_404(rounds_visible_to(user), pk=pk, message=gettext("评审轮次不存在"))


def assignments_of_expert(user) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(expert=user)
        .select_related(
            "round",
            "round__batch",
            "item",
            "item__application__organisation",
            "item__application__organisation__review_unit",
            "item__pilot__organisation",
            "item__pilot__organisation__review_unit",
        )
        .order_by("-round__created_at", "state", "pk")
    )


def get_assignment_for_expert(user, pk) -> ReviewAssignment:
    return get_in_scope_or_404(assignments_of_expert(user), pk=pk, message=gettext("评审任务不存在"))


# What an expert may open --------------------------------------------------------------------------
# One rule for every subject: the expert holds a task on an item of it, confirmed (accepted) or
# submitted, has declared for that round, and has no active conflict (rule-proposed and not overridden,
# or declared) with the subject in any round. applications.access and pilots.access ask this rule
# (registered in reviews.apps) without knowing the review engine.
OPEN_TASK_STATES = (ReviewAssignment.State.ACCEPTED, ReviewAssignment.State.SUBMITTED)


def conflicts_with_subject(item: ReviewItem):
    """Conflicts on the item's subject, under this item or under another round's item of it."""
    return Conflict.objects.filter(item.same_subject("item__"))


def _open_tasks(user):
    """The expert's confirmed or submitted tasks in rounds they declared for, less those whose subject
    they have an active conflict with (in any round)."""
    conflicted = Conflict.objects.filter(expert=user, overridden_by__isnull=True).filter(
        Q(item__application_id=OuterRef("item__application_id"))
        | Q(item__pilot_id=OuterRef("item__pilot_id"))
    )
    return ReviewAssignment.objects.filter(
        expert=user, state__in=OPEN_TASK_STATES, round__declarations__expert=user
    ).exclude(Exists(conflicted))


def expert_application_ids(user):
    """Applications an expert may open: assigned to them, declared for the round and confirmed, and no
    active conflict of interest (rule-proposed and not overridden, or declared). None for a non-expert."""
    if not scope_of(user).has(Role.EXPERT):
        return None
    return _open_tasks(user).filter(item__application__isnull=False).values("item__application_id")


def expert_pilot_ids(user):
    """Pilots an expert may open (their acceptance material): the same rule on acceptance items."""
    if not scope_of(user).has(Role.EXPERT):
        return None
    return _open_tasks(user).filter(item__pilot__isnull=False).values("item__pilot_id")


def expert_may_open(user, assignment: ReviewAssignment) -> bool:
    """The subject behind the task is open to this expert (the rule of the application and pilot pages)."""
    return _open_tasks(user).filter(pk=assignment.pk).exists()


# The joint decision ------------------------------------------------------------------------------
# An application's proposal counts as confirmed once the finance department has acted on it: the
# states it can reach from there (an upheld objection later takes a shortlisted one to not_selected).
CONFIRMED_STATES = ("shortlisted", "not_selected", "in_publicity", "selected")


def decision_counts(review_round: ReviewRound) -> dict:
    """The joint decision's numbers: the one source of the round hub, the proposal page and the finance
    department's page, so they can never disagree. Two queries.

    - undecided: under review, or reviewed without a proposal (nothing for finance yet);
    - awaiting_confirmation (of which awaiting_shortlist): reviewed with a proposal, waiting for finance;
    - confirmed (confirmed_shortlist / confirmed_decline): finance has confirmed the proposal;
    - returned: the latest step was finance returning the proposal (the row, else None)."""
    from django.db.models import Count

    from applications.models import Application

    from .services import round_applications

    S = Application.State
    proposed = ~Q(decision_proposal="")
    confirmed = Q(state__in=CONFIRMED_STATES) & proposed
    numbers = round_applications(review_round).aggregate(
        items=Count("pk"),
        undecided=Count("pk", filter=Q(state=S.IN_EXPERT_REVIEW) | Q(state=S.REVIEWED, decision_proposal="")),
        awaiting_confirmation=Count("pk", filter=Q(state=S.REVIEWED) & proposed),
        awaiting_shortlist=Count("pk", filter=Q(state=S.REVIEWED, decision_proposal="shortlist")),
        confirmed=Count("pk", filter=confirmed),
        confirmed_shortlist=Count("pk", filter=confirmed & Q(decision_proposal="shortlist")),
        confirmed_decline=Count("pk", filter=confirmed & Q(decision_proposal="decline")),
    )
    latest = decision_history(review_round).last()
    numbers["returned"] = latest if latest is not None and latest.kind == latest.Kind.RETURN else None
    numbers["latest"] = latest
    return numbers


def decision_history(review_round: ReviewRound):
    """The proposals, returns and confirmations of a round, oldest first, with who made them."""
    from .models import SelectionDecision

    return SelectionDecision.objects.filter(round=review_round).select_related("by").order_by("at", "pk")


def latest_proposal(review_round: ReviewRound):
    from .models import SelectionDecision

    return decision_history(review_round).filter(kind=SelectionDecision.Kind.PROPOSE).last()


PUBLICITY_STATES = (Batch.State.PUBLICITY, Batch.State.PUBLISHED, Batch.State.CLOSED)


def publicity_batches() -> QuerySet[Batch]:
    """Batches whose shortlist has been put on publicity (公示): the public publicity pages and the API."""
    return Batch.objects.filter(state__in=PUBLICITY_STATES, publicity_start__isnull=False).order_by(
        "-publicity_start", "-pk"
    )
