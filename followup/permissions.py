"""Who may see and act on yearly work plans, follow-up visits and expert guidance. Pure functions.

Reading follows the pilot (province, the city of the pilot's review unit, the pilot's own staff and its
delegated agencies); guidance records also to the experts of the group. Acting:
- work plan: the pilot or its agency drafts, only the pilot files; the pilot's city acknowledges or returns;
- visit: the pilot's city records and closes it; the pilot records its rectification;
- guidance: the province forms and assigns groups; the province or an expert of the group records a visit;
  the pilot records its response.
"""

from organisations.models import Role
from organisations.roles import scope_of

from .models import GuidanceGroup, GuidanceVisit, Visit, WorkPlan

PROVINCIAL = (Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER)


def _sees_pilot(user, pilot) -> bool:
    scope = scope_of(user)
    if scope.has(*PROVINCIAL):
        return True
    if pilot.organisation.review_unit_id in scope.review_units:
        return True
    return pilot.organisation_id in scope.orgs(Role.APPLICANT) or _is_pilot_agency(user, pilot)


def _is_pilot_staff(user, pilot) -> bool:
    return pilot.organisation_id in scope_of(user).orgs(Role.APPLICANT)


def _is_pilot_agency(user, pilot) -> bool:
    agencies = scope_of(user).orgs(Role.AGENCY)
    return bool(agencies) and any(a.pk in agencies for a in pilot.delegated_agencies.all())


def _is_pilot_city(user, pilot) -> bool:
    return pilot.organisation.review_unit_id in scope_of(user).review_units


def is_province(user) -> bool:
    return scope_of(user).has(Role.PROVINCE_OFFICER)


# Work plans ----------------------------------------------------------------------------------------
def can_view_work_plan(user, work_plan: WorkPlan) -> bool:
    return _sees_pilot(user, work_plan.pilot)


def can_draft_work_plan_for(user, pilot) -> bool:
    """The pilot's staff or an agency it delegated may draft (and edit) a work plan."""
    return _is_pilot_staff(user, pilot) or _is_pilot_agency(user, pilot)


def can_edit_work_plan(user, work_plan: WorkPlan) -> bool:
    return work_plan.is_editable and can_draft_work_plan_for(user, work_plan.pilot)


def can_file_work_plan(user, work_plan: WorkPlan) -> bool:
    """Only the pilot files: a technical agency drafts but never files."""
    return _is_pilot_staff(user, work_plan.pilot)


def can_decide_work_plan(user, work_plan: WorkPlan) -> bool:
    return _is_pilot_city(user, work_plan.pilot)


# City follow-up visits -----------------------------------------------------------------------------
def can_view_visit(user, visit: Visit) -> bool:
    return _sees_pilot(user, visit.pilot)


def can_record_visit_for(user, pilot) -> bool:
    return _is_pilot_city(user, pilot)


def can_edit_visit(user, visit: Visit) -> bool:
    """The city adds attachments while the visit is open."""
    return visit.state == Visit.State.OPEN and _is_pilot_city(user, visit.pilot)


def can_close_visit(user, visit: Visit) -> bool:
    return _is_pilot_city(user, visit.pilot)


def can_respond_visit(user, visit: Visit) -> bool:
    return visit.state == Visit.State.OPEN and _is_pilot_staff(user, visit.pilot)


# Expert guidance -----------------------------------------------------------------------------------
def can_manage_guidance(user, group: GuidanceGroup | None = None) -> bool:
    return is_province(user)


def is_group_expert(user, group: GuidanceGroup) -> bool:
    return scope_of(user).has(Role.EXPERT) and group.experts.filter(user=user, active=True).exists()


def can_record_guidance_visit(user, group: GuidanceGroup) -> bool:
    return is_province(user) or is_group_expert(user, group)


def can_respond_guidance_visit(user, visit: GuidanceVisit) -> bool:
    return _is_pilot_staff(user, visit.pilot)
