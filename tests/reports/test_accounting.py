"""The carbon figures of an annual report against values computed by hand, factors written out."""

from decimal import Decimal as D

import pytest

from carbon.models import EmissionFactorSet, FuelFactor
from plans.models import Plan, PlanBaseline, PlanEnergyUse
from reports import accounting
from reports.models import FuelUse

from ..factories import AnnualReportFactory, PilotFactory

pytestmark = pytest.mark.django_db
C = D(44) / D(12)

# Fuel parameters written out: (NCV GJ/unit, carbon tC/GJ, oxidation, tce/unit)
COAL = (D("20.908"), D("0.02618"), D("0.94"), D("0.7143"))
DIESEL = (D("42.652"), D("0.0202"), D("0.98"), D("1.4571"))
GAS = (D("389.31"), D("0.01532"), D("0.99"), D("12.143"))


def _set(name, vintage, grid):
    s = EmissionFactorSet.objects.create(
        name=name,
        vintage_year=vintage,
        source="测试",
        grid_factor=grid,
        heat_factor=D("0.11"),
        electricity_coal_equivalent=D("0.1229"),
        deduct_green_power=True,
    )
    for fuel, unit, (ncv, cc, of, ce) in (
        ("raw_coal", "吨", COAL),
        ("diesel", "吨", DIESEL),
        ("natural_gas", "万立方米", GAS),
    ):
        FuelFactor.objects.create(
            factor_set=s,
            fuel=fuel,
            unit=unit,
            net_calorific_value=ncv,
            carbon_content=cc,
            oxidation_rate=of,
            coal_equivalent=ce,
        )
    return s


@pytest.fixture
def sets():
    EmissionFactorSet.objects.all().delete()
    return _set("2022年因子", 2022, D("0.6558")), _set("2025年因子", 2025, D("0.5366"))


@pytest.fixture
def report(sets):
    pilot = PilotFactory(state="implementing")
    plan = Plan.objects.create(pilot=pilot)
    base = PlanBaseline.objects.create(
        plan=plan,
        year=2022,
        gdp_constant_100m=D("50"),
        resident_population_10k=D("20"),
        electricity_10k_kwh=D("5000"),
        green_power_10k_kwh=D("0"),
        purchased_heat_gj=D("20000"),
    )
    PlanEnergyUse.objects.create(baseline=base, fuel="raw_coal", quantity=D("10000"))
    PlanEnergyUse.objects.create(baseline=base, fuel="natural_gas", quantity=D("100"))
    report = AnnualReportFactory(
        pilot=pilot,
        year=2025,
        gdp_constant_100m=D("60"),
        population_10k=D("21"),
        grid_purchase_10k_kwh=D("6000"),
        green_power_10k_kwh=D("1000"),
        local_generation_10k_kwh=D("800"),
        exported_10k_kwh=D("200"),
        electricity_consumed_10k_kwh=D("6600"),
        heat_gj=D("15000"),
    )
    for fuel, q in (("raw_coal", "8000"), ("diesel", "500"), ("natural_gas", "150")):
        FuelUse.objects.create(report=report, fuel=fuel, quantity=D(q))
    return report


def ef(params):
    ncv, cc, of, _ce = params
    return ncv * cc * of * C


def test_base_year_vintage_applies_to_both_years(report):
    grid = D("0.6558") * 10  # t CO2 per 万kWh
    current = (
        8000 * ef(COAL)
        + 500 * ef(DIESEL)
        + 150 * ef(GAS)
        + (6000 - 1000) * grid  # green power deducted; local generation and export not counted
        + 15000 * D("0.11")
    )
    base = 10000 * ef(COAL) + 100 * ef(GAS) + 5000 * grid + 20000 * D("0.11")
    figures = accounting.carbon_figures(report)
    assert figures.factor_set.name == "2022年因子" and figures.vintage == "base"
    assert figures.base_year == 2022
    assert figures.current.total_t == pytest.approx(current, abs=D("0.0001"))
    assert figures.base.total_t == pytest.approx(base, abs=D("0.0001"))
    assert figures.current.co2_per_gdp == pytest.approx(current / 600000)
    assert figures.current.co2_per_capita == pytest.approx(current / 210000)
    energy = (
        8000 * D("0.7143") + 500 * D("1.4571") + 150 * D("12.143") + 6000 * D("1.229") + 15000 * D("0.03412")
    )
    assert figures.current.energy_tce == pytest.approx(energy)
    assert figures.current.co2_per_tce == pytest.approx(current / energy)
    drop = (1 - (current / 600000) / (base / 500000)) * 100
    assert figures.intensity_drop == pytest.approx(drop)
    assert figures.total_change == pytest.approx((current / base - 1) * 100)


def test_switch_to_the_current_vintage_recomputes_both_years(report):
    grid = D("0.5366") * 10
    current = 8000 * ef(COAL) + 500 * ef(DIESEL) + 150 * ef(GAS) + 5000 * grid + 15000 * D("0.11")
    base = 10000 * ef(COAL) + 100 * ef(GAS) + 5000 * grid + 20000 * D("0.11")
    figures = accounting.carbon_figures(report, vintage="current")
    assert figures.factor_set.name == "2025年因子"
    assert figures.current.total_t == pytest.approx(current)
    assert figures.base.total_t == pytest.approx(base)
    # Grid decarbonisation alone would show as a drop if the years had different vintages:
    mixed = (1 - (current / 600000) / (accounting.carbon_figures(report).base.total_t / 500000)) * 100
    assert figures.intensity_drop != pytest.approx(mixed)


def test_the_report_page_shows_the_vintage_and_the_figures(report, applicant_county, client_for):
    from django.urls import reverse

    client = client_for(applicant_county)
    page = client.get(reverse("reports:detail", args=[report.pk])).text
    figures = accounting.carbon_figures(report)
    assert "2022年因子" in page and f"{figures.current.total_t:.2f}" in page
    page = client.get(reverse("reports:detail", args=[report.pk]) + "?vintage=current").text
    current = accounting.carbon_figures(report, vintage="current")
    assert "2025年因子" in page and f"{current.current.total_t:.2f}" in page
