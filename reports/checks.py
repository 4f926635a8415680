"""The checks a reviewer would make on an annual report, shown to the pilot before submission and to the
officers after it. Stated tolerances:

- energy: the fuels, electricity consumed and purchased heat converted to standard coal (the factor set's
  coefficients; electricity at its 当量值, heat at 0.03412 tce/GJ) against the total energy figure: within
  ENERGY_TOLERANCE (5 %) of the total;
- electricity: consumption against local generation + grid purchase − export: within
  ELECTRICITY_TOLERANCE (2 %);
- year on year: a figure that changed by more than YOY_THRESHOLD (30 %) from last year's report needs an
  explanation (the only blocking check: submission is refused until it is explained); indicators that are
  rates of change against the base year (a "%" that is not a share) are not compared with last year;
- a figure identical to last year's is flagged (a copied figure is a classic error).

Plausible ranges (PLAUSIBLE) are enforced by the forms: a value outside is refused next to the field.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

ENERGY_TOLERANCE = Decimal("0.05")
ELECTRICITY_TOLERANCE = Decimal("0.02")
YOY_THRESHOLD = Decimal("0.30")
HEAT_TCE_PER_GJ = Decimal("0.03412")

# Indicators whose value is a share (0-100 %); other "%" indicators are rates of change (-100..100).
SHARE_CODES = {
    "non_fossil_share",
    "coal_share",
    "electrification",
    "green_building",
    "clean_energy_share",
    "solid_waste",
    "forest_coverage",
}

ACTIVITY_FIELDS = [
    ("total_energy_tce", gettext_lazy("能源消费总量")),
    ("gdp_constant_100m", gettext_lazy("地区生产总值（可比价）")),
    ("electricity_consumed_10k_kwh", gettext_lazy("全社会用电量")),
    ("grid_purchase_10k_kwh", gettext_lazy("电网购入电量")),
    ("heat_gj", gettext_lazy("外购热力")),
]


def is_rate_of_change(indicator) -> bool:
    return indicator.unit == "%" and indicator.code not in SHARE_CODES


def plausible_range(indicator) -> tuple[Decimal | None, Decimal | None]:
    if indicator.code in SHARE_CODES:
        return Decimal(0), Decimal(100)
    if indicator.unit == "%":
        return Decimal(-100), Decimal(100)
    return Decimal(0), None


def range_error(indicator, value: Decimal) -> str | None:
    low, high = plausible_range(indicator)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            return gettext("%(name)s的数值不可能小于%(low)s，请核实。") % {"name": indicator.name, "low": low}
        return gettext("%(name)s应在%(low)s至%(high)s之间（%(unit)s），请核实。") % {
            "name": indicator.name,
            "low": low,
            "high": high,
            "unit": indicator.unit,
        }
    return None


@dataclass
class Check:
    code: str
    label: str
    ok: bool
    message: str
    blocking: bool = False


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def energy_sum_tce(report, fuel_uses, factor_set) -> Decimal | None:
    if factor_set is None:
        return None
    coal = {ff.fuel: ff.coal_equivalent for ff in factor_set.fuel_factors.all()}
    total = sum((u.quantity * coal.get(u.fuel, 0) for u in fuel_uses), Decimal(0))
    # kgce/kWh × 10^4 kWh / 1000 kg/t = tce per 万kWh
    total += (report.electricity_consumed_10k_kwh or 0) * factor_set.electricity_coal_equivalent * 10
    total += (report.heat_gj or 0) * HEAT_TCE_PER_GJ
    return total


def _energy_check(report, fuel_uses, factor_set) -> Check | None:
    if not report.total_energy_tce:
        return None
    computed = energy_sum_tce(report, fuel_uses, factor_set)
    if computed is None:
        return None
    gap = abs(computed - report.total_energy_tce) / report.total_energy_tce
    return Check(
        "energy_sum",
        gettext("分品种能源折标合计与能源消费总量"),
        gap <= ENERGY_TOLERANCE,
        gettext(
            "分品种折标合计 %(computed)s 吨标准煤，填报总量 %(total)s 吨标准煤，相差 %(gap)s（允许 %(tol)s）。"
        )
        % {
            "computed": computed.quantize(Decimal("0.01")),
            "total": report.total_energy_tce,
            "gap": _pct(gap),
            "tol": _pct(ENERGY_TOLERANCE),
        },
    )


def _electricity_check(report) -> Check | None:
    consumed = report.electricity_consumed_10k_kwh
    if not consumed:
        return None
    supply = (
        (report.local_generation_10k_kwh or 0)
        + (report.grid_purchase_10k_kwh or 0)
        - (report.exported_10k_kwh or 0)
    )
    gap = abs(supply - consumed) / consumed
    return Check(
        "electricity_balance",
        gettext("用电量与发电量加净购入电量"),
        gap <= ELECTRICITY_TOLERANCE,
        gettext(
            "本地发电 + 电网购入 − 外送 = %(supply)s 万千瓦时，全社会用电量 %(consumed)s 万千瓦时，相差 %(gap)s（允许 %(tol)s）。"
        )
        % {"supply": supply, "consumed": consumed, "gap": _pct(gap), "tol": _pct(ELECTRICITY_TOLERANCE)},
    )


def _compare(code, label, now, before, explained: bool) -> list[Check]:
    if now is None or before is None:
        return []
    if now == before and now != 0:
        return [
            Check(
                f"identical:{code}",
                label,
                False,
                gettext("%(label)s与上年数值完全相同（%(value)s），请核实是否沿用了上年数据。")
                % {"label": label, "value": now},
            )
        ]
    if not before:
        return []
    change = (Decimal(now) - Decimal(before)) / abs(Decimal(before))
    if abs(change) <= YOY_THRESHOLD:
        return []
    return [
        Check(
            f"yoy:{code}",
            label,
            explained,
            gettext(
                "%(label)s同比变化 %(change)s（上年 %(before)s，本年 %(now)s），超过 %(threshold)s，须说明原因。"
            )
            % {
                "label": label,
                "change": _pct(change),
                "before": before,
                "now": now,
                "threshold": _pct(YOY_THRESHOLD),
            }
            + ("" if not explained else gettext("已说明。")),
            blocking=not explained,
        )
    ]


def previous_report(report):
    from .models import AnnualReport

    return (
        AnnualReport.objects.filter(pilot_id=report.pilot_id, year=report.year - 1)
        .prefetch_related("actuals")
        .first()
    )


def year_on_year(report, actuals, previous) -> list[Check]:
    if previous is None:
        return []
    checks = []
    explained = bool(report.activity_explanation.strip())
    for name, label in ACTIVITY_FIELDS:
        checks += _compare(name, str(label), getattr(report, name), getattr(previous, name), explained)
    before = {a.indicator_id: a.value for a in previous.actuals.all()}
    for actual in actuals:
        if is_rate_of_change(actual.indicator):
            continue  # a rate against the base year grows by design: compared with the path, not last year
        checks += _compare(
            f"indicator:{actual.indicator.code}",
            actual.indicator.name,
            actual.value,
            before.get(actual.indicator_id),
            bool(actual.explanation.strip()),
        )
    return checks


def run_checks(report, *, fuel_uses=None, actuals=None, previous=None, factor_set=None) -> list[Check]:
    """Every check of the report (pass the prefetched rows to keep the query count fixed)."""
    from .accounting import factor_set_for, factor_sets

    fuel_uses = fuel_uses if fuel_uses is not None else list(report.fuel_uses.all())
    actuals = actuals if actuals is not None else list(report.actuals.select_related("indicator"))
    if factor_set is None:
        factor_set = factor_set_for(report.year, factor_sets())
    previous = previous if previous is not None else previous_report(report)
    checks = [c for c in (_energy_check(report, fuel_uses, factor_set), _electricity_check(report)) if c]
    return checks + year_on_year(report, actuals, previous)


def unexplained_changes(report) -> list[Check]:
    return [c for c in run_checks(report) if c.blocking]
