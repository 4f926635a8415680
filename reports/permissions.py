from organisations.models import Role
from organisations.roles import scope_of

from .models import AnnualReport


def can_view_report(user, report: AnnualReport) -> bool:
    scope = scope_of(user)
    organisation = report.pilot.organisation
    if organisation.pk in scope.orgs(Role.APPLICANT):
        return True
    agency_ids = scope.orgs(Role.AGENCY)
    if agency_ids and report.pilot.delegated_agencies.filter(pk__in=agency_ids).exists():
        return True
    if report.state == AnnualReport.State.DRAFT:
        return False
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return True
    return organisation.review_unit_id in scope.review_units


def can_submit_report(user, report: AnnualReport) -> bool:
    return report.pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def can_receive_report(user, report: AnnualReport) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)
