"""Who may see and act on dispatches. Pure functions of (user, object).

- the province manages dispatches and sees every answer; finance and the DRC read everything;
- a city officer sees the answers (and completeness) of the pilots of its review unit;
- a pilot's staff answer and submit; its delegated agency drafts (saves, uploads) but never submits;
- anyone else (experts, other cities, other pilots) sees nothing: the views answer 404.
"""

from organisations.models import Role
from organisations.roles import scope_of

from .models import Dispatch, DispatchResponse

READERS = (Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER)


def can_manage_dispatches(user, dispatch: Dispatch | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def sees_all_dispatches(user) -> bool:
    return scope_of(user).has(*READERS)


def _is_agency_of(user, pilot) -> bool:
    agency_ids = scope_of(user).orgs(Role.AGENCY)
    return bool(agency_ids) and pilot.delegated_agencies.filter(pk__in=agency_ids).exists()


def can_view_response(user, response: DispatchResponse) -> bool:
    scope = scope_of(user)
    if scope.has(*READERS):
        return True
    organisation = response.pilot.organisation
    if organisation.review_unit_id in scope.review_units:
        return True
    if organisation.pk in scope.orgs(Role.APPLICANT):
        return True
    return _is_agency_of(user, response.pilot)


def can_edit_response(user, response: DispatchResponse) -> bool:
    """Save a draft or upload the template: the pilot's staff and its delegated agency, while the
    dispatch is open and the answer is not submitted."""
    if response.dispatch.state != Dispatch.State.OPEN or response.state == DispatchResponse.State.SUBMITTED:
        return False
    if response.pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT):
        return True
    return _is_agency_of(user, response.pilot)


def can_submit_response(user, response: DispatchResponse) -> bool:
    return response.pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def can_reopen_response(user, response: DispatchResponse) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)
