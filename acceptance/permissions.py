"""Who may see and act on acceptance requests. Pure functions of (user, object).

Reading follows the pilot (province, the city of the pilot's review unit, the pilot's staff and its delegated
agencies). The pilot's staff or its agency prepare the self-evaluation; only the pilot's staff submit it; the
city bureau of the pilot's review unit forwards it to the province or returns it."""

from organisations.models import Role
from organisations.roles import scope_of

from .models import AcceptanceRequest

PROVINCIAL = (Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER)


def _is_pilot_staff(user, pilot) -> bool:
    return pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def _is_pilot_agency(user, pilot) -> bool:
    agencies = scope_of(user).orgs(Role.AGENCY)
    return bool(agencies) and any(a.pk in agencies for a in pilot.delegated_agencies.all())


def _is_pilot_city(user, pilot) -> bool:
    return pilot.organisation.review_unit_id in scope_of(user).review_units


def can_view_request(user, request: AcceptanceRequest) -> bool:
    pilot = request.pilot
    if scope_of(user).has(*PROVINCIAL):
        return request.state == AcceptanceRequest.State.FORWARDED or _is_pilot_city(user, pilot)
    return _is_pilot_city(user, pilot) or _is_pilot_staff(user, pilot) or _is_pilot_agency(user, pilot)


def can_prepare_for(user, pilot) -> bool:
    """The pilot's staff or an agency it delegated prepare (draft) the self-evaluation."""
    return _is_pilot_staff(user, pilot) or _is_pilot_agency(user, pilot)


def can_edit_request(user, request: AcceptanceRequest) -> bool:
    return request.is_editable and can_prepare_for(user, request.pilot)


def can_submit_request(user, request: AcceptanceRequest) -> bool:
    """Only the pilot submits: a technical agency drafts but never submits."""
    return _is_pilot_staff(user, request.pilot)


def can_decide_request(user, request: AcceptanceRequest) -> bool:
    return _is_pilot_city(user, request.pilot)


def is_province(user) -> bool:
    return scope_of(user).has(*PROVINCIAL)


def can_recommend(user, pilot=None) -> bool:
    """The province recommends accepted pilots to the national programme."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)
