"""The acceptance scoring engine (indicators.scoring) against hand-computed fixtures: every expected number
below was worked out by hand from the rule, never by the engine."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.errors import DomainError
from indicators.scoring import (
    EXCELLENT,
    FAIL,
    PASS,
    AdjustmentSpec,
    CategorySpec,
    ItemInput,
    ItemSpec,
    RuleError,
    SystemSpec,
    VetoSpec,
    check_system,
    score,
    score_item,
    validate_rule,
)

# A small system of 20 points: 通过 ≥ 16, 优秀 ≥ 18, bonus cap 2, penalty cap 2.5.
SPEC = SystemSpec(
    name="测试体系",
    total_points=D(20),
    pass_score=D(16),
    excellent_score=D(18),
    bonus_cap=D(2),
    penalty_cap=D("2.5"),
    categories=(CategorySpec("目标完成", D(10)), CategorySpec("管理机制", D(10))),
    items=(
        ItemSpec("up", "碳强度降低率", "目标完成", D(6), "ratio_up", binding=True),
        ItemSpec(
            "down", "单位增加值排放", "目标完成", D(4), "ratio_down", {"target": "0.6"}, direction="down"
        ),
        ItemSpec("thr", "平台接入率", "管理机制", D(3), "threshold", {"threshold": 80}),
        ItemSpec("tier", "政策制度数", "管理机制", D(3), "tiered", {"tiers": [[1, 1], [2, 2], [3, 3]]}),
        ItemSpec("qual", "核算质量", "管理机制", D(2), "qualitative"),
        ItemSpec("evid", "领导机构", "管理机制", D(2), "evidence"),
    ),
    vetoes=(),
    adjustments=(
        AdjustmentSpec("b1", "bonus", "国家级试点称号", D(2)),
        AdjustmentSpec("b2", "bonus", "经验推广", D(1)),
        AdjustmentSpec("p1", "penalty", "报告迟交", D(1)),
        AdjustmentSpec("p2", "penalty", "项目滞后", D(3)),
    ),
)
SPEC_WITH_VETOES = replace(
    SPEC, vetoes=(VetoSpec("incident", "重大环境事件"), VetoSpec("fraud", "数据弄虚作假"))
)


def inputs(**overrides):
    base = {
        "up": ItemInput(actual="18.2", target="18"),
        "down": ItemInput(actual="0.65"),
        "thr": ItemInput(actual=80),
        "tier": ItemInput(actual=2),
        "qual": ItemInput(expert="1.5"),
        "evid": ItemInput(evidence=True),
    }
    base.update(overrides)
    return base


def by_code(result):
    return {i.code: i for i in result.items}


def test_the_spec_fixture_is_itself_valid():
    assert check_system(SPEC) == []


def test_every_rule_scores_and_writes_its_calculation():
    result = score(SPEC, inputs())
    items = by_code(result)
    assert items["up"].score == D("6.00")
    assert items["up"].calculation == (
        "完成率 = 实际值 ÷ 目标值 = 18.2 ÷ 18 = 101.1%，得分 = min(101.1%, 100%) × 6 = 6.00"
    )
    # 0.6 / 0.65 = 0.923076…; × 4 = 3.6923… → 3.69
    assert items["down"].score == D("3.69")
    assert items["down"].calculation == (
        "完成率 = 目标值 ÷ 实际值 = 0.6 ÷ 0.65 = 92.3%，得分 = min(92.3%, 100%) × 4 = 3.69"
    )
    assert items["thr"].score == D("3.00")
    assert items["thr"].calculation == "实际值 80 ≥ 门槛值 80，达标，得分 = 3.00"
    assert items["tier"].score == D("2.00")
    assert items["tier"].calculation == "实际值 2 达到第2档（≥ 2 得 2 分），得分 = 2.00"
    assert (items["qual"].self_score, items["qual"].score) == (None, D("1.50"))
    assert items["evid"].score == D("2.00")
    assert [(c.name, c.subtotal) for c in result.categories] == [
        ("目标完成", D("9.69")),
        ("管理机制", D("8.50")),
    ]
    assert result.base == D("18.19")


def test_ratio_below_target_threshold_missed_tier_not_reached_no_evidence():
    result = score(
        SPEC,
        inputs(
            up=ItemInput(actual=16, target=18),  # 16/18 = 0.888…; × 6 = 5.333… → 5.33
            thr=ItemInput(actual="79.9"),
            tier=ItemInput(actual=0),
            evid=ItemInput(evidence=False),
        ),
    )
    items = by_code(result)
    assert items["up"].score == D("5.33")
    assert items["up"].calculation.endswith("= 88.9%，得分 = min(88.9%, 100%) × 6 = 5.33")
    assert items["thr"].score == D("0.00")
    assert items["thr"].calculation == "实际值 79.9 < 门槛值 80，未达标，得分 = 0.00"
    assert items["tier"].score == D("0.00")
    assert items["tier"].calculation == "实际值 0 未达到最低档（≥ 1），得分 = 0.00"
    assert items["evid"].score == D("0.00")


def test_tiered_top_tier_and_threshold_lower_is_better():
    assert score_item(SPEC.items[3], ItemInput(actual=5)).score == D("3.00")
    low = ItemSpec(
        "chg", "排放总量变化", "目标完成", D(6), "threshold", {"direction": "down"}, direction="down"
    )
    met = score_item(low, ItemInput(actual="-2", target=0))
    assert (met.score, met.met) == (D("6.00"), True)
    assert met.calculation == "实际值 -2 ≤ 门槛值 0，达标，得分 = 6.00"
    assert score_item(low, ItemInput(actual="0.5", target=0)).score == D("0.00")


def test_ratio_down_at_or_below_zero_counts_full_and_ratio_up_below_zero_counts_nothing():
    down = score_item(SPEC.items[1], ItemInput(actual=0))
    assert down.score == D("4.00")
    up = score_item(SPEC.items[0], ItemInput(actual=-1, target=4))
    assert up.score == D("0.00")
    assert "完成率低于0按0计" in up.calculation


def test_rounding_is_half_up_to_two_places():
    item = ItemSpec("r", "舍入", "目标完成", D(1), "ratio_up")
    # 0.125 × 1 = 0.125 → 0.13 half-up (banker's rounding would give 0.12)
    assert score_item(item, ItemInput(actual="0.125", target=1)).score == D("0.13")
    # 0.115 → 0.12 (half-even would also give 0.12), 0.135 → 0.14
    assert score_item(item, ItemInput(actual="0.135", target=1)).score == D("0.14")


def test_excellent_with_bonus_capped_per_item_and_overall_and_penalty():
    result = score(SPEC, inputs(), claims={"b1": 3, "b2": 1, "p1": "0.5"})
    # b1: min(3, 2) = 2; b2: 1; bonus = min(3, cap 2) = 2; penalty 0.5; 18.19 + 2 − 0.5 = 19.69
    assert [a.applied for a in result.adjustments] == [D("2.00"), D("1.00"), D("0.50")]
    assert (result.bonus, result.penalty, result.total) == (D("2.00"), D("0.50"), D("19.69"))
    assert result.grade == EXCELLENT
    assert result.reason == "优秀：总分 19.69 ≥ 优秀分数线 18。"
    assert "加分 = min(3.00, 上限 2) = 2.00" in result.calculation
    assert "总分 = 18.19 + 2.00 − 0.50 = 19.69" in result.calculation


def test_penalty_capped_per_item_and_overall():
    result = score(SPEC, inputs(), claims={"p1": 5, "p2": 2})
    # p1: min(5, 1) = 1; p2: 2; sum 3 capped at 2.5; 18.19 − 2.5 = 15.69 → below 16
    assert result.penalty == D("2.50")
    assert result.total == D("15.69")
    assert result.grade == FAIL
    assert result.reason == "不通过：总分 15.69 低于通过分数线 16。"


def test_grade_thresholds_at_the_boundaries():
    full_a = {"up": ItemInput(actual=18, target=18), "down": ItemInput(actual="0.6")}
    # A = 6 + 4 = 10; B = 3 + 3 + 0 + 2 = 8 → 18.00 exactly: 优秀
    exact_excellent = score(SPEC, inputs(**full_a, tier=ItemInput(actual=3), qual=ItemInput(expert=0)))
    assert (exact_excellent.total, exact_excellent.grade) == (D("18.00"), EXCELLENT)
    # A = 10; B = 3 + 2 + 1 + 0 = 6 → 16.00 exactly: 通过
    exact_pass = score(SPEC, inputs(**full_a, qual=ItemInput(expert=1), evid=ItemInput(evidence=False)))
    assert (exact_pass.total, exact_pass.grade) == (D("16.00"), PASS)
    assert exact_pass.reason == "通过：总分 16.00 ≥ 通过分数线 16，低于优秀分数线 18。"
    # one hundredth below: qual 0.99 → 15.99: 不通过
    below = score(SPEC, inputs(**full_a, qual=ItemInput(expert="0.99"), evid=ItemInput(evidence=False)))
    assert (below.total, below.grade) == (D("15.99"), FAIL)


def test_binding_item_not_met_fails_whatever_the_total():
    result = score(
        SPEC,
        inputs(
            up=ItemInput(actual=17, target=18),  # 17/18 × 6 = 5.666… → 5.67, below target
            down=ItemInput(actual="0.5"),
            tier=ItemInput(actual=3),
            qual=ItemInput(expert=2),
        ),
        claims={"b1": 2},
    )
    # 5.67 + 4 + 3 + 3 + 2 + 2 = 19.67, + 2 = 21.67: above 优秀, yet 不通过
    assert result.total == D("21.67")
    assert result.binding_unmet == ("碳强度降低率",)
    assert result.grade == FAIL
    assert result.reason == "不通过：约束性指标未完成「碳强度降低率」（无论得分多少）。"


def test_veto_fails_whatever_the_total_and_names_the_veto():
    result = score(SPEC_WITH_VETOES, inputs(), vetoes=["fraud"], claims={"b1": 2})
    assert result.total == D("20.19")
    assert result.vetoes == ("数据弄虚作假",)
    assert result.grade == FAIL
    assert result.reason == "不通过：触发一票否决项「数据弄虚作假」（无论得分多少）。"


def test_qualitative_without_expert_value_leaves_the_grade_pending():
    result = score(SPEC, inputs(qual=ItemInput()))
    items = by_code(result)
    assert (items["qual"].self_score, items["qual"].score) == (None, None)
    assert items["qual"].calculation == "专家评议项，由专家在 0～2 分内评定"
    assert result.pending == ("核算质量",)
    assert result.grade is None
    assert result.categories[1].pending == 1
    assert result.total == D("16.69")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"up": ItemInput(actual=18)}, "「碳强度降低率」：比值法评分需要目标值。"),
        ({"up": ItemInput(target=18)}, "「碳强度降低率」：缺少实际值。"),
        ({"up": ItemInput(actual=1, target=0)}, "「碳强度降低率」：比值法的目标值须大于0。"),
        ({"qual": ItemInput(expert="2.5")}, "「核算质量」：专家评分 2.5 超出本项分值范围 0～2。"),
        ({"qual": ItemInput(expert=-1)}, "「核算质量」：专家评分 -1 超出本项分值范围 0～2。"),
        ({"thr": ItemInput(actual="abc")}, "「平台接入率」：实际值应为数字。"),
        ({"evid": ItemInput(expert=1, evidence=True)}, "「领导机构」：只有专家评议项接受专家评分。"),
        ({"nope": ItemInput(actual=1)}, "未知的指标：nope。"),
    ],
)
def test_input_errors_name_the_item(overrides, message):
    with pytest.raises(DomainError) as raised:
        score(SPEC, inputs(**overrides))
    assert raised.value.message == message


def test_unknown_veto_and_negative_claim_are_refused():
    with pytest.raises(DomainError, match="未知的否决项：x"):
        score(SPEC_WITH_VETOES, inputs(), vetoes=["x"])
    with pytest.raises(DomainError, match="「国家级试点称号」：加减分不能为负数。"):
        score(SPEC, inputs(), claims={"b1": -1})


@pytest.mark.parametrize(
    ("rule", "params", "points", "binding", "message"),
    [
        ("tiered", {"tiers": [[2, 1], [1, 2]]}, 2, False, "「甲」：各档下限应从低到高排列（第2档）。"),
        ("tiered", {"tiers": [[1, 2], [2, 1]]}, 2, False, "「甲」：各档得分应逐档提高（第2档）。"),
        (
            "tiered",
            {"tiers": [[1, 1], [2, 4]]},
            3,
            False,
            "「甲」：第2档得分 4 应在 0（不含）至本项分值 3 之间。",
        ),
        ("tiered", {"tiers": [[1, 1], [2, 2]]}, 3, False, "「甲」：最高档得分 2 应等于本项分值 3。"),
        ("tiered", {}, 3, False, "「甲」：分档法须至少设置一档（tiers）。"),
        ("tiered", {"tiers": [[1]]}, 3, False, "「甲」：第1档应为 [下限, 得分]。"),
        ("ratio_up", {"target": 0}, 3, False, "「甲」：比值法的目标值须大于0。"),
        ("ratio_up", {"threshold": 3}, 3, False, "「甲」：该评分规则不接受参数 threshold。"),
        ("threshold", {"direction": "sideways"}, 3, False, "「甲」：达标方向应为 up 或 down。"),
        ("qualitative", {}, 3, True, "「甲」：专家评议项不能设为约束性指标。"),
        ("evidence", {}, 0, False, "「甲」：分值应大于0。"),
        ("magic", {}, 3, False, "「甲」：未知的评分规则“magic”。"),
    ],
)
def test_rule_parameters_are_validated_in_chinese(rule, params, points, binding, message):
    with pytest.raises(RuleError) as raised:
        validate_rule(rule, params, points, binding=binding, name="甲")
    assert raised.value.message == message


def test_valid_parameters_pass():
    validate_rule("tiered", {"tiers": [[1.5, 1], [2.5, 2], [3.5, 3]]}, 3, name="甲")
    validate_rule("threshold", {"threshold": "80", "direction": "down"}, 3, binding=True, name="甲")


def test_check_system_reports_sums_that_do_not_add_up():
    broken = replace(
        SPEC,
        categories=(CategorySpec("目标完成", D(12)), CategorySpec("管理机制", D(10))),
        excellent_score=D(15),
    )
    assert check_system(broken) == [
        "分数线应满足：通过分数线 16 ≤ 优秀分数线 15 ≤ 总分 20。",
        "各类别分值之和 22 不等于总分 20。",
        "类别「目标完成」各指标分值之和 10 不等于类别分值 12。",
    ]
