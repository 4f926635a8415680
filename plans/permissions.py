"""Who may see and act on plans, the ledger and change requests. Pure functions of (user, object).

- The province (省生态环境厅) sees everything and decides (returns / files plans, approves changes).
- The city officer of the pilot's review unit sees everything of its pilots, read-only, and gives the
  city opinion on change requests.
- The pilot's own staff (role APPLICANT of the pilot's organisation) edit, submit, record the local
  approval and ask for changes; an agency the pilot entrusted (Pilot.delegated_agencies, role AGENCY)
  edits the draft but never submits.
- Finance and DRC officers see filed plans (and the ledger); experts and other cities see nothing (404).
"""

from organisations.models import Role
from organisations.roles import scope_of

EDITABLE_STATES = ("drafting", "returned")


def _is_staff(user, pilot) -> bool:
    return pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def _is_agency(user, pilot) -> bool:
    agency_ids = scope_of(user).orgs(Role.AGENCY)
    return bool(agency_ids) and pilot.delegated_agencies.filter(pk__in=agency_ids).exists()


def _is_city(user, pilot) -> bool:
    return pilot.organisation.review_unit_id in scope_of(user).review_units


def is_province(user) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


def can_view_plan(user, plan) -> bool:
    pilot = plan.pilot
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        return True
    if _is_city(user, pilot) or _is_staff(user, pilot) or _is_agency(user, pilot):
        return True
    return scope.has(Role.FINANCE_OFFICER, Role.DRC_OFFICER) and plan.state == "filed"


def can_view_ledger(user, pilot) -> bool:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return True
    return _is_city(user, pilot) or _is_staff(user, pilot) or _is_agency(user, pilot)


def can_edit_plan(user, plan) -> bool:
    """Draft: the pilot's staff or an entrusted agency, while the plan is being drafted or was returned."""
    if plan.state not in EDITABLE_STATES:
        return False
    return _is_staff(user, plan.pilot) or _is_agency(user, plan.pilot)


def can_submit_plan(user, plan) -> bool:
    return _is_staff(user, plan.pilot)


def can_decide_plan(user, plan=None) -> bool:
    return is_province(user)


def can_record_local_approval(user, plan) -> bool:
    return _is_staff(user, plan.pilot)


def can_request_change(user, pilot) -> bool:
    return _is_staff(user, pilot)


def can_view_change(user, request) -> bool:
    return can_view_ledger(user, request.pilot)


def can_give_city_opinion(user, request) -> bool:
    return _is_city(user, request.pilot)


def can_decide_change(user, request=None) -> bool:
    return is_province(user)


def can_list_plans(user) -> bool:
    """The province's list of plans (finance and DRC see it restricted to filed plans)."""
    return scope_of(user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER)
