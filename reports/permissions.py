from organisations.models import Role
from organisations.roles import scope_of

from .models import AnnualReport


def _is_pilot_staff(user, pilot) -> bool:
    return pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def _is_delegated_agency(user, pilot) -> bool:
    agency_ids = scope_of(user).orgs(Role.AGENCY)
    return bool(agency_ids) and pilot.delegated_agencies.filter(pk__in=agency_ids).exists()


def can_view_report(user, report: AnnualReport) -> bool:
    scope = scope_of(user)
    organisation = report.pilot.organisation
    if _is_pilot_staff(user, report.pilot) or _is_delegated_agency(user, report.pilot):
        return True
    if report.state == AnnualReport.State.DRAFT:
        return False
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return True
    return organisation.review_unit_id in scope.review_units


def can_draft_report(user, pilot) -> bool:
    """The pilot's staff or a technical agency it entrusted may create and fill a report."""
    return _is_pilot_staff(user, pilot) or _is_delegated_agency(user, pilot)


def can_edit_report(user, report: AnnualReport) -> bool:
    return report.editable and can_draft_report(user, report.pilot)


def can_submit_report(user, report: AnnualReport) -> bool:
    """Only the pilot submits (an agency drafts, never submits)."""
    return _is_pilot_staff(user, report.pilot)


def can_receive_report(user, report: AnnualReport) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_add_city_opinion(user, report: AnnualReport) -> bool:
    return (
        report.state in (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED)
        and report.pilot.organisation.review_unit_id in scope_of(user).review_units
    )


def can_evaluate_report(user, report: AnnualReport) -> bool:
    return report.state == AnnualReport.State.RECEIVED and scope_of(user).has(Role.PROVINCE_OFFICER)


def can_see_overview(user) -> bool:
    scope = scope_of(user)
    return scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER) or bool(
        scope.review_units
    )
