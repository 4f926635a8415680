from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from pilots.models import Role
from pilots.roles import scope_of

from .models import ReviewAssignment, ReviewRound
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
    review_round = rounds_visible_to(user).filter(pk=pk).first()
    if review_round is None:
        raise Http404(gettext("评审轮次不存在"))
    return review_round


def assignments_of_expert(user) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(expert=user)
        .select_related(
            "round",
            "round__batch",
            "application__organisation",
            "application__organisation__review_unit",
            "pilot__organisation",
        )
        .order_by("-round__created_at", "state", "pk")
    )


def get_assignment_for_expert(user, pk) -> ReviewAssignment:
    assignment = assignments_of_expert(user).filter(pk=pk).first()
    if assignment is None:
        raise Http404(gettext("评审任务不存在"))
    return assignment
