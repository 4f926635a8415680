"""Demo of the acceptance decision and the naming (issue 10), through the services:

- 商州区 and 西咸新区沣西新城 (the first batch's confirmed members): an acceptance round reviewed at a meeting,
  on paper (its round stands revealed, as the 2023 selection round does), the ecology department's grades
  (商州区 通过, 沣西新城 优秀), the DRC's confirmation after one return, the publicity of last month, its
  conclusion with the naming document 陕环发〔2026〕48号 and each pilot's certificate;
- 富平县 and 西安高新区: a second round whose confirmed results are on publicity now (富平县 通过, 西安高新区 不通过).

Called once by seed_demo after the other stage demos (the two named pilots reach 验收评审中 there).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from naming import services
from pilots.models import Pilot
from reviews import services as review_services
from reviews.models import ReviewRound

NAMED = {
    "611002": ("passed", "专家验收评审综合得分86.5分，约束性指标全部完成，降碳管理机制健全。"),
    "西咸新区沣西新城管委会": ("excellent", "专家验收评审综合得分93.0分，海绵城市与近零碳建筑示范成效显著。"),
}
ON_PUBLICITY = {
    "610528": ("passed", "专家验收评审综合得分82.0分，约束性指标完成，部分重点工程进度略有滞后。"),
    "西安高新技术产业开发区管委会": (
        "fail",
        "单位工业增加值二氧化碳排放较基准年降低率未达到方案约束性目标（完成率86.4%），验收不通过。",
    ),
}
CONTACT = "陕西省生态环境厅应对气候变化处 029-87654321"


def _pilots(keys) -> dict[int, tuple[str, str]]:
    chosen = {}
    for pilot in Pilot.objects.filter(batch__name__startswith="2023年第一批").select_related("organisation"):
        key = (
            pilot.organisation.division_id
            if pilot.organisation.division_id in keys
            else pilot.organisation.name
        )
        if key in keys:
            chosen[pilot.pk] = keys[key]
    return chosen


def _round(name: str, pilots: dict, province) -> ReviewRound:
    batch = Pilot.objects.get(pk=next(iter(pilots))).batch
    review_round = review_services.round_create(
        by=province,
        name=name,
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=batch,
        experts_per_item=5,
        scoring_deadline=timezone.localdate() - datetime.timedelta(days=45),
    )
    review_services.round_add_pilots(
        review_round=review_round, pilots=Pilot.objects.filter(pk__in=pilots), by=province
    )
    # Reviewed at a meeting, on paper (like the 2023 selection round): the round stands revealed.
    ReviewRound.objects.filter(pk=review_round.pk).update(state=ReviewRound.State.AGGREGATED)
    review_round.refresh_from_db()
    return review_round


def _propose(review_round, pilots: dict, province, note: str = ""):
    services.decision_propose(
        review_round=review_round,
        by=province,
        grades={pk: grade for pk, (grade, _reason) in pilots.items()},
        reasons={pk: reason for pk, (_grade, reason) in pilots.items()},
        note=note,
    )


def seed(stdout=None) -> None:
    users = get_user_model().objects
    province, drc = users.get(username="province"), users.get(username="drc")
    today = timezone.localdate()

    named = _pilots(NAMED)
    first = _round("首批试点验收评审（第一组，会议评审）", named, province)
    _propose(first, named, province)
    services.decision_return(
        review_round=first, by=drc, opinion="请在理由中写明约束性指标完成情况，并与专家评审意见一致。"
    )
    _propose(first, named, province, note="已按省发展改革委意见补充约束性指标完成情况。")
    services.decision_confirm(review_round=first, by=drc, opinion="同意。")
    publicity = services.publicity_open(
        review_round=first, by=province, start=today - datetime.timedelta(days=30), contact=CONTACT
    )
    services.publicity_conclude(publicity=publicity, by=province, document_no="陕环发〔2026〕48号")

    listed = _pilots(ON_PUBLICITY)
    second = _round("首批试点验收评审（第二组，会议评审）", listed, province)
    _propose(second, listed, province)
    services.decision_confirm(review_round=second, by=drc, opinion="同意，请按程序公示。")
    services.publicity_open(review_round=second, by=province, start=today, contact=CONTACT)
    if stdout is not None:
        stdout.write(f"Acceptance decision: {len(named)} pilots named, {len(listed)} results on publicity.")
