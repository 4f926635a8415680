"""Carbon accounting for a region or park (energy activities, consumption side).

    E_fuel = Σ AD_i × NCV_i × CC_i × OF_i × 44/12
    E_elec = (purchased electricity − green power, if the factor set allows the deduction) × EF_grid
    E_heat = purchased heat (GJ) × EF_heat

Every line keeps its inputs and factor, so the portal can show how each figure was obtained.
Sources: 《工业其他行业企业温室气体排放核算方法与报告指南（试行）》 (fuel parameters), MEE/NBS
electricity factor announcements (grid), GB/T 2589-2020 (standard coal).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_lazy

CO2_PER_C = Decimal(44) / Decimal(12)
TEN_THOUSAND = Decimal(10000)
FUEL_UNITS = {
    "natural_gas": gettext_lazy("万立方米"),
    "coke_oven_gas": gettext_lazy("万立方米"),
}
DEFAULT_UNIT = gettext_lazy("吨")


def unit_for(fuel: str) -> str:
    return FUEL_UNITS.get(fuel, DEFAULT_UNIT)


def q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    label: str
    quantity: Decimal
    unit: str
    factor: Decimal  # tCO2 per unit
    factor_note: str
    emissions_t: Decimal
    energy_tce: Decimal


@dataclass
class Inventory:
    year: int
    factor_set_name: str
    lines: list[Line] = field(default_factory=list)
    gdp_10k_yuan: Decimal | None = None
    population_10k: Decimal | None = None
    industrial_value_added_10k_yuan: Decimal | None = None

    @property
    def total_t(self) -> Decimal:
        return sum((line.emissions_t for line in self.lines), Decimal(0))

    @property
    def energy_tce(self) -> Decimal:
        return sum((line.energy_tce for line in self.lines), Decimal(0))

    @property
    def co2_per_gdp(self) -> Decimal | None:
        """tCO2 per 万元 of GDP (base-year comparable prices)."""
        if not self.gdp_10k_yuan:
            return None
        return self.total_t / self.gdp_10k_yuan

    @property
    def energy_per_gdp(self) -> Decimal | None:
        if not self.gdp_10k_yuan:
            return None
        return self.energy_tce / self.gdp_10k_yuan

    @property
    def co2_per_capita(self) -> Decimal | None:
        if not self.population_10k:
            return None
        return self.total_t / (self.population_10k * TEN_THOUSAND)

    @property
    def co2_per_tce(self) -> Decimal | None:
        if not self.energy_tce:
            return None
        return self.total_t / self.energy_tce


def fuel_factor_t_per_unit(ff) -> Decimal:
    return ff.net_calorific_value * ff.carbon_content * ff.oxidation_rate * CO2_PER_C


def compute_inventory(baseline, factor_set, energy_uses=None) -> Inventory:
    """The inventory of one AnnualBaseline with one EmissionFactorSet (no queries if prefetched)."""
    factors = {ff.fuel: ff for ff in factor_set.fuel_factors.all()}
    uses = energy_uses if energy_uses is not None else list(baseline.energy_uses.all())
    gdp = baseline.gdp_constant_100m or baseline.gdp_100m
    inventory = Inventory(
        year=baseline.year,
        factor_set_name=factor_set.name,
        gdp_10k_yuan=gdp * TEN_THOUSAND if gdp else None,
        population_10k=baseline.resident_population_10k,
        industrial_value_added_10k_yuan=(
            baseline.industrial_value_added_100m * TEN_THOUSAND
            if baseline.industrial_value_added_100m
            else None
        ),
    )
    from .models import Fuel

    labels = dict(Fuel.choices)
    for use in sorted(uses, key=lambda u: list(labels).index(u.fuel) if u.fuel in labels else 99):
        ff = factors.get(use.fuel)
        if ff is None or not use.quantity:
            continue
        factor = fuel_factor_t_per_unit(ff)
        inventory.lines.append(
            Line(
                label=str(labels.get(use.fuel, use.fuel)),
                quantity=use.quantity,
                unit=ff.unit,
                factor=factor,
                factor_note=(
                    gettext(
                        "低位发热量 %(net_calorific_value)s GJ/%(unit)s × 含碳量 %(carbon_content)s tC/GJ × 氧化率 %(oxidation_rate)s × 44/12"
                    )
                    % {
                        "net_calorific_value": ff.net_calorific_value,
                        "unit": ff.unit,
                        "carbon_content": ff.carbon_content,
                        "oxidation_rate": ff.oxidation_rate,
                    }
                ),
                emissions_t=use.quantity * factor,
                energy_tce=use.quantity * ff.coal_equivalent,
            )
        )
    electricity = baseline.electricity_10k_kwh or Decimal(0)
    green = baseline.green_power_10k_kwh or Decimal(0)
    if electricity:
        counted = electricity - green if factor_set.deduct_green_power else electricity
        grid_t_per_10k_kwh = factor_set.grid_factor * TEN_THOUSAND / 1000  # kg/kWh -> t per 万kWh
        note = gettext("%(grid_scope)s电网排放因子 %(grid_factor)s kgCO₂/kWh（%(vintage_year)s年）") % {
            "grid_scope": factor_set.grid_scope,
            "grid_factor": factor_set.grid_factor,
            "vintage_year": factor_set.vintage_year,
        }
        if factor_set.deduct_green_power and green:
            note += gettext("，已扣除绿电 %(green)s 万千瓦时") % {"green": green}
        inventory.lines.append(
            Line(
                label=gettext("外购电力"),
                quantity=counted,
                unit=gettext("万千瓦时"),
                factor=grid_t_per_10k_kwh,
                factor_note=note,
                emissions_t=counted * grid_t_per_10k_kwh,
                energy_tce=electricity * factor_set.electricity_coal_equivalent * TEN_THOUSAND / 1000,
            )
        )
    heat = baseline.purchased_heat_gj or Decimal(0)
    if heat:
        inventory.lines.append(
            Line(
                label=gettext("外购热力"),
                quantity=heat,
                unit=gettext("吉焦"),
                factor=factor_set.heat_factor,
                factor_note=gettext("热力排放因子 %(heat_factor)s tCO₂/GJ")
                % {"heat_factor": factor_set.heat_factor},
                emissions_t=heat * factor_set.heat_factor,
                energy_tce=heat * Decimal("0.03412"),
            )
        )
    return inventory


def reduction_rate(base: Decimal | None, current: Decimal | None) -> Decimal | None:
    """1 − current/base, as a percentage."""
    if not base or current is None:
        return None
    return (Decimal(1) - current / base) * 100
