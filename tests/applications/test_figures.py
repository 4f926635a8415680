"""Figures per unit (applications.figures): the same writing on web pages, in inputs and in the PDF;
inputs accept thousands separators."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.figures import FigureField, figure
from applications.models import AnnualBaseline

from ..factories import ApplicationFactory, county


@pytest.mark.parametrize(
    "value, unit, written",
    [
        ("1234567.5", "money", "1,234,567.50"),
        (Decimal("152300.000"), "quantity", "152,300.00"),  # tonnes: two decimals…
        ("3120.755", "quantity", "3,120.76"),  # (an input shows a stored third decimal: see below)
        ("542934.846", "co2", "542,934.85"),
        ("12000", "tce", "12,000.00"),
        ("45.50", "percent", "45.5"),
        ("45.256", "percent", "45.26"),
        ("45", "percent", "45.0"),
        ("0.63349", "intensity", "0.6335"),
        ("8650", "count", "8,650"),
        ("", "money", ""),
        (None, "money", ""),
        ("统计年鉴", "money", "统计年鉴"),
    ],
)
def test_figure_per_unit(value, unit, written):
    assert figure(value, unit) == written


@pytest.mark.parametrize("typed", ["12,345.6", "12，345.6", "12 345.6", " 12345.60 "])
def test_figure_field_accepts_thousands_separators(typed):
    field = FigureField(max_digits=14, decimal_places=2, label="地区生产总值（亿元）")
    assert field.clean(typed) == Decimal("12345.6")
    assert field.widget.format_value(field.clean(typed)) == "12,345.60"


def test_figure_field_refuses_what_is_no_number():
    field = FigureField(max_digits=14, decimal_places=2, required=False)
    with pytest.raises(Exception, match="数字|number"):
        field.clean("12,34a")


@pytest.mark.django_db
def test_baseline_inputs_accept_and_show_separators(applicant_county, client_for):
    draft = ApplicationFactory(organisation=county("610922"))
    year = draft.batch.base_year
    url = reverse("applications:baseline", args=[draft.pk, year])
    client = client_for(applicant_county)
    response = client.post(
        url,
        {
            "gdp_100m": "1,150.5",
            "electricity_10k_kwh": "1,234,567.89",
            "fuel_raw_coal": "152,300",
            "fuel_diesel": "3,120.755",
        },
        follow=True,
    )
    assert "基础数据已保存" in response.content.decode()
    baseline = AnnualBaseline.objects.get(application=draft, year=year)
    assert baseline.electricity_10k_kwh == Decimal("1234567.89") and baseline.gdp_100m == Decimal("1150.5")
    assert baseline.energy_uses.get(fuel="raw_coal").quantity == Decimal("152300")
    body = client.get(url).content.decode()
    assert 'value="1,234,567.89"' in body and 'value="1,150.50"' in body
    assert 'value="152,300.00"' in body and 'value="3,120.755"' in body
    assert 'inputmode="decimal"' in body
