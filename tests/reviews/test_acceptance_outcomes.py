"""The acceptance panel's outcomes, computed by hand (acceptance_setup describes the small system):
per indicator the submitted experts' scores aggregated with the round's method, then the system applied
with the vetoes raised (found by an expert or declared by the pilot), the binding indicators judged on
the self-evaluation's facts and the bonus/penalty claims with their caps."""

import pytest

from reviews import services
from reviews.results import acceptance_outcomes, acceptance_panel

from .acceptance_setup import (
    D,
    acceptance_round,
    open_scoring,
    self_evaluation,
    sheet,
    task,
    three_experts,
)
from .officer_setup import pool_expert

pytestmark = pytest.mark.django_db

# 李, 陈, 赵 score (t_co2 /40, t_policy /20, t_lead /40); the round aggregates with the trimmed mean.
SHIQUAN = {"李": (30, 16, 40), "陈": (38, 18, 40), "赵": (40, 20, 40)}
LANTIAN = {"李": (30, 20, 40), "陈": (32, 20, 40), "赵": (34, 20, 40)}


@pytest.fixture
def scored(province, self_evaluations):
    review_round, pilots, system = acceptance_round(province)
    # 石泉 met its binding target and claims 2 + 2 bonus points (cap 3) and a 1-point penalty;
    # 蓝田 did not meet its binding target (self-score 30 of 40).
    self_evaluations[pilots["石泉"].pk] = self_evaluation(
        system, claims={"b_nat": D(2), "b_promo": D(2), "p_late": D(1)}
    )
    self_evaluations[pilots["蓝田"].pk] = self_evaluation(system, co2=30, co2_met=False)
    experts = dict(zip(("李", "陈", "赵"), three_experts(), strict=True))
    review_round = open_scoring(review_round, province, experts.values())
    return review_round, pilots, experts


def submit(review_round, pilot, expert, values, vetoes=None, **comments):
    return services.scores_save(
        assignment=task(review_round, pilot, expert),
        by=expert,
        values=sheet(*values, **comments),
        opinion="建设任务完成，资料齐全。",
        submit=True,
        vetoes=vetoes,
    )


def score_all(review_round, pilots, experts, vetoes_of_zhao=None):
    for name, expert in experts.items():
        comments = {"t_co2": "现场核查发现部分数据缺少计量依据。"} if name == "李" else {}
        submit(
            review_round,
            pilots["石泉"],
            expert,
            SHIQUAN[name],
            vetoes_of_zhao if name == "赵" else None,
            **comments,
        )
        submit(review_round, pilots["蓝田"], expert, LANTIAN[name])


def test_grades_with_the_bonus_cap_and_an_unmet_binding_indicator(scored):
    review_round, pilots, experts = scored
    score_all(review_round, pilots, experts)
    outcomes = acceptance_outcomes(review_round)

    # 石泉: trimmed means 38 (30, 38, 40), 18, 40 → base 96; bonus min(2 + 2, cap 3) = 3; penalty 1 → 98.
    shiquan = outcomes[pilots["石泉"].pk]
    assert (shiquan.total, shiquan.grade) == (D("98.00"), "excellent")
    assert shiquan.grade_label == "优秀"
    assert shiquan.reason == "优秀：总分 98.00 ≥ 优秀分数线 90。"
    assert "加分 = min(4.00, 上限 3) = 3.00" in shiquan.calculation
    assert "总分 = 96.00 + 3.00 − 1.00 = 98.00" in shiquan.calculation
    assert "去掉最高分和最低分后平均" in shiquan.calculation

    # 蓝田: 32 + 20 + 40 = 92 would be 优秀, but its binding indicator is not met: 不通过.
    lantian = outcomes[pilots["蓝田"].pk]
    assert (lantian.total, lantian.grade) == (D("92.00"), "fail")
    assert lantian.reason == "不通过：约束性指标未完成「碳排放强度下降率」（无论得分多少）。"

    panel = acceptance_panel(review_round)
    row = next(r for r in panel.rows if r.item.pilot_id == pilots["石泉"].pk)
    co2 = row.indicators[0]
    assert (co2.criterion.code, co2.aggregated, sorted(v for _l, v in co2.scores)) == (
        "t_co2",
        D("38.00"),
        [30, 38, 40],
    )
    assert co2.self_score.value == 40
    # 李's 30 departs from the self-score 40 by more than 20 % of 40 points: shown with the explanation.
    assert co2.departures == ["李专家：现场核查发现部分数据缺少计量依据。"]
    assert [(a.code, a.applied) for a in row.adjustments] == [("b_nat", 2), ("b_promo", 2), ("p_late", 1)]
    assert (row.submitted, row.expected, row.missing) == (3, 3, 0)


def test_a_veto_found_by_an_expert_fails_the_pilot_whatever_the_total(scored):
    review_round, pilots, experts = scored
    score_all(review_round, pilots, experts, vetoes_of_zhao={"v_fraud": "核查发现2024年能源消费台账补记。"})
    outcome = acceptance_outcomes(review_round)[pilots["石泉"].pk]
    assert (outcome.total, outcome.grade) == (D("98.00"), "fail")
    assert outcome.reason == "不通过：触发一票否决项「数据弄虚作假」（无论得分多少）。"
    row = next(r for r in acceptance_panel(review_round).rows if r.item.pilot_id == pilots["石泉"].pk)
    assert [(v.code, v.source, v.note) for v in row.vetoes] == [
        ("v_fraud", "赵专家", "核查发现2024年能源消费台账补记。")
    ]


def test_a_veto_the_pilot_declared_and_an_unmet_binding_indicator_are_both_named(province, self_evaluations):
    review_round, pilots, system = acceptance_round(province, experts_per_item=1)
    self_evaluations[pilots["蓝田"].pk] = self_evaluation(system, co2_met=False, vetoes=["v_fraud"])
    expert = pool_expert("李专家")
    review_round = open_scoring(review_round, province, [expert])
    submit(review_round, pilots["蓝田"], expert, (40, 20, 40))
    outcome = acceptance_outcomes(review_round)[pilots["蓝田"].pk]
    assert outcome.grade == "fail"
    assert outcome.reason == (
        "不通过：触发一票否决项「数据弄虚作假」；约束性指标未完成「碳排放强度下降率」（无论得分多少）。"
    )


def test_missing_sheets_leave_the_grade_pending_and_drafts_never_count(scored):
    review_round, pilots, experts = scored
    # Only 李 submits 石泉; 陈 saves a draft (not counted); nobody submits 蓝田.
    submit(review_round, pilots["石泉"], experts["李"], SHIQUAN["李"], t_co2="数据缺少计量依据。")
    services.scores_save(
        assignment=task(review_round, pilots["石泉"], experts["陈"]),
        by=experts["陈"],
        values=sheet(10, 10, 10),
        opinion="",
        submit=False,
    )
    outcomes = acceptance_outcomes(review_round)
    # 石泉 from 李's sheet alone: 30 + 16 + 40 = 86, bonus 3, penalty 1 → 88: 通过.
    assert (outcomes[pilots["石泉"].pk].total, outcomes[pilots["石泉"].pk].grade) == (D("88.00"), "pass")
    lantian = outcomes[pilots["蓝田"].pk]
    assert lantian.grade == "fail"  # the binding indicator is already known to be unmet
    panel = acceptance_panel(review_round)
    assert [(r.name, r.submitted, r.missing) for r in panel.rows] == [
        ("蓝田县人民政府", 0, 3),
        ("石泉县人民政府", 1, 2),
    ]


def test_without_any_sheet_or_self_evaluation_the_grade_is_pending(province):
    review_round, pilots, _ = acceptance_round(province)
    outcome = acceptance_outcomes(review_round)[pilots["石泉"].pk]
    assert (outcome.grade, outcome.grade_label) == (None, "待定")
    assert (
        outcome.reason
        == "待定：尚有3项指标无专家评分「碳排放强度下降率」、「低碳政策制度」、「试点领导机构」。"
    )
    assert outcome.total is None  # no total of a part of the indicators


def test_a_round_without_a_system_has_no_outcomes(province):
    from core.errors import DomainError
    from reviews.models import ReviewRound

    from ..factories import ReviewRoundFactory

    review_round = ReviewRoundFactory(purpose=ReviewRound.Purpose.ACCEPTANCE, criteria_set=None)
    assert acceptance_outcomes(review_round) == {}
    with pytest.raises(DomainError, match="尚未选定验收评价指标体系"):
        acceptance_panel(review_round)
