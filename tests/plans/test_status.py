"""The target-status rule (plans.status.target_status) against hand-made cases."""

from decimal import Decimal

import pytest

from plans.status import AT_RISK, BEHIND, NO_DATA, ON_TRACK, target_status

D = Decimal


@pytest.mark.parametrize(
    ("actual", "path", "expected"),
    [
        # 单位GDP二氧化碳排放 (t/万元), path 1.00: tolerance 0.05
        ("0.90", "1.00", ON_TRACK),  # below the path
        ("1.00", "1.00", ON_TRACK),  # on the path
        ("1.03", "1.00", AT_RISK),  # 3 % above
        ("1.05", "1.00", AT_RISK),  # exactly 5 % above: still at risk
        ("1.0501", "1.00", BEHIND),  # just beyond 5 %
        ("1.40", "1.00", BEHIND),
    ],
)
def test_down_indicator(actual, path, expected):
    assert target_status(direction="down", actual=D(actual), path_value=D(path)).code == expected


@pytest.mark.parametrize(
    ("actual", "path", "expected"),
    [
        # 非化石能源消费比重 (%), path 20.0: tolerance 1.0 point
        ("25.0", "20.0", ON_TRACK),
        ("20.0", "20.0", ON_TRACK),
        ("19.2", "20.0", AT_RISK),
        ("19.0", "20.0", AT_RISK),  # exactly 5 % below
        ("18.99", "20.0", BEHIND),
        ("12.0", "20.0", BEHIND),
    ],
)
def test_up_indicator(actual, path, expected):
    assert target_status(direction="up", actual=D(actual), path_value=D(path)).code == expected


def test_tolerance_is_five_percent_of_the_path_value_and_is_reported():
    status = target_status(direction="up", actual="44.10", path_value="45.00")
    assert status.tolerance == D("2.2500")
    assert (status.code, status.actual, status.path_value) == (AT_RISK, D("44.10"), D("45.00"))
    assert status.label == "存在风险"
    assert "5%" in status.rule


def test_zero_path_value_uses_the_base_value_for_the_tolerance():
    # a change rate whose path is 0 this year; base value 10 gives a tolerance of 0.5
    assert target_status(direction="down", actual="0.4", path_value="0", base_value="10").code == AT_RISK
    assert target_status(direction="down", actual="0.6", path_value="0", base_value="10").code == BEHIND
    # without a base value the tolerance is 0: anything on the wrong side is behind
    assert target_status(direction="down", actual="0.01", path_value="0").code == BEHIND
    assert target_status(direction="down", actual="0", path_value="0").code == ON_TRACK


def test_negative_path_value_uses_its_magnitude():
    # 二氧化碳排放总量较基准年变化 (%), path −10 (down): tolerance 0.5
    assert target_status(direction="down", actual="-10.4", path_value="-10").code == ON_TRACK
    assert target_status(direction="down", actual="-9.6", path_value="-10").code == AT_RISK
    assert target_status(direction="down", actual="-9.4", path_value="-10").code == BEHIND


def test_missing_figures_are_no_data_never_guessed():
    assert target_status(direction="up", actual=None, path_value="20").code == NO_DATA
    assert target_status(direction="up", actual="20", path_value=None).code == NO_DATA
    assert target_status(direction="down", actual="", path_value="1").code == NO_DATA


def test_strings_floats_and_decimals_agree():
    a = target_status(direction="up", actual=19.5, path_value="20")
    b = target_status(direction="up", actual=D("19.5"), path_value=D("20"))
    assert a.code == b.code == AT_RISK


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError):
        target_status(direction="sideways", actual=1, path_value=1)
