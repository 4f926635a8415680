"""Demo of the acceptance review (验收评审), through the services, on the first batch's pilots under
acceptance review: 富平县 (610528, a county) in the round 首批试点验收评审 scored against the county
indicator system (附件3), and 西安高新区 (a park) in a round of its own against the park system (附件4),
one kind per round.

Both rounds are scoring: conflicts proposed by rule (the 西安 experts for 西安高新区), declarations,
automatic assignment; for 富平县 two experts have submitted and one has saved a draft, with a site visit
(notes and a photo) recorded by the province; for 西安高新区 one expert has submitted, the others have not
answered yet. The panel shows the proposed grades from the sheets in so far.

Called once by seed_demo after the other stage demos.
"""

import datetime
import struct
import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import AcceptanceSystem
from organisations.models import Organisation
from pilots.models import Pilot
from reviews import services
from reviews.acceptance import departure_limit, round_use_acceptance_system, site_visit_add
from reviews.models import Expert, ReviewAssignment, ReviewItem, ReviewRound
from reviews.self_scores import self_evaluations_for

COUNTY_ROUND = "首批试点验收评审"
PARK_ROUND = "首批园区试点验收评审"
OPINION = "试点建设任务基本完成，主要目标指标达到方案要求，建议进一步完善能碳管理平台数据接入。"


def _png() -> bytes:
    """A small valid PNG (a green 8×8 square): the site photo of the demo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x2e\x8b\x57" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _system(kind: str) -> AcceptanceSystem:
    return AcceptanceSystem.objects.filter(kind=kind).order_by("-version").first()


def _open(review_round: ReviewRound, province) -> ReviewRound:
    review_round = services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    for expert in Expert.objects.filter(active=True).select_related("user").order_by("pk"):
        services.declaration_submit(review_round=review_round, by=expert.user, conflicts=[])
    services.round_transition(review_round=review_round, name="close_declarations", by=province)
    services.assignment_auto(review_round=review_round, by=province)
    return services.round_transition(review_round=review_round, name="open_scoring", by=province)


def _values(review_round: ReviewRound, assignment: ReviewAssignment, own) -> dict:
    """A realistic sheet: near the self-score where there is one (within the round's threshold), else
    between 75 % and 100 % of the points, varying by expert and indicator."""
    values = {}
    for criterion in review_round.criteria_set.criteria.order_by("order"):
        seed = sum(map(ord, f"{criterion.code}{assignment.expert.username}")) % 6
        mine = own.items.get(criterion.code) if own else None
        if mine is not None and mine.value is not None:
            value = max(mine.value - departure_limit(review_round, criterion) * seed / 10, Decimal(0))
        else:
            value = criterion.weight * (Decimal("0.75") + Decimal(seed) / 20)
        value = min(value.quantize(Decimal("0.5"), rounding=ROUND_HALF_UP), criterion.weight)
        values[criterion.code] = {"value": value, "na": False, "comment": ""}
    return values


def _score(review_round: ReviewRound, pilot: Pilot, *, submitted: int, drafts: int) -> None:
    own = self_evaluations_for([pilot.pk]).get(pilot.pk)
    tasks = list(
        review_round.assignments.filter(item__pilot=pilot, state=ReviewAssignment.State.ASSIGNED)
        .select_related("expert", "round")
        .order_by("pk")
    )
    for n, assignment in enumerate(tasks[: submitted + drafts]):
        services.assignment_respond(assignment=assignment, by=assignment.expert, accept=True)
        services.scores_save(
            assignment=assignment,
            by=assignment.expert,
            values=_values(review_round, assignment, own),
            opinion=OPINION if n < submitted else "",
            submit=n < submitted,
            vetoes={},
        )


def seed(stdout=None) -> None:
    province = get_user_model().objects.get(username="province")
    county_round = ReviewRound.objects.get(name=COUNTY_ROUND, purpose=ReviewRound.Purpose.ACCEPTANCE)
    fuping = Pilot.objects.get(batch=county_round.batch, organisation__division_id="610528")
    hitech = Pilot.objects.get(
        batch=county_round.batch,
        organisation__kind=Organisation.Kind.PARK,
        organisation__name="西安高新技术产业开发区管委会",
    )
    services.round_add_pilots(review_round=county_round, pilots=[fuping], by=province)
    county_round = round_use_acceptance_system(
        review_round=county_round, system=_system(AcceptanceSystem.Kind.COUNTY), by=province
    )
    county_round = _open(county_round, province)
    _score(county_round, fuping, submitted=2, drafts=1)
    site_visit_add(
        item=ReviewItem.objects.get(round=county_round, pilot=fuping),
        by=province,
        visited_on=datetime.date(2026, 11, 18),
        place="富平县庄里工业园区分布式光伏项目、县能碳管理平台",
        notes="现场核查分布式光伏装机（约42兆瓦）并网记录和能碳管理平台重点用能单位接入情况；"
        "平台已接入重点用能单位31家，与自评报告一致。",
        photos=[SimpleUploadedFile("富平县光伏项目.png", _png())],
    )

    park_round = services.round_create(
        by=province,
        name=PARK_ROUND,
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=county_round.batch,
        experts_per_item=3,
        max_per_expert=10,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=14),
        aggregation_method="trimmed_mean",
    )
    services.round_add_pilots(review_round=park_round, pilots=[hitech], by=province)
    park_round = round_use_acceptance_system(
        review_round=park_round, system=_system(AcceptanceSystem.Kind.PARK), by=province
    )
    park_round = _open(park_round, province)
    _score(park_round, hitech, submitted=1, drafts=0)
    if stdout is not None:
        stdout.write("Acceptance review: 富平县 and 西安高新区 being scored (some sheets in, some missing).")
