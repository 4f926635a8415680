"""Who may see and act on batches and applications. Pure functions of (user, object).

The querysets that implement the same scopes for lists live in selectors.py; the tests check that
the two agree for every role.
"""

from organisations.models import Role
from organisations.roles import scope_of

from .models import Application, Batch

# Applications the province and finance see: everything the applicant has sent at least once.
CITY_VISIBLE_STATES = frozenset(s for s in Application.State.values if s != Application.State.DRAFT)
PROVINCE_VISIBLE_STATES = frozenset(
    {
        Application.State.FORWARDED,
        Application.State.RETURNED_TO_CITY,
        Application.State.IN_EXPERT_REVIEW,
        Application.State.REVIEWED,
        Application.State.SHORTLISTED,
        Application.State.NOT_SELECTED,
        Application.State.IN_PUBLICITY,
        Application.State.SELECTED,
    }
)
FINANCE_VISIBLE_STATES = frozenset(
    {
        Application.State.REVIEWED,
        Application.State.SHORTLISTED,
        Application.State.NOT_SELECTED,
        Application.State.IN_PUBLICITY,
        Application.State.SELECTED,
    }
)


def can_manage_batches(user, batch: Batch | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_view_application(user, application: Application) -> bool:
    scope = scope_of(user)
    if application.organisation_id in scope.orgs(Role.APPLICANT):
        return True
    if scope.has(Role.PROVINCE_OFFICER) and application.state in PROVINCE_VISIBLE_STATES:
        return True
    if scope.has(Role.FINANCE_OFFICER) and application.state in FINANCE_VISIBLE_STATES:
        return True
    if (
        application.state in CITY_VISIBLE_STATES
        and application.organisation.review_unit_id in scope.review_units
    ):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    if agency_ids and application.delegated_agencies.filter(pk__in=agency_ids).exists():
        return True
    from .access import may_read  # e.g. an expert's assigned applications (registered by reviews)

    return may_read(user, application)


def can_edit_application(user, application: Application) -> bool:
    """Applicant staff and a delegated technical agency may edit a draft; only staff submit."""
    if not application.is_editable:
        return False
    scope = scope_of(user)
    if application.organisation_id in scope.orgs(Role.APPLICANT):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    return bool(agency_ids) and application.delegated_agencies.filter(pk__in=agency_ids).exists()


def can_request_draft_pdf(user, application: Application) -> bool:
    """Draft renderings are the applicant's working copies: its staff and its delegated agency."""
    scope = scope_of(user)
    if application.organisation_id in scope.orgs(Role.APPLICANT):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    return bool(agency_ids) and application.delegated_agencies.filter(pk__in=agency_ids).exists()


def can_submit_application(user, application: Application) -> bool:
    return application.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def can_screen_application(user, application: Application) -> bool:
    return application.organisation.review_unit_id in scope_of(user).review_units


def can_run_selection(user, application: Application | None = None) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_confirm_selection(user, application: Application | None = None) -> bool:
    return scope_of(user).has(Role.FINANCE_OFFICER)
