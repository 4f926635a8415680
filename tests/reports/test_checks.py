"""The reviewer's checks: energy sum, electricity balance, year-on-year change, identical figures, ranges."""

from decimal import Decimal as D

import pytest

from carbon.models import EmissionFactorSet, FuelFactor
from reports import checks, services
from reports.forms import ActualsForm, EnergyForm, GeneralForm
from reports.models import AnnualReport, FuelUse

from ..factories import AnnualReportFactory, PilotFactory
from ..helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def factor_set():
    EmissionFactorSet.objects.all().delete()
    s = EmissionFactorSet.objects.create(
        name="测试因子",
        vintage_year=2020,
        source="测试",
        grid_factor=D("0.6"),
        electricity_coal_equivalent=D("0.1229"),
    )
    FuelFactor.objects.create(
        factor_set=s,
        fuel="raw_coal",
        unit="吨",
        net_calorific_value=D("20"),
        carbon_content=D("0.025"),
        oxidation_rate=D("0.9"),
        coal_equivalent=D("0.7143"),
    )
    return s


@pytest.fixture
def report(factor_set):
    pilot = PilotFactory(state="implementing")
    report = AnnualReportFactory(
        pilot=pilot,
        year=2026,
        electricity_consumed_10k_kwh=D("1000"),
        grid_purchase_10k_kwh=D("900"),
        local_generation_10k_kwh=D("150"),
        exported_10k_kwh=D("50"),
        heat_gj=D("10000"),
    )
    FuelUse.objects.create(report=report, fuel="raw_coal", quantity=D("10000"))
    return report


def by_code(report):
    return {c.code: c for c in checks.run_checks(report)}


def test_energy_sum_within_the_stated_tolerance(report):
    # 10000 t × 0.7143 + 1000 万kWh × 1.229 + 10000 GJ × 0.03412 = 7143 + 1229 + 341.2 = 8713.2 tce
    computed = D("8713.2")
    AnnualReport.objects.filter(pk=report.pk).update(total_energy_tce=computed * D("1.049"))
    report.refresh_from_db()
    assert by_code(report)["energy_sum"].ok
    AnnualReport.objects.filter(pk=report.pk).update(total_energy_tce=computed * D("1.06"))
    report.refresh_from_db()
    check = by_code(report)["energy_sum"]
    assert not check.ok and "8713.20" in check.message and "5.0%" in check.message


def test_electricity_against_generation_plus_net_import(report):
    assert by_code(report)["electricity_balance"].ok  # 150 + 900 − 50 = 1000
    AnnualReport.objects.filter(pk=report.pk).update(electricity_consumed_10k_kwh=D("1030"))
    report.refresh_from_db()
    check = by_code(report)["electricity_balance"]
    assert not check.ok and "1000" in check.message


def test_year_on_year_change_needs_an_explanation_before_submission(report, applicant_county):
    AnnualReportFactory(
        pilot=report.pilot, year=2025, state="received", total_energy_tce=D("1000"), heat_gj=D("10000")
    )
    AnnualReport.objects.filter(pk=report.pk).update(total_energy_tce=D("1400"))  # +40 % > 30 %
    report.refresh_from_db()
    codes = by_code(report)
    assert codes["yoy:total_energy_tce"].blocking and "40.0%" in codes["yoy:total_energy_tce"].message
    assert not codes["identical:heat_gj"].ok  # same heat as last year: flagged, not blocking
    assert not codes["identical:heat_gj"].blocking
    with refused(report, code="state", match="同比变化超过阈值"):
        services.report_transition(report=report, name="submit", by=applicant_county)
    AnnualReport.objects.filter(pk=report.pk).update(activity_explanation="新增一家企业投产。")
    services.report_transition(report=report, name="submit", by=applicant_county)
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_change_within_the_threshold_needs_nothing(report):
    AnnualReportFactory(pilot=report.pilot, year=2025, total_energy_tce=D("1000"))
    AnnualReport.objects.filter(pk=report.pk).update(total_energy_tce=D("1290"))
    report.refresh_from_db()
    assert "yoy:total_energy_tce" not in by_code(report)


def test_implausible_values_are_refused_next_to_the_field(report):
    form = GeneralForm({"gdp_100m": "-1", "population_10k": "5000", "summary": "x"}, instance=report)
    assert not form.is_valid()
    assert "地区生产总值应在" in form.errors["gdp_100m"][0]
    assert "常住人口应在" in form.errors["population_10k"][0]
    form = EnergyForm(
        {
            "grid_purchase_10k_kwh": "100",
            "green_power_10k_kwh": "200",
            "local_generation_10k_kwh": "10",
            "exported_10k_kwh": "20",
            "fuel_raw_coal": "-5",
        },
        instance=report,
    )
    assert not form.is_valid()
    assert "绿电交易电量不能大于电网购入电量" in form.errors["green_power_10k_kwh"][0]
    assert "上网外送电量不能大于本地发电量" in form.errors["exported_10k_kwh"][0]
    assert "不能为负数" in form.errors["fuel_raw_coal"][0]


def test_an_indicator_share_above_100_is_refused(report):
    from indicators.models import Indicator
    from plans.selectors import TargetPath

    indicator = Indicator.objects.get(code="non_fossil_share")
    paths = {
        "non_fossil_share": TargetPath(
            indicator=indicator, binding=True, base_year=2022, base_value=D("20"), values={2026: D("25")}
        )
    }
    form = ActualsForm(
        {"v_non_fossil_share": "120", "q_non_fossil_share": "yearbook"}, paths=paths, actuals={}
    )
    assert not form.is_valid()
    assert "应在0至100之间" in form.errors["v_non_fossil_share"][0]
    form = ActualsForm({"v_non_fossil_share": "26"}, paths=paths, actuals={})
    assert not form.is_valid() and "请选择数据质量" in form.errors["q_non_fossil_share"][0]


def test_a_rate_against_the_base_year_is_not_compared_year_on_year(report):
    from indicators.models import Indicator
    from reports.models import IndicatorActual

    previous = AnnualReportFactory(pilot=report.pilot, year=2025)
    for target, before, now in (("co2_intensity_drop", "3", "7"), ("non_fossil_share", "20", "30")):
        indicator = Indicator.objects.get(code=target)
        IndicatorActual.objects.create(
            report=previous, indicator=indicator, value=D(before), quality="yearbook"
        )
        IndicatorActual.objects.create(report=report, indicator=indicator, value=D(now), quality="yearbook")
    codes = by_code(report)
    assert "yoy:indicator:co2_intensity_drop" not in codes
    assert codes["yoy:indicator:non_fossil_share"].blocking  # a share: +50 % needs an explanation
