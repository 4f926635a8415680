"""Who may see and act on pilots. Pure functions of (user, object)."""

from organisations.models import Role
from organisations.roles import scope_of

from .models import Pilot


def can_view_pilot(user, pilot: Pilot) -> bool:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return True
    if pilot.organisation.review_unit_id in scope.review_units:
        return True
    if pilot.organisation_id in scope.orgs(Role.APPLICANT):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    if agency_ids and pilot.delegated_agencies.filter(pk__in=agency_ids).exists():
        return True
    from .access import may_read  # e.g. an acceptance expert's pilots (registered by reviews)

    return may_read(user, pilot)


def can_act_for_pilot(user, pilot: Pilot) -> bool:
    """The pilot's own staff act for it (a technical agency drafts but never submits)."""
    return pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def can_screen_pilot(user, pilot: Pilot) -> bool:
    return pilot.organisation.review_unit_id in scope_of(user).review_units


def can_manage_pilots(user, pilot: Pilot | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_decide_disqualification(user, proposal=None) -> bool:
    """The province decides on the clock's proposals (confirm with a reason, or grant an extension)."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)
