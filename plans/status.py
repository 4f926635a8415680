"""The target-status rule: how a figure stands against the ledger's path value for its year.

The rule (also in docs/construction-stage.md, "Construction plan and ledger"):

* The tolerance is 5 % of the path value's magnitude: ``tolerance = 0.05 × |path_value|``. When the path
  value is 0, 5 % of the base-year value's magnitude is used instead (if a base value is given), else 0.
* For an indicator whose direction is **down** (越小越好, e.g. 单位GDP二氧化碳排放):
  - **on track** (达到进度) when ``actual ≤ path_value``;
  - **at risk** (存在风险) when ``path_value < actual ≤ path_value + tolerance``;
  - **behind** (进度滞后) when ``actual > path_value + tolerance``.
* For an indicator whose direction is **up** (越大越好, e.g. 非化石能源消费比重, 森林覆盖率, a 下降率):
  - **on track** when ``actual ≥ path_value``;
  - **at risk** when ``path_value − tolerance ≤ actual < path_value``;
  - **behind** when ``actual < path_value − tolerance``.
* Without an actual figure, or without a path value for the year, the status is **no data** (暂无数据):
  it is never guessed.

The status is always computed, never typed.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

TOLERANCE = Decimal("0.05")

ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
NO_DATA = "no_data"

LABELS = {
    ON_TRACK: _("达到进度"),
    AT_RISK: _("存在风险"),
    BEHIND: _("进度滞后"),
    NO_DATA: _("暂无数据"),
}

RULES = {
    "down": _("越小越好：实际值≤目标路径值为达到进度；超出不超过路径值5%为存在风险；超出5%以上为进度滞后。"),
    "up": _("越大越好：实际值≥目标路径值为达到进度；低于不超过路径值5%为存在风险；低于5%以上为进度滞后。"),
}


@dataclass(frozen=True)
class TargetStatus:
    code: str  # on_track / at_risk / behind / no_data
    label: str
    rule: str
    actual: Decimal | None = None
    path_value: Decimal | None = None
    tolerance: Decimal | None = None

    @property
    def on_track(self) -> bool:
        return self.code == ON_TRACK

    @property
    def at_risk(self) -> bool:
        return self.code == AT_RISK

    @property
    def behind(self) -> bool:
        return self.code == BEHIND

    @property
    def css(self) -> str:
        """A class name for the badge (status-on_track …)."""
        return f"status-{self.code}"


def _dec(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def tolerance_for(path_value: Decimal, base_value: Decimal | None = None) -> Decimal:
    if path_value != 0:
        return abs(path_value) * TOLERANCE
    if base_value is not None:
        return abs(base_value) * TOLERANCE
    return Decimal(0)


def target_status(*, direction: str, actual, path_value, base_value=None) -> TargetStatus:
    """The status of `actual` against `path_value` for an indicator of `direction` ("up" or "down",
    indicators.Indicator.Direction); see the module docstring for the rule."""
    if direction not in RULES:
        raise ValueError(f"unknown direction {direction!r}")
    rule = str(RULES[direction])
    actual = _dec(actual)
    path_value = _dec(path_value)
    base_value = _dec(base_value)
    if actual is None or path_value is None:
        return TargetStatus(NO_DATA, str(LABELS[NO_DATA]), rule, actual, path_value, None)
    tolerance = tolerance_for(path_value, base_value)
    # shortfall > 0 means on the wrong side of the path, whatever the direction
    shortfall = actual - path_value if direction == "down" else path_value - actual
    if shortfall <= 0:
        code = ON_TRACK
    elif shortfall <= tolerance:
        code = AT_RISK
    else:
        code = BEHIND
    return TargetStatus(code, str(LABELS[code]), rule, actual, path_value, tolerance)
