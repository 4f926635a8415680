"""Who may see and act on awards. Pure functions of (user, object).

- The finance department (省财政厅) records awards, plans and disburses instalments and sets the caps.
- The provincial ecology department (省生态环境厅) reads every award and cap, and changes nothing.
- A pilot's own staff and the city bureau of its review unit read that pilot's awards, nobody else's.
"""

from organisations.models import Role
from organisations.roles import scope_of

from .models import Award

READ_ALL = (Role.FINANCE_OFFICER, Role.PROVINCE_OFFICER)


def can_manage_awards(user, obj=None) -> bool:
    """Record awards, plan / disburse / cancel instalments, set caps: the finance officer."""
    return scope_of(user).has(Role.FINANCE_OFFICER)


def can_read_all_awards(user) -> bool:
    return scope_of(user).has(*READ_ALL)


def can_view_award(user, award: Award) -> bool:
    scope = scope_of(user)
    if scope.has(*READ_ALL):
        return True
    pilot = award.pilot
    return pilot.organisation.review_unit_id in scope.review_units or pilot.organisation_id in scope.orgs(
        Role.APPLICANT
    )


def may_see_awards(user) -> bool:
    """Whether the awards section offers the user anything (the menu, the list page)."""
    scope = scope_of(user)
    return scope.has(*READ_ALL) or bool(scope.review_units) or bool(scope.orgs(Role.APPLICANT))
