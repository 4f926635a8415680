"""Who may write, submit, approve and read the showcase pages (the public reads only published versions,
through selectors.public_version, without any of these). Pure functions of (user, object)."""

from organisations.models import Role
from organisations.roles import scope_of
from pilots.models import Pilot

from .models import ShowcaseVersion


def _writes_for(user, pilot: Pilot) -> bool:
    """The pilot's own staff, or its entrusted technical agency."""
    scope = scope_of(user)
    if pilot.organisation_id in scope.orgs(Role.APPLICANT):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    return bool(agency_ids) and pilot.delegated_agencies.filter(pk__in=agency_ids).exists()


def can_edit_showcase(user, pilot: Pilot) -> bool:
    """Draft (or start a new version of) the pilot's page: its staff or agency, once it is accepted."""
    return pilot.state == Pilot.State.ACCEPTED and _writes_for(user, pilot)


def can_submit_version(user, version: ShowcaseVersion) -> bool:
    """The pilot's own staff submit (the page is published in its name); its agency drafts but never
    submits, as everywhere else (pilots.permissions.can_act_for_pilot)."""
    return version.page.pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def can_decide_version(user, version: ShowcaseVersion | None = None) -> bool:
    """The province approves (publishes), returns or unpublishes."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_review_showcase(user) -> bool:
    """The province's review queue."""
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_view_version(user, version: ShowcaseVersion) -> bool:
    """Unpublished versions: the writers, the province and the city of the pilot's review unit."""
    pilot = version.page.pilot
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return True
    if pilot.organisation.review_unit_id in scope.review_units:
        return True
    return _writes_for(user, pilot)
