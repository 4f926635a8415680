from pilots.models import Role
from pilots.roles import scope_of

from .models import ReviewRound


def can_manage_round(user, review_round: ReviewRound | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_view_round(user, review_round: ReviewRound) -> bool:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return True
    if review_round.purpose == ReviewRound.Purpose.SELECTION and scope.has(Role.FINANCE_OFFICER):
        return True
    if review_round.purpose == ReviewRound.Purpose.ACCEPTANCE and scope.has(Role.DRC_OFFICER):
        return True
    return scope.has(Role.EXPERT) and review_round.assignments.filter(expert=user).exists()
