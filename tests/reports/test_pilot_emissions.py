"""The pilot page's emissions chart (reports.charts, reports:pilot_emissions): the accessible table holds
the carbon accounting's figures of the base year and of each submitted or received report, and the ledger's
path values; the chart script reads that table; the section answers 404 outside the pilot's scope."""

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from plans.models import LedgerTarget, LedgerVersion, Plan, PlanBaseline, PlanEnergyUse
from reports import accounting
from reports.models import AnnualReport, FuelUse

from ..factories import AnnualReportFactory, PilotFactory, county
from .test_accounting import _set

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(
    r'<tr data-year="(\d+)" data-total="([\d.]*)" data-intensity="([\d.]*)" data-path="([\d.]*)">.*?</tr>',
    re.S,
)


@pytest.fixture
def pilot(province):
    from carbon.models import EmissionFactorSet

    EmissionFactorSet.objects.all().delete()
    _set("2022年因子", 2022, D("0.6558"))
    _set("2025年因子", 2025, D("0.5366"))
    pilot = PilotFactory(organisation=county("610922"), state="implementing")
    plan = Plan.objects.create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
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
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=1, created_by=province)
    LedgerTarget.objects.create(
        version=version,
        indicator=Indicator.objects.get(code="co2_intensity_drop"),
        binding=True,
        base_year=2022,
        base_value=D("0"),
        values={"2024": "8", "2025": "12.5", "2026": "16"},
    )
    return pilot


def make_report(pilot, year, state, coal):
    report = AnnualReportFactory(
        pilot=pilot,
        year=year,
        gdp_constant_100m=D("55") + year - 2023,
        population_10k=D("21"),
        grid_purchase_10k_kwh=D("6000"),
        green_power_10k_kwh=D("1000"),
        heat_gj=D("15000"),
    )
    AnnualReport.objects.filter(pk=report.pk).update(state=state)
    FuelUse.objects.create(report=report, fuel="raw_coal", quantity=D(coal))
    FuelUse.objects.create(report=report, fuel="diesel", quantity=D("500"))
    report.refresh_from_db()
    return report


@pytest.fixture
def reports(pilot):
    return {
        2023: make_report(pilot, 2023, AnnualReport.State.RETURNED, "9500"),  # returned: not counted
        2024: make_report(pilot, 2024, AnnualReport.State.RECEIVED, "9000"),
        2025: make_report(pilot, 2025, AnnualReport.State.SUBMITTED, "8000"),
        2026: make_report(pilot, 2026, AnnualReport.State.DRAFT, "7000"),  # draft: not counted
    }


def rows_of(html: str) -> list[tuple]:
    return ROW.findall(html)


def q(value, places):
    return f"{value:.{places}f}"


def test_the_table_holds_the_accounting_figures_and_the_path(pilot, reports, applicant_county, client_for):
    html = client_for(applicant_county).get(reverse("reports:pilot_emissions", args=[pilot.pk]), **HX).text
    received = accounting.carbon_figures(reports[2024])  # base-year vintage, applied to both years
    submitted = accounting.carbon_figures(reports[2025])
    base = received.base
    path = {2022: None, 2024: D("8"), 2025: D("12.5")}

    def path_intensity(year):
        return "" if path[year] is None else q(base.co2_per_gdp * (1 - path[year] / 100), 4)

    assert rows_of(html) == [
        ("2022", q(base.total_t, 1), q(base.co2_per_gdp, 4), ""),
        ("2024", q(received.current.total_t, 1), q(received.current.co2_per_gdp, 4), path_intensity(2024)),
        ("2025", q(submitted.current.total_t, 1), q(submitted.current.co2_per_gdp, 4), path_intensity(2025)),
    ]
    assert base.total_t > received.current.total_t > submitted.current.total_t  # the figures differ
    # The visible cells show the same numbers, and the ledger's path values themselves.
    assert f'<td class="num">{q(submitted.current.total_t, 1)}</td>' in html
    assert '<td class="num">12.5</td>' in html and '<td class="num">8</td>' in html
    assert 'id="pilot-emissions-chart"' in html and "<script" not in html


def test_the_pilot_page_loads_the_section_without_inline_script(pilot, reports, applicant_county, client_for):
    page = client_for(applicant_county).get(reverse("pilots:detail", args=[pilot.pk])).text
    url = reverse("reports:pilot_emissions", args=[pilot.pk])
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page  # the link is the no-JS fallback
    assert "/static/js/pilot-emissions.js" in page and "/static/vendor/echarts/echarts.min.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # every script is a file
    full = client_for(applicant_county).get(url).text  # without htmx: a page of its own
    assert "<html" in full and len(rows_of(full)) == 3


def test_a_fixed_number_of_queries_whatever_the_number_of_reports(
    pilot, reports, applicant_county, client_for
):
    client = client_for(applicant_county)
    url = reverse("reports:pilot_emissions", args=[pilot.pk])
    client.get(url, **HX)
    with CaptureQueriesContext(connection) as few:
        client.get(url, **HX)
    for year in (2027, 2028, 2029):
        make_report(pilot, year, AnnualReport.State.RECEIVED, "7000")
    with CaptureQueriesContext(connection) as more:
        html = client.get(url, **HX).text
    assert len(rows_of(html)) == 6
    assert len(more) == len(few)


@pytest.mark.parametrize("persona", ["expert", "city_xian", "outsider"])
def test_outside_the_pilot_scope_404(persona, request, pilot, reports, client_for):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("reports:pilot_emissions", args=[pilot.pk]), **HX).status_code == 404


def test_the_city_of_the_pilot_sees_it(pilot, reports, city_ankang, client_for):
    html = client_for(city_ankang).get(reverse("reports:pilot_emissions", args=[pilot.pk]), **HX).text
    assert [r[0] for r in rows_of(html)] == ["2022", "2024", "2025"]
