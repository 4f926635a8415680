from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of

from .models import AnnualReport


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    scope = scope_of(user)
    not_draft = ~Q(state=AnnualReport.State.DRAFT)
    condition = Q(pk__in=[])
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER):
        condition |= not_draft
    if scope.has(Role.DRC_OFFICER):
        condition |= not_draft
    if scope.review_units:
        condition |= not_draft & Q(pilot__organisation__review_unit_id__in=scope.review_units)
    if scope.orgs(Role.APPLICANT):
        condition |= Q(pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        condition |= Q(pilot__delegated_agencies__in=scope.orgs(Role.AGENCY))
    return (
        AnnualReport.objects.filter(condition)
        .distinct()
        .select_related("pilot", "pilot__organisation", "pilot__organisation__review_unit", "pilot__batch")
    )


def get_report_for_user(user, pk) -> AnnualReport:
    return get_in_scope_or_404(reports_visible_to(user), pk=pk, message=gettext("报告不存在"))
