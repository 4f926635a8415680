"""Shared set-up for the acceptance review tests: a small county indicator system whose numbers are easy
to compute by hand, a self-evaluation provider the tests fill in, and a round built through the services.

The system (总分 100; 通过 80; 优秀 90; 加分上限 3; 减分上限 5):
  目标完成 60: t_co2 碳排放强度下降 40 分（约束性，比值法）; t_policy 低碳政策 20 分（专家评议）
  管理机制 40: t_lead 领导机构 40 分（佐证材料）
  否决项 v_fraud 数据弄虚作假; 加分项 b_nat（上限 2）、b_promo（上限 2）; 减分项 p_late（上限 3）
"""

import datetime
from decimal import Decimal

from indicators.models import (
    AcceptanceAdjustment,
    AcceptanceCategory,
    AcceptanceItem,
    AcceptanceSystem,
    AcceptanceVeto,
    Indicator,
)
from pilots.models import Pilot
from reviews import services
from reviews.acceptance import round_use_acceptance_system
from reviews.models import ReviewAssignment, ReviewRound
from reviews.self_scores import SelfEvaluation, SelfScore

from ..factories import BatchFactory, PilotFactory, county
from .officer_setup import LANTIAN, SHIQUAN, pool_expert

A = ReviewAssignment.State
R = ReviewRound.State
P = Pilot.State
D = Decimal


def small_system(kind=AcceptanceSystem.Kind.COUNTY, version=1) -> AcceptanceSystem:
    system = AcceptanceSystem.objects.create(
        kind=kind,
        version=version + 10,  # clear of the seeded versions
        name=f"测试验收评价指标体系（{kind}）",
        pass_score=80,
        excellent_score=90,
        bonus_cap=3,
        penalty_cap=5,
    )
    goals = AcceptanceCategory.objects.create(system=system, name="目标完成", points=60, order=0)
    mechanism = AcceptanceCategory.objects.create(system=system, name="管理机制", points=40, order=1)
    rows = [
        (goals, "t_co2", "碳排放强度下降率", 40, "ratio_up", True, "≥ 方案目标"),
        (goals, "t_policy", "低碳政策制度", 20, "qualitative", False, "≥3项"),
        (mechanism, "t_lead", "试点领导机构", 40, "evidence", False, "成立并运行"),
    ]
    for order, (category, code, name, points, rule, binding, note) in enumerate(rows):
        indicator, _ = Indicator.objects.get_or_create(code=code, defaults={"name": name, "unit": ""})
        AcceptanceItem.objects.create(
            category=category,
            indicator=indicator,
            points=points,
            rule=rule,
            binding=binding,
            order=order,
            target_note=note,
        )
    AcceptanceVeto.objects.create(system=system, code="v_fraud", description="数据弄虚作假")
    AcceptanceAdjustment.objects.create(
        system=system, kind="bonus", code="b_nat", description="获国家级试点称号", max_points=2
    )
    AcceptanceAdjustment.objects.create(
        system=system, kind="bonus", code="b_promo", description="经验被省级推广", max_points=2, order=1
    )
    AcceptanceAdjustment.objects.create(
        system=system, kind="penalty", code="p_late", description="自评估报告未按时报送", max_points=3
    )
    return system


def self_evaluation(system, *, co2=40, co2_met=True, claims=None, vetoes=()) -> SelfEvaluation:
    return SelfEvaluation(
        system_id=system.pk,
        items={
            "t_co2": SelfScore(
                value=D(co2),
                calculation="完成率 = 实际值 ÷ 目标值 = 4 ÷ 4 = 100.0%",
                actual=D(4),
                target=D(4),
                evidence=True,
                met=co2_met,
            ),
            "t_policy": SelfScore(value=None, calculation="专家评议项"),
            "t_lead": SelfScore(
                value=D(40), calculation="佐证材料齐全，得分 = 40.00", evidence=True, met=True
            ),
        },
        claims=claims or {},
        vetoes=tuple(vetoes),
    )


def sheet(co2, policy, lead, **comments) -> dict:
    return {
        code: {"value": None if value is None else D(value), "na": False, "comment": comments.get(code, "")}
        for code, value in (("t_co2", co2), ("t_policy", policy), ("t_lead", lead))
    }


def acceptance_round(province, *, experts_per_item=3, method="trimmed_mean", pilots=None, **fields):
    """An acceptance round over 石泉 and 蓝田 (county pilots) scored against the small system, in set-up."""
    batch = BatchFactory()
    pilots = pilots or {
        "石泉": PilotFactory(batch=batch, organisation=county(SHIQUAN), state=P.IN_ACCEPTANCE_REVIEW),
        "蓝田": PilotFactory(batch=batch, organisation=county(LANTIAN), state=P.IN_ACCEPTANCE_REVIEW),
    }
    system = small_system()
    review_round = services.round_create(
        by=province,
        name="首批试点验收评审",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=batch,
        experts_per_item=experts_per_item,
        max_per_expert=10,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=20),
        aggregation_method=method,
        **fields,
    )
    services.round_add_pilots(review_round=review_round, pilots=list(pilots.values()), by=province)
    review_round = round_use_acceptance_system(review_round=review_round, system=system, by=province)
    return review_round, pilots, system


def open_scoring(review_round, province, experts):
    """Freeze, declare (no conflicts), assign automatically, open scoring, every expert confirms."""
    review_round = services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    for user in experts:
        services.declaration_submit(review_round=review_round, by=user, conflicts=[])
    services.round_transition(review_round=review_round, name="close_declarations", by=province)
    services.assignment_auto(review_round=review_round, by=province)
    review_round = services.round_transition(review_round=review_round, name="open_scoring", by=province)
    for assignment in ReviewAssignment.objects.filter(round=review_round).select_related("expert"):
        services.assignment_respond(assignment=assignment, by=assignment.expert, accept=True)
    return review_round


def three_experts() -> list:
    return [pool_expert(f"{name}专家") for name in ("李", "陈", "赵")]


def task(review_round, pilot, expert) -> ReviewAssignment:
    return ReviewAssignment.objects.get(round=review_round, item__pilot=pilot, expert=expert)
