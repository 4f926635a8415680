"""The pages per role: who sees which awards (404 outside the scope), the totals against the data, the
forms kept after a refusal (422), the fixed query count of the list and its Excel file."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from awards import services
from awards.models import Award, AwardCap, Instalment
from core.models import SecurityEvent

from ..export_checks import assert_no_formulas, read_response
from ..factories import county
from .conftest import BASIS_DATE, accepted, award

pytestmark = pytest.mark.django_db


def _instalments(recorded, finance, *amounts, disburse=1):
    made = [
        services.instalment_plan(award=recorded, amount=Decimal(a), planned_date=BASIS_DATE, by=finance)
        for a in amounts
    ]
    for instalment in made[:disburse]:
        services.instalment_disburse(
            instalment=instalment,
            disbursed_on=datetime.date(2025, 7, 15),
            payment_document="陕财资环拨〔2025〕8号",
            by=finance,
        )
    return made


@pytest.fixture
def awards(pilot, park_pilot, xian_pilot, caps, finance):
    """石泉县 300 (180 paid of 180 + 120), 西安高新区 200 (nothing paid), 蓝田县 100 (all paid)."""
    shiquan = award(pilot, finance, amount="300")
    _instalments(shiquan, finance, "180", "120")
    hitech = award(park_pilot, finance, amount="200", fund_source="central_budget")
    lantian = award(xian_pilot, finance, amount="100")
    _instalments(lantian, finance, "100")
    return {"shiquan": shiquan, "hitech": hitech, "lantian": lantian}


def _listed(client, **params):
    response = client.get(reverse("awards:list"), params)
    assert response.status_code == 200
    return response, {a.pilot.organisation.name for a in response.context["page"]}


# Who sees what ------------------------------------------------------------------------------------------
def test_finance_and_province_see_every_award(awards, finance, province, client_for):
    for user in (finance, province):
        _, names = _listed(client_for(user))
        assert names == {"石泉县人民政府", "西安高新技术产业开发区管委会", "蓝田县人民政府"}


def test_pilot_sees_its_own_award_only(awards, applicant_county, client_for):
    client = client_for(applicant_county)
    _, names = _listed(client)
    assert names == {"石泉县人民政府"}
    assert client.get(reverse("awards:detail", args=[awards["shiquan"].pk])).status_code == 200
    for other in ("hitech", "lantian"):
        assert client.get(reverse("awards:detail", args=[awards[other].pk])).status_code == 404
    assert SecurityEvent.objects.filter(kind="denied", summary__startswith="awards.award").exists()


def test_city_sees_its_units_awards_only(awards, city_xian, city_ankang, client_for):
    _, names = _listed(client_for(city_xian))
    assert names == {"西安高新技术产业开发区管委会", "蓝田县人民政府"}
    client = client_for(city_ankang)
    _, names = _listed(client)
    assert names == {"石泉县人民政府"}
    assert client.get(reverse("awards:detail", args=[awards["lantian"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["agency", "expert", "drc", "outsider"])
def test_others_get_404(request, awards, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("awards:list")).status_code == 404
    assert client.get(reverse("awards:detail", args=[awards["shiquan"].pk])).status_code == 404
    assert client.get(reverse("awards:caps")).status_code == 404


def test_readers_cannot_write(awards, province, applicant_county, city_ankang, client_for):
    recorded = awards["shiquan"]
    planned = recorded.instalments.get(state="planned")
    for user in (province, applicant_county, city_ankang):
        client = client_for(user)
        page = client.get(reverse("awards:detail", args=[recorded.pk])).content.decode()
        assert "登记拨付" not in page and "安排分期拨付" not in page
        assert client.get(reverse("awards:create")).status_code == 404
        posts = [
            (
                reverse("awards:instalment_create", args=[recorded.pk]),
                {"amount": "1", "planned_date": "2025-08-01"},
            ),
            (
                reverse("awards:instalment_disburse", args=[recorded.pk, planned.pk]),
                {"disbursed_on": "2025-08-01", "payment_document": "X"},
            ),
            (reverse("awards:instalment_cancel", args=[recorded.pk, planned.pk]), {"reason": "x"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404
    assert client_for(province).post(reverse("awards:caps"), {"pilot_type": "county"}).status_code == 404
    planned.refresh_from_db()
    assert planned.state == "planned" and recorded.instalments.count() == 2


# Totals -------------------------------------------------------------------------------------------------
def _shown(response, testid) -> str:
    page = response.content.decode()
    start = page.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
    return page[start : page.index("<", start)]


def test_list_totals_match_the_data(awards, finance, client_for):
    client = client_for(finance)
    response, _ = _listed(client)
    assert _shown(response, "total-count") == "3"
    assert _shown(response, "total-amount") == "600.00"
    assert _shown(response, "total-disbursed") == "280.00"
    assert _shown(response, "total-undisbursed") == "320.00"
    # narrowed by a filter, the totals follow the rows
    response, names = _listed(client, review_unit="610100")
    assert names == {"西安高新技术产业开发区管委会", "蓝田县人民政府"}
    assert (_shown(response, "total-amount"), _shown(response, "total-disbursed")) == ("300.00", "100.00")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pilot_type": "park"}, {"西安高新技术产业开发区管委会"}),
        ({"pilot_type": "county"}, {"石泉县人民政府", "蓝田县人民政府"}),
        ({"status": "unpaid"}, {"西安高新技术产业开发区管委会"}),
        ({"status": "partial"}, {"石泉县人民政府"}),
        ({"status": "paid"}, {"蓝田县人民政府"}),
        ({"status": "due"}, {"石泉县人民政府"}),
        ({"q": "蓝田"}, {"蓝田县人民政府"}),
    ],
)
def test_list_filters(awards, finance, client_for, params, expected):
    assert _listed(client_for(finance), **params)[1] == expected


def test_batch_filter(awards, finance, client_for):
    batch = awards["hitech"].pilot.batch
    assert _listed(client_for(finance), batch=batch.pk)[1] == {"西安高新技术产业开发区管委会"}


def test_detail_sums_match_the_instalments(awards, applicant_county, client_for):
    recorded = awards["shiquan"]
    response = client_for(applicant_county).get(reverse("awards:detail", args=[recorded.pk]))
    assert _shown(response, "amount") == "300.00"
    assert _shown(response, "disbursed") == "180.00"
    assert _shown(response, "planned") == "120.00"
    assert _shown(response, "unplanned") == "0.00"
    assert _shown(response, "state") == "部分拨付"
    assert response.content.decode().count('data-testid="instalment-row"') == 2


# Forms ------------------------------------------------------------------------------------------------
def test_record_form_refused_keeps_the_input(pilot, caps, finance, client_for):
    client = client_for(finance)
    data = {
        "pilot": pilot.pk,
        "amount": "600",
        "basis_number": "陕财办资环〔2025〕12号",
        "basis_date": "2025-06-30",
        "fund_source": "provincial_ecology",
        "note": "首批验收奖补",
    }
    response = client.post(reverse("awards:create"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "超过上限500.00万元" in page and 'value="600"' in page and "首批验收奖补" in page
    assert not Award.objects.exists()
    response = client.post(reverse("awards:create"), {**data, "amount": "500"})
    recorded = Award.objects.get()
    assert response.status_code == 302 and response.url == reverse("awards:detail", args=[recorded.pk])


def test_record_form_offers_accepted_pilots_only(pilot, shiquan, finance, client_for):
    from pilots.models import Pilot

    other = accepted(county("610921"))
    Pilot.objects.filter(pk=other.pk).update(state=Pilot.State.IMPLEMENTING)
    response = client_for(finance).get(reverse("awards:create"))
    assert list(response.context["form"].fields["pilot"].queryset) == [pilot]


def test_instalment_forms_refused_keep_the_input(awards, finance, client_for):
    client = client_for(finance)
    recorded = awards["hitech"]
    url = reverse("awards:instalment_create", args=[recorded.pk])
    response = client.post(url, {"amount": "250", "planned_date": "2025-09-01"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "超过奖补金额200.00万元" in page and 'value="250"' in page
    assert client.post(url, {"amount": "200", "planned_date": "2025-09-01"}).status_code == 302
    instalment = recorded.instalments.get()
    disburse = reverse("awards:instalment_disburse", args=[recorded.pk, instalment.pk])
    response = client.post(disburse, {"disbursed_on": "2025-09-02", "payment_document": " "})
    assert response.status_code == 422 and 'value="2025-09-02"' in response.content.decode()
    response = client.post(disburse, {"disbursed_on": "2025-09-02", "payment_document": "陕财拨〔2025〕9号"})
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert (instalment.state, instalment.payment_document) == ("disbursed", "陕财拨〔2025〕9号")


def test_cancel_needs_a_reason(awards, finance, client_for):
    recorded = awards["shiquan"]
    planned = recorded.instalments.get(state="planned")
    url = reverse("awards:instalment_cancel", args=[recorded.pk, planned.pk])
    assert client_for(finance).post(url, {"reason": ""}).status_code == 422
    assert client_for(finance).post(url, {"reason": "项目调整"}).status_code == 302
    planned.refresh_from_db()
    assert (planned.state, planned.cancel_reason) == ("cancelled", "项目调整")


def test_another_awards_instalment_is_404(awards, finance, client_for):
    foreign = awards["shiquan"].instalments.first()
    url = reverse("awards:instalment_disburse", args=[awards["lantian"].pk, foreign.pk])
    assert (
        client_for(finance).post(url, {"disbursed_on": "2025-09-02", "payment_document": "X"}).status_code
        == 404
    )


def test_caps_page(caps, finance, province, client_for):
    page = client_for(province).get(reverse("awards:caps"))
    assert page.content.decode().count('data-testid="current"') == 2 and page.context["form"] is None
    client = client_for(finance)
    response = client.post(
        reverse("awards:caps"), {"pilot_type": "county", "amount": "0", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 422 and "奖补上限须大于零" in response.content.decode()
    response = client.post(
        reverse("awards:caps"),
        {"pilot_type": "county", "grade": "excellent", "amount": "550", "effective_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert AwardCap.objects.filter(grade="excellent", amount=Decimal("550")).exists()


# Query counts and the Excel file ------------------------------------------------------------------------
ANKANG_COUNTIES = ["610922", "610921", "610923", "610924"]


@pytest.mark.parametrize("n", [1, 4])
def test_list_runs_a_fixed_number_of_queries(n, caps, finance, client_for, django_assert_num_queries):
    for code in ANKANG_COUNTIES[:n]:
        recorded = award(accepted(county(code)), finance, amount="300")
        _instalments(recorded, finance, "100", "100", disburse=1)
    client = client_for(finance)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("awards:list"))
    assert response.context["page"].paginator.count == n
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("awards:list"), {"export": "xlsx"})
    tables = read_response(response)
    assert len(tables["奖补清单"].cells) == n + 1
    assert len(tables["分期拨付明细"].cells) == 2 * n


LIST_QUERIES = 11
EXPORT_QUERIES = 9


def test_export_typed_cells_and_totals(awards, finance, client_for):
    response = client_for(finance).get(reverse("awards:list"), {"export": "xlsx"})
    table = read_response(response)["奖补清单"]
    assert table.title == "陕西省低碳近零碳试点奖补清单"
    assert "范围：全省" in table.scope and "数据截至" in table.scope
    assert table.header[:3] == ["序号", "试点单位", "所属市（区）"]
    assert_no_formulas(table.sheet)
    *data, total = table.cells
    assert [row[0].value for row in data] == [1, 2, 3] and total[0].value is None
    by_name = {r["试点单位"]: r for r in table.rows[:-1]}
    assert by_name["石泉县人民政府"]["奖补金额（万元）"] == 300
    assert by_name["石泉县人民政府"]["已拨付（万元）"] == 180
    assert by_name["石泉县人民政府"]["拨付状态"] == "部分拨付"
    assert by_name["西安高新技术产业开发区管委会"]["类型"] == "园区"
    assert by_name["西安高新技术产业开发区管委会"]["资金来源"] == "中央预算内投资"
    assert by_name["蓝田县人民政府"]["文件日期"] == datetime.datetime(2025, 6, 30)
    for header in ("奖补金额（万元）", "已拨付（万元）", "未拨付（万元）"):
        cells = table.cells_of(header)
        assert all(c.data_type == "n" and c.number_format == "#,##0.00" for c in cells)
        assert cells[-1].value == sum(c.value for c in cells[:-1])
    totals = table.rows[-1]
    assert (
        totals["试点单位"],
        totals["奖补金额（万元）"],
        totals["已拨付（万元）"],
        totals["未拨付（万元）"],
    ) == (
        "合计",
        600,
        280,
        320,
    )
    assert table.cells_of("文件日期")[0].number_format == 'yyyy"年"m"月"d"日"'


def test_export_instalment_sheet(awards, finance, client_for):
    from ..export_checks import assert_datetimes, assert_numbers, assert_well_formed

    table = read_response(client_for(finance).get(reverse("awards:list"), {"export": "xlsx"}))["分期拨付明细"]
    assert_well_formed(table, sheet="分期拨付明细", title_contains="分期拨付明细")
    assert_numbers(table, "拨付金额（万元）", "#,##0.00")
    assert_numbers(table, "期次", "0")
    assert_datetimes(table, "计划拨付日期", 'yyyy"年"m"月"d"日"')
    rows = [(r["试点单位"], r["期次"], r["拨付金额（万元）"], r["状态"], r["拨付文号"]) for r in table.rows]
    assert sorted(rows) == [
        ("石泉县人民政府", 1, 180, "已拨付", "陕财资环拨〔2025〕8号"),
        ("石泉县人民政府", 2, 120, "待拨付", None),
        ("蓝田县人民政府", 1, 100, "已拨付", "陕财资环拨〔2025〕8号"),
    ]


def test_export_follows_the_filter_and_the_scope(awards, applicant_county, finance, client_for):
    table = read_response(client_for(applicant_county).get(reverse("awards:list"), {"export": "xlsx"}))[
        "奖补清单"
    ]
    assert [r["试点单位"] for r in table.rows] == ["石泉县人民政府", "合计"]
    assert table.rows[-1]["奖补金额（万元）"] == 300
    table = read_response(
        client_for(finance).get(reverse("awards:list"), {"export": "xlsx", "pilot_type": "park"})
    )["奖补清单"]
    assert [r["试点单位"] for r in table.rows] == ["西安高新技术产业开发区管委会", "合计"]
    assert "筛选条件" in table.scope


def test_export_cells_never_formulas(pilot, caps, finance, client_for):
    award(pilot, finance, fund_source="other", fund_source_other='=HYPERLINK("http://x")')
    table = read_response(client_for(finance).get(reverse("awards:list"), {"export": "xlsx"}))["奖补清单"]
    assert_no_formulas(table.sheet)
    cell = table.cells_of("资金来源")[0]
    assert cell.data_type == "s" and cell.quotePrefix


def test_instalment_state_labels(awards):
    assert set(Instalment.objects.values_list("state", flat=True)) == {"planned", "disbursed"}


# Dashboard ----------------------------------------------------------------------------------------------
def test_finance_dashboard_lists_pilots_without_award_and_due_instalments(
    awards, shiquan, finance, province, client_for
):
    from dashboard.selectors import dashboard_for

    accepted(county("610921"))  # accepted, no award yet
    tasks = {t.key: t for t in dashboard_for(finance).tasks}
    assert tasks["pilots_without_award"].count == 1
    assert tasks["pilots_without_award"].url == reverse("awards:create")
    # the due count is the number of rows the linked list shows
    due = tasks["awards_due"]
    assert due.count == 1 and due.url == reverse("awards:list") + "?status=due"
    assert client_for(finance).get(due.url).context["page"].paginator.count == due.count
    assert not {"pilots_without_award", "awards_due"} & {t.key for t in dashboard_for(province).tasks}


def test_notice_link_opens_the_award_for_the_pilot_with_its_history(
    pilot, caps, finance, applicant_county, client_for
):
    from core.models import Notification

    recorded = award(pilot, finance)
    notice = Notification.objects.get(recipient=applicant_county, kind="awards.award_recorded")
    response = client_for(applicant_county).get(notice.url)
    assert response.status_code == 200 and response.context["award"] == recorded
    assert "登记奖补" in response.content.decode().split('data-testid="history"')[1]
