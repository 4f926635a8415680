"""Reads of acceptance requests, scoped to the user (the same scope as permissions.py): a request of another
city or another pilot answers 404. Each list is a queryset with its joins applied (a fixed number of
queries whatever its length)."""

from collections import Counter
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from indicators import scoring
from indicators.models import AcceptanceItem
from organisations.models import Role
from organisations.roles import scope_of
from pilots import access
from pilots.models import Pilot
from reviews.self_scores import SelfEvaluation, SelfScore

from . import evaluation
from .models import AcceptanceRequest, Attachment, Claim, Line, ProjectCompletion
from .permissions import PROVINCIAL

PILOT_JOINS = ("pilot__organisation", "pilot__organisation__review_unit", "pilot__batch", "system")


def _condition(user) -> Q:
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.has(*PROVINCIAL):
        condition |= Q(state=AcceptanceRequest.State.FORWARDED)
    if scope.review_units:
        condition |= Q(pilot__organisation__review_unit_id__in=scope.review_units) & ~Q(
            state=AcceptanceRequest.State.DRAFT
        )
    if scope.orgs(Role.APPLICANT):
        condition |= Q(pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        agency_pilots = Pilot.objects.filter(delegated_agencies__in=scope.orgs(Role.AGENCY)).values("pk")
        condition |= Q(pilot__in=agency_pilots)
    readable = access.readable_condition(user)  # an expert with an open task on the pilot (reviews)
    if readable is not None:
        readable_pilots = Pilot.objects.filter(readable).values("pk")
        condition |= Q(state=AcceptanceRequest.State.FORWARDED, pilot__in=readable_pilots)
    return condition


def requests_visible_to(user) -> QuerySet[AcceptanceRequest]:
    """The city sees its pilots' requests once submitted (a draft is the pilot's own); the province sees the
    forwarded ones; the pilot and its agencies see their own."""
    return (
        AcceptanceRequest.objects.filter(_condition(user))
        .select_related(*PILOT_JOINS, "submitted_by")
        .order_by("-submitted_at", "-pk")
    )


def get_request_for_user(user, pk) -> AcceptanceRequest:
    request = (
        AcceptanceRequest.objects.filter(_condition(user), pk=pk)
        .select_related(*PILOT_JOINS, "submitted_by", "created_by")
        .prefetch_related("pilot__delegated_agencies", "decisions__decided_by")
        .first()
    )
    if request is None:
        raise Http404(gettext("验收申请不存在"))
    return request


def pilots_to_prepare(user) -> QuerySet[Pilot]:
    """The pilots for which the user may prepare a request now (its staff, its delegated agencies): those
    implementing or whose acceptance failed."""
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.orgs(Role.APPLICANT):
        condition |= Q(organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        condition |= Q(delegated_agencies__in=scope.orgs(Role.AGENCY))
    return (
        Pilot.objects.filter(condition, state__in=[Pilot.State.IMPLEMENTING, Pilot.State.ACCEPTANCE_FAILED])
        .distinct()
        .select_related("organisation", "batch")
    )


def lines_of(request) -> list[Line]:
    return list(request.lines.select_related("item__indicator", "item__category").order_by("order", "pk"))


def evaluation_of(request, spec=None) -> evaluation.Evaluation:
    """The live self-evaluation of a request (a fixed number of queries)."""
    spec = spec or scoring.spec_of(request.system)
    lines = lines_of(request)
    attachments = list(request.attachments.values_list("kind", "line_id", "claim_id"))
    claims = list(request.claims.select_related("adjustment"))
    claim_of = {c.pk: c.adjustment.code for c in claims}
    return evaluation.evaluate(
        spec,
        lines,
        evidence_counts=Counter(line for kind, line, _c in attachments if kind == Attachment.Kind.EVIDENCE),
        claims={c.adjustment.code: c.points for c in claims},
        claim_evidence=Counter(
            claim_of.get(c) for kind, _l, c in attachments if kind == Attachment.Kind.CLAIM
        ),
        vetoes=list(request.vetoes_raised),
        veto_declared=request.veto_declared,
        has_verification=any(kind == Attachment.Kind.VERIFICATION for kind, _l, _c in attachments),
        projects=list(request.projects.all()),
    )


def attachments_of(request) -> list[Attachment]:
    return list(request.attachments.select_related("uploaded_by"))


def claims_of(request) -> list[Claim]:
    return list(request.claims.select_related("adjustment"))


def projects_of(request) -> list[ProjectCompletion]:
    return list(request.projects.all())


def items_of(request) -> list[AcceptanceItem]:
    return list(AcceptanceItem.objects.filter(category__system=request.system_id))


# The provider of reviews.self_scores ------------------------------------------------------------
def self_evaluations(pilot_ids) -> dict[int, SelfEvaluation]:
    """Each pilot's latest submitted (or forwarded) request as the acceptance review reads it: three
    queries whatever the number of pilots."""
    latest: dict[int, AcceptanceRequest] = {}
    for request in AcceptanceRequest.objects.filter(
        pilot_id__in=list(pilot_ids), state__in=AcceptanceRequest.SUBMITTED_STATES
    ).order_by("pilot_id", "-attempt"):
        latest.setdefault(request.pilot_id, request)
    if not latest:
        return {}
    ids = [r.pk for r in latest.values()]
    lines: dict[int, dict[str, SelfScore]] = {}
    evidence = set(
        Attachment.objects.filter(request_id__in=ids, kind=Attachment.Kind.EVIDENCE).values_list(
            "line_id", flat=True
        )
    )
    for line in Line.objects.filter(request_id__in=ids).select_related("item__indicator").order_by("order"):
        lines.setdefault(line.request_id, {})[line.item.indicator.code] = SelfScore(
            value=line.self_score,
            calculation=line.calculation,
            actual=line.actual,
            target=line.target,
            evidence=line.pk in evidence,
            met=line.met,
        )
    claims: dict[int, dict[str, Decimal]] = {}
    for claim in Claim.objects.filter(request_id__in=ids).select_related("adjustment"):
        claims.setdefault(claim.request_id, {})[claim.adjustment.code] = claim.points
    return {
        pid: SelfEvaluation(
            system_id=r.system_id,
            items=lines.get(r.pk, {}),
            claims=claims.get(r.pk, {}),
            vetoes=tuple(r.vetoes_raised),
            total=r.total,
            grade=r.grade or None,
            material_url=reverse("acceptance:detail", args=[r.pk]),
        )
        for pid, r in latest.items()
    }


def todos_for(user) -> dict[str, int]:
    """The dashboard's counts: the requests the city has to check, the drafts or returned requests the pilot
    (or its agency) has to finish. One query per role that has any."""
    scope = scope_of(user)
    counts = {}
    if scope.review_units:
        counts["acceptance_to_check"] = AcceptanceRequest.objects.filter(
            state=AcceptanceRequest.State.SUBMITTED,
            pilot__organisation__review_unit_id__in=scope.review_units,
        ).count()
    if scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY):
        counts["acceptance_to_prepare"] = (
            requests_visible_to(user).filter(state__in=AcceptanceRequest.EDITABLE_STATES).count()
        )
    return counts


def accepted_pilots(user) -> QuerySet[Pilot]:
    """The accepted pilots the province may recommend, each with its recommendation (if any): one query."""
    return (
        Pilot.objects.filter(state=Pilot.State.ACCEPTED)
        .select_related("organisation__review_unit", "batch", "recommendation__recommended_by")
        .order_by("batch__year", "organisation__review_unit__order", "organisation__name")
    )
