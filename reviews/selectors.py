from django.db.models import Q, QuerySet
from django.http import Http404

from pilots.models import Role
from pilots.roles import scope_of

from .models import ReviewRound


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
    return ReviewRound.objects.filter(condition).distinct().select_related("batch")


def get_round_for_user(user, pk) -> ReviewRound:
    review_round = rounds_visible_to(user).filter(pk=pk).first()
    if review_round is None:
        raise Http404("评审轮次不存在")
    return review_round
