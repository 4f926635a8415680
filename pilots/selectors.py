from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from applications.models import Batch
from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of

from . import access
from .models import Pilot

PUBLIC_BATCH_STATES = (Batch.State.PUBLISHED, Batch.State.CLOSED)


def published_pilots() -> QuerySet[Pilot]:
    """Pilots of published batches: the public list. A pilot whose title was taken away stays on it with
    that outcome, so the list still adds up to the published selection (the notice's 21 units)."""
    return (
        Pilot.objects.filter(batch__state__in=PUBLIC_BATCH_STATES)
        .select_related("organisation", "organisation__review_unit", "organisation__division", "batch")
        .order_by(
            "batch__year", "organisation__review_unit__order", "organisation__kind", "organisation__name"
        )
    )


def pilots_visible_to(user) -> QuerySet[Pilot]:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        condition = Q()
    else:
        condition = Q(pk__in=[])
        if scope.review_units:
            condition |= Q(organisation__review_unit_id__in=scope.review_units)
        if scope.orgs(Role.APPLICANT):
            condition |= Q(organisation_id__in=scope.orgs(Role.APPLICANT))
        if scope.orgs(Role.AGENCY):
            # Exists, not a join: a join repeats a pilot once per delegated agency and needs a DISTINCT
            # over every column, which made the paginator's count the slowest part of the API's list.
            condition |= Exists(
                Pilot.delegated_agencies.through.objects.filter(
                    pilot_id=OuterRef("pk"), organisation_id__in=scope.orgs(Role.AGENCY)
                )
            )
        readable = access.readable_condition(user)  # e.g. an acceptance expert's pilots (reviews)
        if readable is not None:
            condition |= readable
    return Pilot.objects.filter(condition).select_related(
        "organisation", "organisation__review_unit", "organisation__division", "batch"
    )


def get_pilot_for_user(user, pk) -> Pilot:
    return get_in_scope_or_404(pilots_visible_to(user), pk=pk, message=gettext("试点单位不存在"))


def disqualification_proposals_visible_to(user) -> QuerySet:
    """The clock's proposals: the province's officers see and decide them; nobody else sees the list."""
    from .models import DisqualificationProposal
    from .permissions import can_decide_disqualification

    proposals = DisqualificationProposal.objects.select_related(
        "pilot__organisation__review_unit", "pilot__batch", "decided_by"
    ).order_by("state", "period_end", "pilot__organisation__name", "pk")
    return proposals if can_decide_disqualification(user) else proposals.none()
