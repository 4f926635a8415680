"""The carbon figures of an annual report, through carbon.accounting.compute_inventory.

One factor-set vintage is applied to the base year and to the report's year, so a change of the grid
factor (grid decarbonisation) is not counted as the pilot's own effort. By default that is the vintage
of the base year (the newest set whose electricity-factor year is not after the base year); the report
page can switch to the vintage of the report's year for comparison, again applied to both years.

Electricity: the power bought from the grid is counted (less green power traded, where the set allows
that deduction); local generation is renewable and emits nothing here; power exported to the grid is not
credited. Heat: purchased heat in GJ. Fuels: physical quantities by carbon.models.Fuel.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from carbon.accounting import Inventory, compute_inventory, reduction_rate
from carbon.models import EmissionFactorSet

BASE, CURRENT = "base", "current"


@dataclass
class _Use:
    fuel: str
    quantity: Decimal


@dataclass
class Activity:
    """What compute_inventory reads from a year (the attribute names of applications.AnnualBaseline)."""

    year: int
    gdp_100m: Decimal | None = None
    gdp_constant_100m: Decimal | None = None
    resident_population_10k: Decimal | None = None
    industrial_value_added_100m: Decimal | None = None
    electricity_10k_kwh: Decimal | None = None
    green_power_10k_kwh: Decimal | None = None
    purchased_heat_gj: Decimal | None = None
    uses: list = field(default_factory=list)


def report_activity(report, fuel_uses=None) -> Activity:
    uses = fuel_uses if fuel_uses is not None else list(report.fuel_uses.all())
    return Activity(
        year=report.year,
        gdp_100m=report.gdp_100m,
        gdp_constant_100m=report.gdp_constant_100m,
        resident_population_10k=report.population_10k,
        electricity_10k_kwh=report.grid_purchase_10k_kwh,
        green_power_10k_kwh=report.green_power_10k_kwh,
        purchased_heat_gj=report.heat_gj,
        uses=[_Use(u.fuel, u.quantity) for u in uses],
    )


def _activity(baseline) -> Activity:
    return Activity(
        year=baseline.year,
        gdp_100m=baseline.gdp_100m,
        gdp_constant_100m=baseline.gdp_constant_100m,
        resident_population_10k=baseline.resident_population_10k,
        industrial_value_added_100m=baseline.industrial_value_added_100m,
        electricity_10k_kwh=baseline.electricity_10k_kwh,
        green_power_10k_kwh=baseline.green_power_10k_kwh,
        purchased_heat_gj=baseline.purchased_heat_gj,
        uses=[_Use(u.fuel, u.quantity) for u in baseline.energy_uses.all()],
    )


def base_activity(pilot) -> Activity | None:
    """The base year's activity data: the plan's base-year data (plans.PlanBaseline), else the
    application's baseline of the batch's base year (Annex 1)."""
    from plans.models import PlanBaseline

    baseline = PlanBaseline.objects.filter(plan__pilot=pilot).prefetch_related("energy_uses").first()
    if baseline is not None:
        return _activity(baseline)
    if pilot.application_id is None:
        return None
    from applications.models import AnnualBaseline

    baseline = (
        AnnualBaseline.objects.filter(application_id=pilot.application_id, year=pilot.batch.base_year)
        .prefetch_related("energy_uses")
        .first()
    )
    return _activity(baseline) if baseline is not None else None


def factor_sets() -> list[EmissionFactorSet]:
    return list(EmissionFactorSet.objects.prefetch_related("fuel_factors").order_by("vintage_year", "pk"))


def factor_set_for(year: int, sets: list[EmissionFactorSet]) -> EmissionFactorSet | None:
    """The newest set whose vintage is not after `year` (the oldest set if all are later)."""
    if not sets:
        return None
    eligible = [s for s in sets if s.vintage_year <= year]
    return eligible[-1] if eligible else sets[0]


def inventory(activity: Activity, factor_set: EmissionFactorSet) -> Inventory:
    return compute_inventory(activity, factor_set, energy_uses=activity.uses)


@dataclass
class CarbonFigures:
    vintage: str
    factor_set: EmissionFactorSet
    base_factor_set: EmissionFactorSet
    current_factor_set: EmissionFactorSet
    base_year: int
    current: Inventory
    base: Inventory | None

    @property
    def intensity_drop(self) -> Decimal | None:
        """单位GDP二氧化碳排放较基准年降低率 (%)."""
        if self.base is None:
            return None
        return reduction_rate(self.base.co2_per_gdp, self.current.co2_per_gdp)

    @property
    def total_change(self) -> Decimal | None:
        """二氧化碳排放总量较基准年变化 (%)."""
        if self.base is None or not self.base.total_t:
            return None
        return (self.current.total_t / self.base.total_t - 1) * 100


def carbon_figures(report, *, vintage: str = BASE, sets=None, base=None) -> CarbonFigures | None:
    """The report's inventory and the base year's, both with one factor set (see the module docstring)."""
    sets = sets if sets is not None else factor_sets()
    base = base if base is not None else base_activity(report.pilot)
    base_year = base.year if base is not None else report.pilot.batch.base_year
    base_set = factor_set_for(base_year, sets)
    current_set = factor_set_for(report.year, sets)
    if base_set is None:
        return None
    chosen = current_set if vintage == CURRENT else base_set
    return CarbonFigures(
        vintage=CURRENT if vintage == CURRENT else BASE,
        factor_set=chosen,
        base_factor_set=base_set,
        current_factor_set=current_set,
        base_year=base_year,
        current=inventory(report_activity(report), chosen),
        base=inventory(base, chosen) if base is not None else None,
    )
