"""Reads of the acceptance decision, scoped to the user (404 outside the scope)."""

from django.http import Http404
from django.utils.translation import gettext, gettext_noop

from core.security import deny_section
from pilots.models import Pilot
from reviews.models import ReviewRound
from reviews.results import acceptance_outcomes

from .models import AcceptanceDecision, NamingCertificate, NamingPublicity
from .permissions import can_see_result, can_view_decision

# The panel's grades (indicators.scoring) in the decision's words (Pilot.Grade, and "fail").
PANEL_GRADES = {"excellent": "excellent", "pass": "passed", "fail": "fail"}


def suggested_grades(review_round: ReviewRound) -> dict[int, tuple[str, str]]:
    """The panel's proposed grade and its reason per pilot id (reviews.results.acceptance_outcomes),
    pre-filled in the proposal form and copied into the proposal for the record. A pilot whose outcome is
    still pending (an indicator without a score) has no suggestion; the officer chooses."""
    suggested = {}
    for pilot_id, outcome in acceptance_outcomes(review_round).items():
        grade = PANEL_GRADES.get(outcome.grade or "")
        if grade:
            total = (
                gettext("综合得分%(total)s分。") % {"total": outcome.total}
                if outcome.total is not None
                else ""
            )
            suggested[pilot_id] = (grade, f"{total}{outcome.reason}")
    return suggested


def decision_pilots(review_round: ReviewRound):
    """The pilots the round decides on: its items still under acceptance review, by city and name."""
    return (
        Pilot.objects.filter(review_items__round_id=review_round.pk, state=Pilot.State.IN_ACCEPTANCE_REVIEW)
        .select_related("organisation", "organisation__review_unit", "batch")
        .order_by("organisation__review_unit__order", "organisation__name", "pk")
    )


def history(review_round: ReviewRound):
    return (
        AcceptanceDecision.objects.filter(round_id=review_round.pk).select_related("by").order_by("at", "pk")
    )


def last_step(review_round: ReviewRound) -> AcceptanceDecision | None:
    return history(review_round).last()


def pending_proposal(review_round: ReviewRound) -> AcceptanceDecision | None:
    """The proposal waiting for an answer: the last row, if it is a proposal."""
    step = last_step(review_round)
    return step if step is not None and step.kind == AcceptanceDecision.Kind.PROPOSE else None


def confirmed_proposal(review_round: ReviewRound) -> AcceptanceDecision | None:
    step = last_step(review_round)
    return step.proposal if step is not None and step.kind == AcceptanceDecision.Kind.CONFIRM else None


def get_decision_round_for_user(user, pk: int) -> ReviewRound:
    if not can_view_decision(user):
        deny_section("naming.decision")
    review_round = ReviewRound.objects.filter(pk=pk, purpose=ReviewRound.Purpose.ACCEPTANCE).first()
    if review_round is None:
        raise Http404
    return review_round


def publicity_of(review_round: ReviewRound) -> NamingPublicity | None:
    return NamingPublicity.objects.filter(round_id=review_round.pk).select_related("decision").first()


def public_publicities():
    """The publicities the public page lists: open ones (no login)."""
    return (
        NamingPublicity.objects.filter(state=NamingPublicity.State.OPEN)
        .select_related("round", "decision")
        .order_by("-start", "-pk")
    )


def get_pilot_result_for_user(user, pk: int) -> Pilot:
    pilot = (
        Pilot.objects.select_related("organisation", "organisation__review_unit", "batch")
        .filter(pk=pk)
        .first()
    )
    if pilot is None or not can_see_result(user, pilot):
        raise Http404
    return pilot


def result_of(pilot: Pilot) -> dict | None:
    """The pilot's latest concluded acceptance result: grade, reason, the publicity, its certificate."""
    for publicity in (
        NamingPublicity.objects.filter(state=NamingPublicity.State.CONCLUDED, round__items__pilot=pilot)
        .select_related("decision")
        .order_by("-concluded_at", "-pk")
    ):
        for item in publicity.decision.rows:
            if item["pilot"] == pilot.pk and pilot.pk not in publicity.held:
                return {
                    "item": item,
                    "publicity": publicity,
                    "certificate": NamingCertificate.objects.filter(pilot=pilot, publicity=publicity).first(),
                }
    return None


def proposals_to_confirm():
    """Rounds whose last decision row is a proposal (the DRC's to-do)."""
    return _rounds_whose_last_step_is(AcceptanceDecision.Kind.PROPOSE)


def proposals_returned():
    """Rounds whose last decision row is a return (the province's to-do)."""
    return _rounds_whose_last_step_is(AcceptanceDecision.Kind.RETURN)


def _rounds_whose_last_step_is(kind: str):
    from django.db.models import OuterRef, Subquery

    last = (
        AcceptanceDecision.objects.filter(round_id=OuterRef("pk")).order_by("-at", "-pk").values("kind")[:1]
    )
    return ReviewRound.objects.annotate(last_kind=Subquery(last)).filter(last_kind=kind).order_by("pk")


def publicities_to_close():
    """Open publicities whose period is over (the province's to-do)."""
    from django.utils import timezone

    return NamingPublicity.objects.filter(state=NamingPublicity.State.OPEN, end__lt=timezone.localdate())


def todos_for(user) -> list[dict]:
    """The dashboard's to-do entries of the acceptance decision ({key, title, count, url}, one query each):
    the DRC's proposals to confirm; the province's returned proposals and publicities to conclude."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from .permissions import can_confirm_acceptance, can_propose_acceptance

    todos = []
    lists = []
    if can_confirm_acceptance(user):
        lists.append(
            (
                "acceptance_to_confirm",
                gettext("待会签的验收等级建议"),
                proposals_to_confirm(),
                "naming:confirmations",
            )
        )
    if can_propose_acceptance(user):
        lists.append(
            (
                "acceptance_returned",
                gettext("已退回、待重新提出的验收等级建议"),
                proposals_returned(),
                "naming:decision",
            )
        )
        closing = [p.round for p in publicities_to_close().select_related("round")]
        lists.append(
            (
                "acceptance_publicity_to_close",
                gettext("公示期满、待确定验收结果的公示"),
                closing,
                "naming:publicity",
            )
        )
    for key, title, rounds, url_name in lists:
        rounds = list(rounds)
        if rounds:
            todos.append(
                {
                    "key": key,
                    "title": title,
                    "count": len(rounds),
                    "url": reverse(url_name, args=[rounds[0].pk]),
                }
            )
    return todos


def decision_rounds_for(user):
    """The acceptance rounds with their decision's last step and publicity (the officers' list), one query."""
    from django.db.models import OuterRef, Subquery

    if not can_view_decision(user):
        deny_section("naming.decision")
    last = (
        AcceptanceDecision.objects.filter(round_id=OuterRef("pk")).order_by("-at", "-pk").values("kind")[:1]
    )
    return (
        ReviewRound.objects.filter(purpose=ReviewRound.Purpose.ACCEPTANCE)
        .select_related("batch", "naming_publicity")
        .annotate(last_kind=Subquery(last))
        .order_by("-created_at", "-pk")
    )


STEP_LABELS = {
    "": gettext_noop("尚未提出建议"),
    "propose": gettext_noop("待省发展改革委会签"),
    "return": gettext_noop("已退回修改"),
    "confirm": gettext_noop("已会签确认"),
}


def step_of(review_round) -> str:
    """The status word of a round's decision, as the list and its export show it."""
    from django.utils.translation import gettext

    publicity = getattr(review_round, "naming_publicity", None)
    if publicity is not None:
        return str(publicity.get_state_display())
    return gettext(STEP_LABELS[review_round.last_kind or ""])
