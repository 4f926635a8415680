"""Emission calculations against values computed by hand from the published parameters."""

from decimal import Decimal

import pytest

from applications.models import AnnualBaseline, EnergyUse
from carbon.accounting import compute_inventory, reduction_rate
from carbon.models import EmissionFactorSet

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def approx(value, expected, tolerance="0.01"):
    assert abs(Decimal(value) - Decimal(expected)) <= Decimal(tolerance), (value, expected)


@pytest.fixture
def factors():
    return EmissionFactorSet.objects.prefetch_related("fuel_factors").get(is_default=True)


@pytest.fixture
def baseline():
    application = ApplicationFactory()
    baseline = AnnualBaseline.objects.create(
        application=application,
        year=2022,
        gdp_100m=Decimal("100"),
        gdp_constant_100m=Decimal("100"),
        resident_population_10k=Decimal("20"),
        electricity_10k_kwh=Decimal("1000"),
        green_power_10k_kwh=Decimal("200"),
        purchased_heat_gj=Decimal("5000"),
    )
    EnergyUse.objects.create(baseline=baseline, fuel="raw_coal", quantity=Decimal("1000"))
    EnergyUse.objects.create(baseline=baseline, fuel="natural_gas", quantity=Decimal("10"))
    EnergyUse.objects.create(baseline=baseline, fuel="diesel", quantity=Decimal("100"))
    return baseline


def by_label(inventory):
    return {line.label: line for line in inventory.lines}


def test_default_factor_set_is_the_2023_shaanxi_grid_factor(factors):
    assert factors.grid_factor == Decimal("0.6335")
    assert factors.vintage_year == 2023
    assert factors.fuel_factors.count() == 12


def test_fuel_electricity_and_heat_emissions_match_hand_computation(baseline, factors):
    lines = by_label(compute_inventory(baseline, factors))
    # 原煤: 1000 t × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12 = 1900.30 tCO2
    approx(lines["原煤"].emissions_t, "1900.30", "0.005")
    # 天然气: 10 万m³ × 389.31 GJ/万m³ × 0.0153 × 0.99 × 44/12 = 216.22 tCO2
    approx(lines["天然气"].emissions_t, "216.22", "0.05")
    # 柴油: 100 t × 42.652 × 0.0202 × 0.98 × 44/12 = 309.59 tCO2
    approx(lines["柴油"].emissions_t, "309.59", "0.05")
    # 电力: 1000 万kWh × 10^4 kWh × 0.6335 kg/kWh = 6335 t (no green-power deduction by default)
    approx(lines["外购电力"].emissions_t, "6335.00")
    # 热力: 5000 GJ × 0.11 = 550 t
    approx(lines["外购热力"].emissions_t, "550.00")


def test_totals_intensities_and_standard_coal(baseline, factors):
    inventory = compute_inventory(baseline, factors)
    approx(inventory.total_t, "9311.12", "0.1")
    # GDP 100 亿元 = 1,000,000 万元
    approx(inventory.co2_per_gdp, "0.00931", "0.00001")
    # per capita: 20 万人 = 200,000 people
    approx(inventory.co2_per_capita, "0.04656", "0.00001")
    # 714.3 (coal) + 121.43 (gas) + 145.71 (diesel) + 1229 (electricity, 当量) + 170.6 (heat)
    approx(inventory.energy_tce, "2381.04", "0.05")


def test_green_power_is_deducted_only_when_the_factor_set_allows_it(baseline, factors):
    factors.deduct_green_power = True
    lines = by_label(compute_inventory(baseline, factors))
    approx(lines["外购电力"].emissions_t, "5068.00")  # (1000 - 200) 万kWh × 6.335 t/万kWh
    assert "已扣除绿电" in lines["外购电力"].factor_note


def test_an_older_vintage_gives_the_older_grid_factor(baseline):
    older = EmissionFactorSet.objects.get(vintage_year=2022)
    approx(by_label(compute_inventory(baseline, older))["外购电力"].emissions_t, "6558.00")


def test_every_line_shows_its_formula_inputs(baseline, factors):
    coal = by_label(compute_inventory(baseline, factors))["原煤"]
    assert "20.908" in coal.factor_note and "44/12" in coal.factor_note
    approx(coal.factor, "1.9003", "0.0001")


def test_reduction_rate():
    assert reduction_rate(Decimal("0.8"), Decimal("0.6")) == Decimal("25")
    assert reduction_rate(None, Decimal("1")) is None
