"""Score aggregation for expert review rounds (reviews.aggregation) — pure Python, no database.

Every expected value is computed by hand in the comment next to the assertion.  Module outputs are
Decimals quantised to 4 places (ROUND_HALF_UP); ranking compares at 2 places.
"""

from decimal import Decimal as D

import pytest

from reviews.aggregation import (
    Criterion,
    InvalidCriteriaError,
    InvalidSheetError,
    ItemResult,
    RankedItem,
    build_item_results,
    disagreements,
    expert_zscores,
    item_statistics,
    outlier_experts,
    per_criterion_means,
    publish,
    quantise,
    rank,
    validate_criteria,
    validate_sheet,
    weighted_total,
    zscore_normalised,
)

# Weights 30/30/40, all on a 10-point scale; C3 may not be marked n/a.
CRITERIA = [
    Criterion("C1", "减排目标", 30, 10),
    Criterion("C2", "实施路径", 30, 10),
    Criterion("C3", "保障措施", 40, 10, allow_na=False),
]


def item(item_id, *totals, c1=None, z=None):
    """An ItemResult whose experts are labelled e1, e2, ... in order."""
    return ItemResult(
        item_id=item_id,
        totals=[(f"e{i}", D(str(t))) for i, t in enumerate(totals, 1)],
        criterion_means={"C1": None if c1 is None else D(str(c1))},
        zscore=None if z is None else D(str(z)),
    )


def by_id(ranked: list[RankedItem]) -> dict:
    return {r.item_id: r for r in ranked}


# --------------------------------------------------------------------------------------------------
# Decimal conventions
# --------------------------------------------------------------------------------------------------


def test_quantise_and_publish_round_half_up():
    assert quantise(D("68.571428571")) == D("68.5714")  # 4 places
    assert quantise(D("0.00005")) == D("0.0001")  # half up, not half even
    assert publish(D("80.005")) == D("80.01")  # half up at 2 places
    assert publish(D("80.0049")) == D("80.00")
    assert quantise(None) is None and publish(None) is None


def test_criterion_converts_weights_to_decimal():
    c = Criterion("X", "x", 12.5, 10)
    assert c.weight == D("12.5") and isinstance(c.weight, D)  # float goes through str(), not binary
    assert c.scale_max == D(10) and isinstance(c.scale_max, D)
    assert c.allow_na is True  # default


# --------------------------------------------------------------------------------------------------
# 1. weighted_total
# --------------------------------------------------------------------------------------------------


def test_weighted_total_without_na_is_plain_weighted_sum():
    # 30×0.8 + 30×0.7 + 40×0.6 = 24 + 21 + 24 = 69; Σw = 100 → 69/100×100 = 69
    assert weighted_total({"C1": 8, "C2": 7, "C3": 6}, CRITERIA) == D("69.0000")


def test_weighted_total_na_reweights_remaining_criteria():
    # C2 n/a: (30×0.8 + 40×0.6) / (30 + 40) × 100 = 48/70×100 = 68.571428… → 68.5714
    total = weighted_total({"C1": 8, "C2": None, "C3": 6}, CRITERIA)
    assert total == D("68.5714")
    assert publish(total) == D("68.57")
    # Counting n/a as zero would have given 48 — the point of re-weighting.
    assert total != D(48)


def test_weighted_total_na_on_two_criteria():
    crit = [Criterion("A", "a", 50, 10), Criterion("B", "b", 25, 10), Criterion("C", "c", 25, 10)]
    # only A scored: 50×0.9 / 50 × 100 = 90
    assert weighted_total({"A": 9, "B": None, "C": None}, crit) == D("90.0000")


def test_weighted_total_mixed_scales():
    crit = [Criterion("P", "p", 60, 100), Criterion("Q", "q", 40, 10)]
    # 60×(75/100) + 40×(8/10) = 45 + 32 = 77
    assert weighted_total({"P": 75, "Q": 8}, crit) == D("77.0000")
    # boundaries: 0 and full marks → 0 and 100
    assert weighted_total({"P": 0, "Q": 0}, crit) == D("0.0000")
    assert weighted_total({"P": 100, "Q": 10}, crit) == D("100.0000")


def test_weighted_total_decimal_and_float_inputs():
    # 30×0.85 + 30×0.7 + 40×0.6 = 25.5 + 21 + 24 = 70.5
    assert weighted_total({"C1": D("8.5"), "C2": 7, "C3": 6}, CRITERIA) == D("70.5000")
    # float 8.1 is read as Decimal("8.1"): 24.3 + 21 + 24 = 69.3
    assert weighted_total({"C1": 8.1, "C2": 7, "C3": 6}, CRITERIA) == D("69.3000")


def test_weighted_total_all_na_is_none():
    crit = [Criterion("A", "a", 60, 10), Criterion("B", "b", 40, 10)]
    assert weighted_total({"A": None, "B": None}, crit) is None


def test_weighted_total_refuses_invalid_sheet():
    with pytest.raises(InvalidSheetError) as err:
        weighted_total({"C1": 11, "C2": 7, "C3": 6}, CRITERIA)
    assert err.value.errors == ["指标「C1 减排目标」的评分11超出范围0–10"]
    assert isinstance(err.value, ValueError)


def test_weighted_total_refuses_invalid_criteria():
    crit = [Criterion("A", "a", 60, 10), Criterion("B", "b", 30, 10)]
    with pytest.raises(InvalidCriteriaError) as err:
        weighted_total({"A": 5, "B": 5}, crit)
    assert err.value.errors == ["各指标权重合计须为100（当前为90）"]


# --------------------------------------------------------------------------------------------------
# 2. item_statistics
# --------------------------------------------------------------------------------------------------


def test_statistics_empty():
    stats = item_statistics([])
    assert stats["n"] == 0
    assert all(stats[k] is None for k in ("mean", "median", "trimmed_mean", "min", "max", "range", "stdev"))


def test_statistics_n1():
    stats = item_statistics([D(75)])
    assert stats == {
        "n": 1,
        "mean": D("75.0000"),
        "median": D("75.0000"),
        "trimmed_mean": D("75.0000"),  # n < 3: nothing dropped, equals mean
        "min": D("75.0000"),
        "max": D("75.0000"),
        "range": D("0.0000"),
        "stdev": None,  # sample sd undefined for n < 2
    }


def test_statistics_n2_trimmed_mean_equals_mean():
    stats = item_statistics([D(70), D(80)])
    assert stats["mean"] == D("75.0000")  # (70+80)/2
    assert stats["median"] == D("75.0000")  # mean of the two middle values
    assert stats["trimmed_mean"] == stats["mean"]  # n < 3: nothing dropped
    assert stats["range"] == D("10.0000")  # 80 − 70
    # sample sd: √(((−5)² + 5²)/(2−1)) = √50 = 7.0710678… → 7.0711
    assert stats["stdev"] == D("7.0711")


def test_statistics_n3():
    stats = item_statistics([D(60), D(90), D(81)])
    assert stats["n"] == 3
    assert stats["mean"] == D("77.0000")  # 231/3
    assert stats["median"] == D("81.0000")
    assert stats["trimmed_mean"] == D("81.0000")  # drop 60 and 90 → 81
    assert (stats["min"], stats["max"], stats["range"]) == (D("60.0000"), D("90.0000"), D("30.0000"))
    # deviations −17, 13, 4 → 289 + 169 + 16 = 474; 474/2 = 237; √237 = 15.394804… → 15.3948
    assert stats["stdev"] == D("15.3948")


def test_statistics_n5():
    stats = item_statistics([D(70), D(85), D(90), D(60), D(95)])
    # sorted 60, 70, 85, 90, 95; Σ = 400
    assert stats["mean"] == D("80.0000")  # 400/5
    assert stats["median"] == D("85.0000")
    assert stats["trimmed_mean"] == D("81.6667")  # (70+85+90)/3 = 245/3 = 81.6666… → 81.6667
    assert stats["range"] == D("35.0000")  # 95 − 60
    # deviations −20, −10, 5, 10, 15 → 400+100+25+100+225 = 850; 850/4 = 212.5; √212.5 = 14.57738 → 14.5774
    assert stats["stdev"] == D("14.5774")


def test_statistics_even_n_and_duplicates():
    stats = item_statistics([D(60), D(70), D(80), D(100)])
    assert stats["median"] == D("75.0000")  # (70+80)/2
    assert stats["mean"] == D("77.5000")  # 310/4
    assert stats["trimmed_mean"] == D("75.0000")  # drop 60 and 100 → (70+80)/2
    # only ONE highest and ONE lowest are dropped even when values repeat: (80+80)/2 = 80
    assert item_statistics([D(80), D(80), D(80), D(50)])["trimmed_mean"] == D("80.0000")


# --------------------------------------------------------------------------------------------------
# 3. z-score normalisation
# --------------------------------------------------------------------------------------------------

# 3 experts × 4 items.  甲 and 乙 scored every item; 严 (harsh) scored only P and Q and scores low.
#   甲: P 90, Q 70, R 90, S 70   μ=80, population σ=10 → z = +1, −1, +1, −1
#   乙: P 90, Q 70, R 90, S 70   same
#   严: P 70, Q 40               μ=55, population σ=15 → z = +1, −1
HARSH_ROUND = {
    ("甲", "P"): D(90),
    ("甲", "Q"): D(70),
    ("甲", "R"): D(90),
    ("甲", "S"): D(70),
    ("乙", "P"): D(90),
    ("乙", "Q"): D(70),
    ("乙", "R"): D(90),
    ("乙", "S"): D(70),
    ("严", "P"): D(70),
    ("严", "Q"): D(40),
}


def test_expert_zscores_harsh_round():
    z = expert_zscores(HARSH_ROUND)
    assert z[("甲", "P")] == D("1.0000")  # (90 − 80)/10
    assert z[("甲", "Q")] == D("-1.0000")  # (70 − 80)/10
    assert z[("严", "P")] == D("1.0000")  # (70 − 55)/15
    assert z[("严", "Q")] == D("-1.0000")  # (40 − 55)/15


def test_zscore_removes_harsh_expert_effect():
    raw_mean = {
        i: item_statistics([t for (_, it), t in HARSH_ROUND.items() if it == i])["mean"] for i in "PQRS"
    }
    # Raw means: P = (90+90+70)/3 = 83.3333, R = (90+90)/2 = 90 — P loses 6.67 points only because the
    # harsh expert happened to be assigned P and not R.
    assert raw_mean["P"] == D("83.3333") and raw_mean["R"] == D("90.0000")
    assert raw_mean["Q"] == D("60.0000") and raw_mean["S"] == D("70.0000")  # (70+70+40)/3, 70

    norm = zscore_normalised(HARSH_ROUND)
    # grand mean of all 10 raw totals = (4×90 + 4×70 + 70 + 40)/10 = 750/10 = 75
    # grand population sd: deviations 15 (×4), −5 (×4), −5, −35 → 900 + 100 + 25 + 1225 = 2250;
    #   2250/10 = 225; √225 = 15
    # P: mean z (1, 1, 1) = 1 → 75 + 15×1 = 90;  R: mean z (1, 1) = 1 → 90
    # Q: mean z (−1, −1, −1) = −1 → 75 − 15 = 60;  S: mean z (−1, −1) = −1 → 60
    assert norm == {"P": D("90.0000"), "Q": D("60.0000"), "R": D("90.0000"), "S": D("60.0000")}
    # The harsh expert's effect has disappeared: P and R, judged alike by everyone, now read the same.
    assert norm["P"] == norm["R"] and norm["Q"] == norm["S"]


def test_zscore_is_invariant_to_an_experts_constant_shift():
    lenient = dict(HARSH_ROUND)
    lenient[("严", "P")] += 25  # 95
    lenient[("严", "Q")] += 25  # 65
    # μ shifts by 25, σ unchanged → every z identical
    assert expert_zscores(lenient) == expert_zscores(HARSH_ROUND)
    norm = zscore_normalised(lenient)
    # grand mean = (750 + 50)/10 = 80; deviations 10 (×4), −10 (×4), 15, −15 → 400+400+225+225 = 1250;
    #   1250/10 = 125; √125 = 11.18034 → P = R = 80 + 11.18034 = 91.1803, Q = S = 80 − 11.18034 = 68.8197
    assert norm == {"P": D("91.1803"), "Q": D("68.8197"), "R": D("91.1803"), "S": D("68.8197")}


def test_zscore_single_item_expert_and_zero_variance_expert_are_neutral():
    totals = {
        ("甲", "P"): D(60),  # 甲: μ=50, σ=10 → z(P)=+1, z(Q)=−1
        ("甲", "Q"): D(40),
        ("孤", "P"): D(90),  # 孤 scored one item only → z = 0
        ("平", "P"): D(60),  # 平 gave identical totals → σ = 0 → z = 0
        ("平", "Q"): D(60),
    }
    z = expert_zscores(totals)
    assert z[("孤", "P")] == D("0.0000")
    assert z[("平", "P")] == D("0.0000") and z[("平", "Q")] == D("0.0000")
    norm = zscore_normalised(totals)
    # grand mean = (60+40+90+60+60)/5 = 310/5 = 62
    # grand sd: deviations −2, −22, 28, −2, −2 → 4+484+784+4+4 = 1280; 1280/5 = 256; √256 = 16
    # P: mean z (1, 0, 0) = 1/3 → 62 + 16/3 = 67.3333 — 孤's 90 does not lift P
    # Q: mean z (−1, 0) = −1/2 → 62 − 8 = 54
    assert norm == {"P": D("67.3333"), "Q": D("54.0000")}


def test_zscore_degenerate_rounds():
    assert zscore_normalised({}) == {}
    # one expert, one item: z = 0, grand sd = 0 → grand mean 70
    assert zscore_normalised({("甲", "P"): D(70)}) == {"P": D("70.0000")}
    # every total equal: grand sd = 0 → every item gets grand mean 80
    same = {("甲", "P"): D(80), ("甲", "Q"): D(80), ("乙", "P"): D(80)}
    assert zscore_normalised(same) == {"P": D("80.0000"), "Q": D("80.0000")}


# --------------------------------------------------------------------------------------------------
# 4. Disagreement flags
# --------------------------------------------------------------------------------------------------


def test_disagreement_by_range():
    # range 92 − 70 = 22 > 20.  Outlier rule: median 80, |dev| 10, 12, 0 → MAD = 10;
    # limit 2×1.4826×10 = 29.652 → nobody is an outlier.
    totals = [("甲", D(70)), ("乙", D(92)), ("丙", D(80))]
    assert disagreements(totals) == ["专家评分极差22.0分，超过阈值20分"]
    assert outlier_experts(totals) == []


def test_range_equal_to_threshold_is_not_flagged():
    # range 90 − 70 = 20, not > 20
    assert disagreements([("甲", D(70)), ("乙", D(90)), ("丙", D(80))]) == []
    # custom threshold 15: 20 > 15
    assert disagreements([("甲", D(70)), ("乙", D(90)), ("丙", D(80))], range_threshold=D(15)) == [
        "专家评分极差20.0分，超过阈值15分"
    ]


def test_disagreement_by_outlier_only():
    totals = [("甲", D(80)), ("乙", D(81)), ("丙", D(79)), ("丁", D("80.5")), ("戊", D(65))]
    # sorted 65, 79, 80, 80.5, 81 → median 80; |dev| 0, 1, 1, 0.5, 15 → sorted 0, 0.5, 1, 1, 15 → MAD 1
    # limit = 2 × 1.4826 × 1 = 2.9652 → "3.0"; only 戊 (15 > 2.9652).  Range 81 − 65 = 16 ≤ 20.
    assert disagreements(totals) == [
        "专家戊的评分65.0分偏离中位数80.0分达15.0分，超过阈值3.0分（2×1.4826×MAD，MAD=1.0分）"
    ]
    assert outlier_experts(totals) == ["戊"]
    # k = 11: limit 11 × 1.4826 = 16.3086 > 15 → no longer an outlier
    assert outlier_experts(totals, outlier_k=D(11)) == []
    assert disagreements(totals, outlier_k=D(11)) == []


def test_disagreement_by_range_and_outlier():
    totals = [("甲", D(80)), ("乙", D(82)), ("丙", D(78)), ("丁", D(81)), ("戊", D(40))]
    # range 82 − 40 = 42 > 20
    # median 80; |dev| 0, 2, 2, 1, 40 → sorted 0, 1, 2, 2, 40 → MAD 2; limit 2×1.4826×2 = 5.9304 → "5.9"
    assert disagreements(totals) == [
        "专家评分极差42.0分，超过阈值20分",
        "专家戊的评分40.0分偏离中位数80.0分达40.0分，超过阈值5.9分（2×1.4826×MAD，MAD=2.0分）",
    ]


def test_outliers_on_both_sides_in_input_order():
    totals = [("高", D(110)), ("甲", D(79)), ("乙", D(80)), ("丙", D(81)), ("丁", D(80)), ("低", D(50))]
    # sorted 50, 79, 80, 80, 81, 110 → median (80+80)/2 = 80; |dev| 30, 1, 0, 1, 0, 30
    # → sorted 0, 0, 1, 1, 30, 30 → MAD (1+1)/2 = 1; limit 2.9652 → 高 and 低
    assert outlier_experts(totals) == ["高", "低"]
    assert len(disagreements(totals)) == 3  # range 60 + two outliers


def test_mad_zero_uses_range_rule_only():
    # median 80, |dev| 0, 0, 0, 30 → MAD 0 → outlier rule skipped; range 30 > 20 still flags
    totals = [("甲", D(80)), ("乙", D(80)), ("丙", D(80)), ("丁", D(50))]
    assert outlier_experts(totals) == []
    assert disagreements(totals) == ["专家评分极差30.0分，超过阈值20分"]
    # same shape with range 10: nothing flagged at all
    assert disagreements([("甲", D(80)), ("乙", D(80)), ("丙", D(80)), ("丁", D(70))]) == []


def test_disagreement_small_inputs():
    assert disagreements([]) == []
    assert disagreements([("甲", D(50))]) == []  # range 0, MAD 0
    # n = 2: median 65, both |dev| = 15 = MAD → 15 ≤ 2×1.4826×15, never an outlier; range 30 > 20
    assert disagreements([("甲", D(50)), ("乙", D(80))]) == ["专家评分极差30.0分，超过阈值20分"]


# --------------------------------------------------------------------------------------------------
# 5. Ranking
# --------------------------------------------------------------------------------------------------


def test_competition_ranking_without_tie_break():
    items = [item("W", 90), item("X", 80), item("Y", 80), item("Z", 70)]
    ranked = rank(items, "mean", [])
    assert [(r.item_id, r.rank, r.tied) for r in ranked] == [
        ("W", 1, False),
        ("X", 2, True),
        ("Y", 2, True),  # 1, 2, 2, 4
        ("Z", 4, False),
    ]
    x = by_id(ranked)["X"]
    assert x.primary_score == D("80.00")
    assert x.tied_with == ("Y",)
    assert x.tie_break_used == ()
    assert x.note == "主得分80.00分与Y并列；未设决胜规则；与Y仍并列，须由审定会议决定。"
    assert by_id(ranked)["W"].note == "" and by_id(ranked)["Z"].note == ""


def test_tie_break_chain_separates_some_and_leaves_others_tied():
    items = [
        item("H"),  # nobody scored yet — must go last even though listed first
        item("A", 85, 85, 85),  # mean 85
        item("B", 60, 81, 99, c1=8),  # mean 240/3 = 80, trimmed 81 (drop 60, 99), min 60
        item("C", 70, 80, 90, c1=8),  # mean 80, trimmed 80, C1 8, min 70
        item("D", 75, 80, 85, c1=8),  # mean 80, trimmed 80, C1 8, min 75
        item("E", 65, 75, 85, c1=7),  # mean 75, trimmed 75, C1 7, min 65
        item("F", 85, 65, 75, c1=7),  # identical to E in every key
        item("G", 70, 70),  # mean 70
    ]
    ranked = rank(items, "mean", ["trimmed_mean", "criterion:C1", "min"])
    assert [(r.item_id, r.rank) for r in ranked] == [
        ("A", 1),
        ("B", 2),  # trimmed 81 beats 80, 80
        ("D", 3),  # C1 8 = 8 does not separate; min 75 > 70
        ("C", 4),
        ("E", 5),  # every key equal → still tied
        ("F", 5),
        ("G", 7),  # competition ranking: 5, 5, 7
        ("H", None),
    ]
    r = by_id(ranked)
    assert r["A"].tie_break_used == () and r["A"].note == "" and not r["A"].tied
    assert r["B"].tie_break_used == ("trimmed_mean",)
    assert (
        r["B"].note
        == "主得分80.00分与C、D并列；依次采用决胜规则：去掉最高分和最低分后平均81.00（已区分）；名次由决胜规则确定。"
    )
    # criterion:C1 was applied but did not separate → recorded in the note, not in tie_break_used
    assert r["D"].tie_break_used == ("trimmed_mean", "min")
    assert r["C"].tie_break_used == ("trimmed_mean", "min")
    assert r["D"].note == (
        "主得分80.00分与B、C并列；依次采用决胜规则：去掉最高分和最低分后平均80.00（已区分）、指标C1均分8.00（未能区分）、"
        "最低专家评分75.00（已区分）；名次由决胜规则确定。"
    )
    assert not r["C"].tied and not r["D"].tied
    assert r["E"].tied and r["F"].tied
    assert r["E"].tied_with == ("F",) and r["F"].tied_with == ("E",)
    assert r["E"].tie_break_used == ()
    assert r["E"].note == (
        "主得分75.00分与F并列；依次采用决胜规则：去掉最高分和最低分后平均75.00（未能区分）、指标C1均分7.00（未能区分）、"
        "最低专家评分65.00（未能区分）；与F仍并列，须由审定会议决定。"
    )
    assert "并列，须由审定会议决定" in r["F"].note
    assert r["H"] == RankedItem(item_id="H", rank=None, primary_score=None, note="尚无有效评分")


def test_tie_break_splits_one_out_and_remaining_pair_keeps_shared_rank():
    items = [item("X", 80, c1=9), item("Y", 80, c1=7), item("Z", 80, c1=7), item("W", 60)]
    ranked = rank(items, "mean", ["criterion:C1"])
    # all mean 80 except W; C1: X 9 > Y 7 = Z 7 → X 1, Y and Z share 2, W is 4th (1, 2, 2, 4)
    assert [(r.item_id, r.rank, r.tied) for r in ranked] == [
        ("X", 1, False),
        ("Y", 2, True),
        ("Z", 2, True),
        ("W", 4, False),
    ]
    r = by_id(ranked)
    # the key separated Y/Z from X, so it is recorded for them too, yet they remain tied with each other
    assert r["Y"].tie_break_used == ("criterion:C1",)
    assert (
        r["Y"].note
        == "主得分80.00分与X、Z并列；依次采用决胜规则：指标C1均分7.00（已区分）；与Z仍并列，须由审定会议决定。"
    )


def test_scores_are_compared_at_published_precision():
    items = [
        item("X", 80, 80, D("80.01")),  # mean 240.01/3 = 80.003333 → 80.0033 → published 80.00
        item("Y", 80),  # 80.00
        item("Z", D("80.005")),  # 80.0050 → published 80.01 (half up)
    ]
    ranked = rank(items, "mean", [])
    assert [(r.item_id, r.rank, r.primary_score) for r in ranked] == [
        ("Z", 1, D("80.01")),
        ("X", 2, D("80.00")),  # 80.0033 and 80.00 are tied at 2 places
        ("Y", 2, D("80.00")),
    ]


def test_rank_by_median_trimmed_mean_and_zscore():
    items = [item("P", 60, 81, 99, z=70), item("Q", 75, 80, 85, z=72)]
    # median: P 81 > Q 80
    assert [r.item_id for r in rank(items, "median", [])] == ["P", "Q"]
    # trimmed mean with n = 3 is the median: same order, 81 > 80
    assert [r.primary_score for r in rank(items, "trimmed_mean", [])] == [D("81.00"), D("80.00")]
    # zscore: Q 72 > P 70
    ranked = rank(items, "zscore", [])
    assert [(r.item_id, r.primary_score) for r in ranked] == [("Q", D("72.00")), ("P", D("70.00"))]
    # mean: both 80 → tie; "median" tie-break: P 81 > Q 80
    ranked = rank(items, "mean", ["median"])
    assert [(r.item_id, r.rank, r.tie_break_used) for r in ranked] == [
        ("P", 1, ("median",)),
        ("Q", 2, ("median",)),
    ]


def test_zscore_tie_break_and_higher_minimum_wins():
    items = [item("P", 70, 90, z=81), item("Q", 75, 85, z=79)]
    # mean both 80; zscore P 81 > Q 79
    assert [r.item_id for r in rank(items, "mean", ["zscore", "min"])] == ["P", "Q"]
    # mean both 80; min Q 75 > P 70 → Q first
    assert [r.item_id for r in rank(items, "mean", ["min", "zscore"])] == ["Q", "P"]


def test_tie_break_key_without_data_is_skipped_and_said_so():
    items = [item("P", 80, 70, c1=None), item("Q", 75, 75, c1=6)]
    # mean both 75 ((80+70)/2, (75+75)/2); C1 is n/a for every expert of P → key not applied;
    # min: Q 75 > P 70
    ranked = rank(items, "mean", ["criterion:C1", "min"])
    assert [(r.item_id, r.rank) for r in ranked] == [("Q", 1), ("P", 2)]
    q = by_id(ranked)["Q"]
    assert q.tie_break_used == ("min",)
    assert q.note == (
        "主得分75.00分与P并列；依次采用决胜规则：指标C1均分（部分项目无数据，未采用）、最低专家评分75.00（已区分）；"
        "名次由决胜规则确定。"
    )


def test_unscored_items_last_in_input_order():
    ranked = rank([item("U1"), item("A", 50), item("U2")], "mean", [])
    assert [(r.item_id, r.rank, r.note) for r in ranked] == [
        ("A", 1, ""),
        ("U1", None, "尚无有效评分"),
        ("U2", None, "尚无有效评分"),
    ]
    assert rank([item("U1")], "zscore", []) == [RankedItem("U1", None, None, note="尚无有效评分")]


@pytest.mark.parametrize(
    ("method", "tie_break", "message"),
    [
        ("average", [], "未知的排序方法"),
        ("mean", ["max"], "未知的决胜规则"),
        ("mean", ["mean"], "与主排序方法相同"),
        ("mean", ["min", "min"], "重复"),
        ("mean", ["criterion:"], "缺少指标代码"),
        ("mean", ["criterion:C9"], "没有指标「C9」"),
    ],
)
def test_rank_rejects_bad_configuration(method, tie_break, message):
    with pytest.raises(ValueError, match=message):
        rank([item("P", 80, c1=8), item("Q", 80, c1=8)], method, tie_break)


def test_rank_by_zscore_requires_zscore():
    with pytest.raises(ValueError, match="缺少专家标准分"):
        rank([item("P", 80)], "zscore", [])


# --------------------------------------------------------------------------------------------------
# 6. per_criterion_means
# --------------------------------------------------------------------------------------------------


def test_per_criterion_means_excludes_na():
    sheets = [
        {"C1": 8, "C2": None, "C3": 6},
        {"C1": 7, "C2": None, "C3": 7},
        {"C1": 7, "C2": None, "C3": D("6.5")},
    ]
    assert per_criterion_means(sheets, CRITERIA) == {
        "C1": D("7.3333"),  # (8+7+7)/3 = 22/3 = 7.3333…
        "C2": None,  # n/a everywhere → None, not 0
        "C3": D("6.5000"),  # (6+7+6.5)/3 = 19.5/3 = 6.5
    }
    # one n/a among values: (9 + 5)/2 = 7, the n/a sheet is not a zero
    assert per_criterion_means(
        [{"C1": 9, "C2": 1, "C3": 1}, {"C1": None, "C2": 1, "C3": 1}, {"C1": 5, "C2": 1, "C3": 1}], CRITERIA
    )["C1"] == D("7.0000")


def test_per_criterion_means_no_sheets_and_invalid_sheet():
    assert per_criterion_means([], CRITERIA) == {"C1": None, "C2": None, "C3": None}
    with pytest.raises(InvalidSheetError):
        per_criterion_means([{"C1": 8, "C2": 7}], CRITERIA)  # C3 missing


# --------------------------------------------------------------------------------------------------
# 7. Validation
# --------------------------------------------------------------------------------------------------


def test_valid_criteria():
    assert validate_criteria(CRITERIA) == []
    # 33.3 + 33.3 + 33.4 = 100 exactly in Decimal
    thirds = [
        Criterion("A", "a", D("33.3"), 10),
        Criterion("B", "b", D("33.3"), 10),
        Criterion("C", "c", D("33.4"), 10),
    ]
    assert validate_criteria(thirds) == []


def test_criteria_weights_must_total_100():
    crit = [Criterion("A", "甲项", 30, 10), Criterion("B", "乙项", 30, 10), Criterion("C", "丙项", 30, 10)]
    assert validate_criteria(crit) == ["各指标权重合计须为100（当前为90）"]  # 30+30+30
    crit = [Criterion("A", "甲项", D("50.5"), 10), Criterion("B", "乙项", 50, 10)]
    assert validate_criteria(crit) == ["各指标权重合计须为100（当前为100.5）"]


def test_criteria_positive_weight_and_scale():
    crit = [
        Criterion("A", "甲项", 0, 10),
        Criterion("B", "乙项", -10, 10),
        Criterion("C", "丙项", 110, 0),
    ]
    assert validate_criteria(crit) == [
        "指标「A 甲项」的权重必须大于0（当前为0）",
        "指标「B 乙项」的权重必须大于0（当前为-10）",
        "指标「C 丙项」的满分必须大于0（当前为0）",
        # 0 − 10 + 110 = 100: the total alone is fine, which is why weight > 0 is checked separately
    ]


def test_criteria_unique_codes_and_not_empty():
    crit = [Criterion("A", "甲项", 40, 10), Criterion("A", "乙项", 30, 10), Criterion("A", "丙项", 30, 10)]
    assert validate_criteria(crit) == ["指标代码「A」重复"]  # reported once
    assert validate_criteria([]) == ["评审指标不能为空"]
    assert validate_criteria([Criterion("", "无代码", 100, 10)]) == ["指标「无代码」的代码不能为空"]


def test_valid_sheets():
    assert validate_sheet({"C1": 0, "C2": 10, "C3": D("7.5")}, CRITERIA) == []  # boundaries 0 and max
    assert validate_sheet({"C1": None, "C2": None, "C3": 5}, CRITERIA) == []  # n/a where allowed


def test_sheet_missing_unknown_and_na_not_allowed():
    sheet = {"C1": 8, "C3": None, "C9": 5}
    assert validate_sheet(sheet, CRITERIA) == [
        "指标「C2 实施路径」未评分（既无分值，也未标注不适用）",
        "指标「C3 保障措施」不允许标注为不适用",
        "评分表包含未知指标「C9」",
    ]


def test_sheet_values_out_of_range_or_not_numbers():
    assert validate_sheet({"C1": 11, "C2": -1, "C3": D("10.5")}, CRITERIA) == [
        "指标「C1 减排目标」的评分11超出范围0–10",
        "指标「C2 实施路径」的评分-1超出范围0–10",
        "指标「C3 保障措施」的评分10.5超出范围0–10",
    ]
    assert validate_sheet({"C1": "八", "C2": True, "C3": D("NaN")}, CRITERIA) == [
        "指标「C1 减排目标」的评分不是有效数值：'八'",
        "指标「C2 实施路径」的评分不是有效数值：True",
        "指标「C3 保障措施」的评分不是有效数值：Decimal('NaN')",
    ]


# --------------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------------


def test_build_item_results_and_rank_end_to_end():
    sheets = {
        ("甲", "P"): {"C1": 8, "C2": None, "C3": 6},  # (24 + 24)/70 × 100 = 68.5714
        ("乙", "P"): {"C1": 9, "C2": 8, "C3": 7},  # 27 + 24 + 28 = 79
        ("甲", "Q"): {"C1": 6, "C2": 6, "C3": 6},  # 18 + 18 + 24 = 60
        ("乙", "Q"): {"C1": None, "C2": None, "C3": 5},  # 40×0.5/40 × 100 = 50
        ("丙", "Q"): {"C1": None, "C2": None, "C3": 5},  # 50
    }
    results = build_item_results(sheets, CRITERIA, item_ids=["P", "Q", "R"])
    p, q, r = results
    assert p.totals == (("甲", D("68.5714")), ("乙", D("79.0000")))
    assert q.totals == (("甲", D("60.0000")), ("乙", D("50.0000")), ("丙", D("50.0000")))
    assert p.criterion_means == {
        "C1": D("8.5000"),
        "C2": D("8.0000"),
        "C3": D("6.5000"),
    }  # (8+9)/2, 8, (6+7)/2
    assert q.criterion_means == {"C1": D("6.0000"), "C2": D("6.0000"), "C3": D("5.3333")}  # 16/3 = 5.3333
    assert r.totals == () and r.zscore is None and r.criterion_means == {"C1": None, "C2": None, "C3": None}
    # z: 甲 (68.5714, 60) → +1, −1; 乙 (79, 50) → +1, −1; 丙 one item → 0
    # grand mean = (68.5714 + 79 + 60 + 50 + 50)/5 = 307.5714/5 = 61.51428
    # P: mean z 1 → grand_mean + grand_sd; Q: mean z (−1 −1 + 0)/3 = −2/3
    assert p.zscore > q.zscore
    z = expert_zscores({("甲", "P"): D("68.5714"), ("甲", "Q"): D(60), ("丙", "Q"): D(50)})
    assert z[("甲", "P")] == D("1.0000") and z[("丙", "Q")] == D("0.0000")

    ranked = rank(results, "mean", ["trimmed_mean"])
    # P mean (68.5714 + 79)/2 = 73.7857 → 73.79; Q (60 + 50 + 50)/3 = 53.3333 → 53.33; R unscored
    assert [(x.item_id, x.rank, x.primary_score) for x in ranked] == [
        ("P", 1, D("73.79")),
        ("Q", 2, D("53.33")),
        ("R", None, None),
    ]
    assert disagreements(q.totals) == []  # range 10, MAD 0


def test_build_item_results_records_all_na_experts_and_rejects_unknown_items():
    crit = [Criterion("A", "a", 60, 10), Criterion("B", "b", 40, 10)]
    sheets = {("甲", "P"): {"A": None, "B": None}, ("乙", "P"): {"A": 5, "B": 5}}
    (p,) = build_item_results(sheets, crit)
    assert p.totals == (("乙", D("50.0000")),)  # 60×0.5 + 40×0.5 = 50
    assert p.excluded_experts == ("甲",)  # all n/a: no total, but not silently dropped
    assert p.zscore == D("50.0000")  # single total → z 0 → grand mean 50
    with pytest.raises(ValueError, match="不在本轮项目清单中"):
        build_item_results(sheets, crit, item_ids=["Q"])
