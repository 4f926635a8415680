"""Who may see an organisation. Pure functions of (user, object)."""

from .models import Organisation, Role
from .roles import scope_of


def can_view_organisation(user, organisation: Organisation) -> bool:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return True
    if organisation.review_unit_id in scope.review_units:
        return True
    return any(organisation.pk in ids for ids in scope.organisations.values())
