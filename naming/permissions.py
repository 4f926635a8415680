"""Who may propose, confirm, return, publicise and see the acceptance decision. Pure functions of (user, obj)."""

from organisations.models import Role
from organisations.roles import scope_of


def can_propose_acceptance(user, review_round=None) -> bool:
    """The ecology department proposes the grades (and runs the publicity)."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_confirm_acceptance(user, review_round=None) -> bool:
    """The DRC confirms the proposal (the second key)."""
    return scope_of(user).has(Role.DRC_OFFICER)


def can_return_acceptance(user, review_round=None) -> bool:
    """Either department may return a pending proposal with its opinion."""
    return scope_of(user).has(Role.PROVINCE_OFFICER, Role.DRC_OFFICER)


def can_view_decision(user, review_round=None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER, Role.DRC_OFFICER)


def can_decide_acceptance(user, publicity=None) -> bool:
    """Open the publicity, record and handle objections, conclude: the ecology department."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_see_result(user, pilot) -> bool:
    """A pilot's result and certificate: the pilot's own staff, its city, the province (others 404)."""
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return True
    if pilot.organisation.review_unit_id in scope.review_units:
        return True
    return pilot.organisation_id in scope.orgs(Role.APPLICANT)
