"""Demo of the acceptance decision and the naming (issue 10), through the services, after rounds scored
and aggregated through the review engine (each round one kind of pilot, against its indicator system):

- 商州区 (county) and 西咸新区沣西新城 (park), the first batch's confirmed members: reviewed last month (every
  expert's sheet in, the round aggregated), the ecology department's grades as the panel proposes them
  (商州区 通过, 沣西新城 优秀), the DRC's return and then confirmation, the publicity of last month, its
  conclusion with the naming document 陕环发〔2026〕48号 and each pilot's certificate;
- 王益区 (county) and 宝鸡高新区 (park): rounds aggregated this month, the confirmed results on publicity
  now (王益区 通过; 宝鸡高新区 不通过, its total under the pass line).

Called once by seed_demo after the acceptance review demo (the pilots reach 验收评审中 there).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.models import AcceptanceSystem
from naming import selectors, services
from pilots.models import Pilot
from reviews import services as review_services
from reviews.acceptance import round_use_acceptance_system
from reviews.models import ReviewAssignment, ReviewRound

from .acceptance_review import OPINION
from .acceptance_review import _open as open_for_scoring

# key (division code or park name) → the share of each indicator's points the experts give
NAMED = {"611002": Decimal("0.87"), "西咸新区沣西新城管委会": Decimal("0.95")}
ON_PUBLICITY = {"610204": Decimal("0.85"), "宝鸡高新技术产业开发区管委会": Decimal("0.70")}
CONTACT = "陕西省生态环境厅应对气候变化处 029-87654321"


def _pilot(key: str) -> Pilot:
    pilots = Pilot.objects.filter(batch__name__startswith="2023年第一批").select_related("organisation")
    return pilots.get(organisation__division_id=key) if key.isdigit() else pilots.get(organisation__name=key)


def _scored_round(name: str, pilot: Pilot, share: Decimal, province) -> ReviewRound:
    """A round over one pilot against its kind's system, every expert's sheet submitted, aggregated."""
    review_round = review_services.round_create(
        by=province,
        name=name,
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=pilot.batch,
        experts_per_item=3,
        max_per_expert=10,
        scoring_deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    review_services.round_add_pilots(review_round=review_round, pilots=[pilot], by=province)
    system = AcceptanceSystem.objects.filter(kind=pilot.organisation.kind).order_by("-version").first()
    review_round = round_use_acceptance_system(review_round=review_round, system=system, by=province)
    review_round = open_for_scoring(review_round, province)
    criteria = list(review_round.criteria_set.criteria.order_by("order"))
    for n, assignment in enumerate(
        review_round.assignments.filter(state=ReviewAssignment.State.ASSIGNED).select_related("expert")
    ):
        review_services.assignment_respond(assignment=assignment, by=assignment.expert, accept=True)
        spread = Decimal(n % 3 - 1) / 50  # the experts differ by ±2 % of the points
        values = {
            c.code: {
                "value": min(c.weight * (share + spread), c.weight).quantize(Decimal("0.5"), ROUND_HALF_UP),
                "na": False,
                "comment": "",
            }
            for c in criteria
        }
        review_services.scores_save(
            assignment=assignment,
            by=assignment.expert,
            values=values,
            opinion=OPINION,
            submit=True,
            vetoes={},
        )
    return review_services.round_transition(review_round=review_round, name="aggregate", by=province)


def _grades(review_round: ReviewRound) -> dict[int, tuple[str, str]]:
    """The panel's grades and reasons (naming.selectors.suggested_grades), as the officer proposes them."""
    return selectors.suggested_grades(review_round)


def _propose(review_round, province, note: str = ""):
    grades = _grades(review_round)
    services.decision_propose(
        review_round=review_round,
        by=province,
        grades={pk: grade for pk, (grade, _reason) in grades.items()},
        reasons={pk: reason for pk, (_grade, reason) in grades.items()},
        note=note,
    )


def seed(stdout=None) -> None:
    users = get_user_model().objects
    province, drc = users.get(username="province"), users.get(username="drc")
    today = timezone.localdate()

    for n, (key, share) in enumerate(NAMED.items(), start=1):
        pilot = _pilot(key)
        first = _scored_round(f"首批试点验收评审（第{n}组）", pilot, share, province)
        _propose(first, province)
        services.decision_return(
            review_round=first, by=drc, opinion="请在理由中写明约束性指标完成情况，并与专家评审意见一致。"
        )
        _propose(first, province, note="已按省发展改革委意见补充约束性指标完成情况。")
        services.decision_confirm(review_round=first, by=drc, opinion="同意。")
        publicity = services.publicity_open(
            review_round=first, by=province, start=today - datetime.timedelta(days=30), contact=CONTACT
        )
        services.publicity_conclude(publicity=publicity, by=province, document_no="陕环发〔2026〕48号")

    for n, (key, share) in enumerate(ON_PUBLICITY.items(), start=len(NAMED) + 1):
        pilot = _pilot(key)
        second = _scored_round(f"首批试点验收评审（第{n}组）", pilot, share, province)
        _propose(second, province)
        services.decision_confirm(review_round=second, by=drc, opinion="同意，请按程序公示。")
        services.publicity_open(review_round=second, by=province, start=today, contact=CONTACT)
    if stdout is not None:
        stdout.write(
            f"Acceptance decision: {len(NAMED)} pilots named, {len(ON_PUBLICITY)} results on publicity."
        )
