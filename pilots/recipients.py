"""Who is told about a pilot: the one recipients lookup behind every app's notices about a pilot
(organisations.roles underneath). The sweeps over many pilots read the same rule in bulk with
organisations.roles.users_with_role_by."""

from organisations.models import Role
from organisations.roles import users_with_role


def pilot_staff(pilot) -> list:
    """The pilot's own staff (the applicant role of its organisation); an entrusted agency drafts but is
    not told for the pilot."""
    return list(users_with_role(Role.APPLICANT, organisation=pilot.organisation_id))


def pilot_city_officers(pilot) -> list:
    """The officers of the city bureau that is the pilot's review unit (none for a pilot without one)."""
    unit = pilot.organisation.review_unit_id
    return list(users_with_role(Role.CITY_OFFICER, review_unit=unit)) if unit else []
