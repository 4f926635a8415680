"""The province's answer table: completeness and timeliness per city against the data, filters, the Excel
export with typed cells, and a fixed number of queries whatever the number of pilots."""

import datetime
import html
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatches.models import DispatchResponse
from organisations.models import Organisation
from pilots.models import Pilot

from ..conftest import ANKANG, XIAN
from ..factories import PilotFactory, member
from .conftest import FULL, answer, make_dispatch, response_of

pytestmark = pytest.mark.django_db


def later(days: int):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


@pytest.fixture
def answered(dispatch, pilots, applicant_county, applicant_xian):
    """石泉县 on time, 蓝田县 two days after the due date, 西安高新区 missing."""
    answer(response_of(dispatch, pilots["shiquan"]), applicant_county, FULL)
    with later(12):
        answer(response_of(dispatch, pilots["lantian"]), applicant_xian, {1: "18", 2: "800", 3: "无"})
    return dispatch


def cell(page: str, city: str, column: str) -> str:
    match = re.search(rf'data-city="{city}".*?data-col="{column}">([^<]*)<', page, re.S)
    assert match, (city, column)
    return match.group(1).strip()


def test_completeness_and_timeliness_per_city_match_the_data(client_for, province, answered):
    page = client_for(province).get(reverse("dispatches:detail", args=[answered.pk])).content.decode()
    # 安康: 石泉县 answered on time. 西安: 蓝田县 late, 高新区 missing.
    assert [cell(page, ANKANG, c) for c in ("expected", "answered", "on_time")] == ["1", "1", "1"]
    assert [cell(page, ANKANG, c) for c in ("completeness", "timeliness")] == ["100%", "100%"]
    assert [cell(page, XIAN, c) for c in ("expected", "answered", "on_time")] == ["2", "1", "0"]
    assert [cell(page, XIAN, c) for c in ("completeness", "timeliness")] == ["50%", "0%"]
    assert [cell(page, "total", c) for c in ("expected", "answered", "on_time")] == ["3", "2", "1"]
    assert cell(page, "total", "completeness") == "67%"
    # The chart reads the same numbers from its JSON block.
    raw = re.search(
        r'<script id="dispatch-completeness-data" type="application/json">(.*?)</script>', page, re.S
    )
    chart = json.loads(raw.group(1))
    by_city = {
        city: (chart["expected"][i], chart["answered"][i], chart["on_time"][i])
        for i, city in enumerate(chart["cities"])
    }
    assert by_city == {"安康市": (1, 1, 1), "西安市": (2, 1, 0)}
    assert "dispatch_completeness.js" in page and "echarts.min.js" in page


def test_late_answer_is_accepted_and_marked_late(answered, pilots):
    late = response_of(answered, pilots["lantian"])
    assert late.state == DispatchResponse.State.SUBMITTED and late.late
    assert not response_of(answered, pilots["shiquan"]).late


def test_city_officer_sees_only_its_units_completeness(client_for, city_xian, answered):
    page = client_for(city_xian).get(reverse("dispatches:detail", args=[answered.pk])).content.decode()
    assert f'data-city="{ANKANG}"' not in page and "石泉县" not in page
    assert [cell(page, XIAN, c) for c in ("expected", "answered", "on_time")] == ["2", "1", "0"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"review_unit": ANKANG}, ["石泉县人民政府"]),
        ({"answered": "no"}, ["西安高新技术产业开发区管委会"]),
        ({"answered": "yes"}, ["石泉县人民政府", "蓝田县人民政府"]),
        ({"kind": Organisation.Kind.PARK}, ["西安高新技术产业开发区管委会"]),
    ],
)
def test_table_filters(client_for, province, answered, query, names):
    page = client_for(province).get(reverse("dispatches:detail", args=[answered.pk]), query).content.decode()
    assert set(re.findall(r'<tr data-pilot="([^"]+)"', page)) == set(names)


def test_late_filter_counts_the_missing_once_the_due_date_has_passed(client_for, province, answered):
    url = reverse("dispatches:detail", args=[answered.pk])
    before = client_for(province).get(url, {"late": "yes"}).content.decode()
    assert set(re.findall(r'<tr data-pilot="([^"]+)"', before)) == {"蓝田县人民政府"}
    with later(12):
        after = client_for(province).get(url, {"late": "yes"}).content.decode()
    assert set(re.findall(r'<tr data-pilot="([^"]+)"', after)) == {
        "蓝田县人民政府",
        "西安高新技术产业开发区管委会",
    }


def test_export_has_typed_cells(client_for, province, answered):
    result = client_for(province).get(reverse("dispatches:detail", args=[answered.pk]), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(result.content)).worksheets[0]
    headers = [c.value for c in ws[3]]
    assert headers[:3] == ["序号", "试点单位", "所属市（区）"]
    q2 = headers.index("Q2 本季度完成投资（万元）") + 1
    rows = {ws.cell(r, 2).value: r for r in range(4, ws.max_row + 1)}
    shiquan = rows["石泉县人民政府"]
    assert ws.cell(shiquan, q2).value == 1200 and ws.cell(shiquan, q2).data_type == "n"
    assert isinstance(ws.cell(shiquan, headers.index("提交时间") + 1).value, datetime.datetime)
    assert ws.cell(rows["蓝田县人民政府"], headers.index("按时报送") + 1).value == "逾期"
    assert ws.cell(rows["西安高新技术产业开发区管委会"], headers.index("按时报送") + 1).value == "未报送"
    assert ws.cell(shiquan, headers.index("Q3 存在的主要问题") + 1).value == FULL[3]


def _add_pilots(batch, n: int) -> list[Pilot]:
    taken = Pilot.objects.values("organisation")
    organisations = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).exclude(pk__in=taken)[:n]
    return [PilotFactory(batch=batch, organisation=o, state=Pilot.State.IMPLEMENTING) for o in organisations]


def _table_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_table_runs_a_fixed_number_of_queries(client_for, province, batch, pilots, django_assert_num_queries):
    small = make_dispatch(province, title="小调度")
    client = client_for(province)
    count = _table_queries(client, reverse("dispatches:detail", args=[small.pk]))
    extra = _add_pilots(batch, 12)
    big = make_dispatch(province, title="大调度")
    for pilot in extra[:6]:
        staff = member("applicant", pilot.organisation)
        answer(response_of(big, pilot), staff, {1: "10", 2: Decimal("5"), 3: "进展顺利"})
    assert big.responses.count() == 15
    with django_assert_num_queries(count):
        client.get(reverse("dispatches:detail", args=[big.pk]))


def test_table_cells_are_formatted_and_escaped(client_for, province, dispatch, pilots, applicant_county):
    """The cells precomputed by the selector: figures thousands-separated to 2 places in a numeric cell,
    text escaped and cut at 60 characters."""
    answer(
        response_of(dispatch, pilots["shiquan"]),
        applicant_county,
        {1: "23.5", 2: "1234.5", 3: "<b>并网</b>" + "延" * 80},
    )
    page = client_for(province).get(reverse("dispatches:detail", args=[dispatch.pk])).content.decode()
    row = re.search(r'<tr data-pilot="石泉县人民政府">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td( class=\"num\")?>(.*?)</td>", row, re.S)[-3:]
    assert cells[0] == (' class="num"', "23.50")
    assert cells[1] == (' class="num"', "1,234.50")
    assert cells[2][0] == "" and cells[2][1].startswith("&lt;b&gt;并网&lt;/b&gt;延")
    assert len(html.unescape(cells[2][1])) == 60  # cut as truncatechars:60 did
    assert "<b>并网" not in page
