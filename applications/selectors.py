"""Reads: querysets scoped to the user, with their related rows already joined."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of

from . import access
from .models import Application, Batch
from .permissions import CITY_VISIBLE_STATES, FINANCE_VISIBLE_STATES, PROVINCE_VISIBLE_STATES


def applications_visible_to(user) -> QuerySet[Application]:
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.orgs(Role.APPLICANT):
        condition |= Q(organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.has(Role.PROVINCE_OFFICER):
        condition |= Q(state__in=PROVINCE_VISIBLE_STATES)
    if scope.has(Role.FINANCE_OFFICER):
        condition |= Q(state__in=FINANCE_VISIBLE_STATES)
    if scope.review_units:
        condition |= Q(state__in=CITY_VISIBLE_STATES, organisation__review_unit_id__in=scope.review_units)
    if scope.orgs(Role.AGENCY):
        # Exists, not a join: a join could repeat rows and force a DISTINCT over every column, which
        # made the paginator's count the slowest part of the province's list (docs/benchmarks.md).
        condition |= Exists(
            Application.delegated_agencies.through.objects.filter(
                application_id=OuterRef("pk"), organisation_id__in=scope.orgs(Role.AGENCY)
            )
        )
    readable = access.readable_condition(user)  # e.g. an expert's assigned applications (reviews)
    if readable is not None:
        condition |= readable
    return Application.objects.filter(condition).select_related(
        "batch", "organisation", "organisation__review_unit", "organisation__division"
    )


def get_application_for_user(user, pk) -> Application:
    """The application if the user may see it; 404 otherwise (no hint that it exists)."""
    return get_in_scope_or_404(applications_visible_to(user), pk=pk, message=gettext("申报书不存在"))


def batches_open_for_applicants() -> QuerySet[Batch]:
    return Batch.objects.filter(state=Batch.State.OPEN).order_by("application_deadline")


def public_batches() -> QuerySet[Batch]:
    """Calls the public may know of: every batch once it has opened (a draft is the province's business)."""
    return Batch.objects.exclude(state=Batch.State.DRAFT).order_by("-year", "-pk")
