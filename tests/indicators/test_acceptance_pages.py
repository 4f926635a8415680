"""The read-only pages of the acceptance indicator systems: list, one version's items, Excel export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import xlsx
from indicators import services
from indicators.models import AcceptanceItem, AcceptanceSystem

pytestmark = pytest.mark.django_db


def county_v1():
    return AcceptanceSystem.objects.get(kind="county", version=1)


def test_the_pages_need_a_login(client):
    response = client.get(reverse("indicators:acceptance_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_both_proposals(applicant_county, client_for):
    body = client_for(applicant_county).get(reverse("indicators:acceptance_list")).content.decode()
    assert "县（市、区）低碳近零碳试点验收评价指标体系" in body
    assert "园区低碳近零碳试点验收评价指标体系" in body
    assert body.count("建议稿") >= 2


def test_the_detail_lists_items_with_points_rules_and_parameters(applicant_county, client_for):
    client = client_for(applicant_county)
    body = client.get(reverse("indicators:acceptance_detail", args=[county_v1().pk])).content.decode()
    assert 'data-testid="proposal"' in body
    assert "单位GDP二氧化碳排放较基准年降低率（%）" in body
    assert "≥1得1分；≥2得2分；≥3得3分" in body  # 低碳政策制度, tiered
    assert "默认目标值 80" in body
    assert "门槛值为目标值（不高于为达标）" in body
    assert "数据弄虚作假" in body and "绿色金融/碳汇交易落地" in body
    assert "优秀 ≥ 90 分；通过 ≥ 80 分" in body
    assert client.get(reverse("indicators:acceptance_detail", args=[999999])).status_code == 404


def test_the_detail_runs_a_fixed_number_of_queries_whatever_the_size(applicant_county, client_for):
    client = client_for(applicant_county)
    v1 = county_v1()
    v2 = services.acceptance_system_new_version(system=v1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("indicators:acceptance_detail", args=[v2.pk]))
    # a bigger v2: one more item in every category
    extra = AcceptanceItem.objects.filter(category__system=v2, indicator__code="co2_intensity_drop").get()
    for category in v2.categories.exclude(pk=extra.category_id):
        AcceptanceItem.objects.create(
            category=category, indicator=extra.indicator, points=1, rule="evidence", order=99
        )
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("indicators:acceptance_detail", args=[v2.pk]))
    assert len(big) == len(small)


def test_the_export_downloads_the_items(applicant_county, client_for):
    response = client_for(applicant_county).get(
        reverse("indicators:acceptance_export", args=[county_v1().pk])
    )
    assert response["Content-Type"] == xlsx.XLSX
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.cell(xlsx.FIRST_DATA_ROW, 3).value == "co2_intensity_drop"
    assert ws.max_row == xlsx.HEADER_ROW + 26
