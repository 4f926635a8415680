"""The province's overview: each number equals what it summarises, a fixed number of queries whatever
the number of pilots, filters and the export."""

import datetime
import io
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from plans import selectors as plan_selectors
from plans.models import LedgerTarget, LedgerVersion, Plan
from reports import ledger
from reports.models import AnnualReport, IndicatorActual, ReportEvaluation
from reports.selectors import overview, summarise

from ..factories import AnnualReportFactory, BatchFactory, PilotFactory, county

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 20)
COUNTIES = ["610922", "610923", "610925", "610122", "610124", "610115"]  # 安康 ×3, 西安 ×3


@pytest.fixture
def batch():
    return BatchFactory(state="published", year=2026, construction_end=datetime.date(2028, 12, 31))


def make_pilot(batch, code, province, *, state, late=False, actual=None, rating=None):
    pilot = PilotFactory(batch=batch, organisation=county(code), state="implementing")
    plan = Plan.objects.create(pilot=pilot)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=1, created_by=province)
    indicator = Indicator.objects.get(code="non_fossil_share")
    LedgerTarget.objects.create(
        version=version,
        indicator=indicator,
        binding=True,
        base_year=2022,
        base_value=D("20"),
        values={"2026": "25"},
    )
    if state is None:
        return pilot
    report = AnnualReportFactory(pilot=pilot, year=2026, state=state, is_late=late)
    if actual is not None:
        IndicatorActual.objects.create(
            report=report, indicator=indicator, value=D(actual), quality="yearbook"
        )
    if rating:
        ReportEvaluation.objects.create(report=report, rating=rating, opinion="按进度推进", by=province)
    return pilot


@pytest.fixture
def six(batch, province):
    make_pilot(
        batch, COUNTIES[0], province, state="received", actual="26", rating="good"
    )  # on time, on track
    make_pilot(batch, COUNTIES[1], province, state="submitted", late=True, actual="24.5")  # late, at risk
    make_pilot(batch, COUNTIES[2], province, state="draft")  # missing
    make_pilot(batch, COUNTIES[3], province, state="submitted", actual="20")  # on time, behind
    make_pilot(batch, COUNTIES[4], province, state=None)  # missing, no report at all
    make_pilot(batch, COUNTIES[5], province, state="returned", actual="30")  # returned: not submitted


def test_each_number_equals_what_it_summarises(six, province, client_for):
    rows = overview(province, 2026, today=TODAY)
    status = {r.pilot.organisation.name: (r.report_status, r.target_status) for r in rows}
    assert len(rows) == 6
    expected = {"on_time": 2, "late": 1, "missing": 3, "pending": 0}
    assert {k: sum(1 for s, _t in status.values() if s == k) for k in expected} == expected
    assert sorted(t for _s, t in status.values()) == [
        "at_risk",
        "behind",
        "no_data",
        "no_data",
        "no_data",
        "on_track",
    ]
    summary = summarise(rows)
    by_city = {c["name"]: c for c in summary["cities"]}
    assert (
        by_city["安康市"]["pilots"],
        by_city["安康市"]["on_time"],
        by_city["安康市"]["late"],
        by_city["安康市"]["missing"],
    ) == (3, 1, 1, 1)
    assert (by_city["西安市"]["pilots"], by_city["西安市"]["on_time"], by_city["西安市"]["missing"]) == (
        3,
        1,
        2,
    )
    with time_machine.travel(
        datetime.datetime(2026, 12, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False
    ):
        page = client_for(province).get(reverse("reports:overview") + "?year=2026").text
    for key, n in [
        ("pilots", 6),
        ("on_time", 2),
        ("late", 1),
        ("missing", 3),
        ("target-behind", 1),
        ("target-at_risk", 1),
        ("target-on_track", 1),
    ]:
        assert f'data-count="{key}">{n}<' in page, key


def test_filters_and_export(six, province, client_for):
    client = client_for(province)
    page = client.get(reverse("reports:overview"), {"year": 2026, "city": "610900"}).text
    assert "石泉县人民政府" in page and "蓝田县人民政府" not in page
    response = client.get(reverse("reports:overview"), {"year": 2026, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len([n for n in names if n]) == 6
    response = client.get(reverse("reports:overview"), {"year": 2026, "export": "evaluations"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]]
    assert len(rows) == 1 and rows[0][3] == "良好"


def test_a_city_sees_its_own_pilots_and_others_nothing(
    six, city_ankang, applicant_county, expert, client_for
):
    assert {r.pilot.organisation.review_unit_id for r in overview(city_ankang, 2026, today=TODAY)} == {
        "610900"
    }
    for user in (applicant_county, expert):
        assert client_for(user).get(reverse("reports:overview")).status_code == 404


def _counties(n):
    from organisations.models import Organisation

    return list(
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
        .order_by("division_id")
        .values_list("division_id", flat=True)[:n]
    )


def _pilots(batch, province, codes):
    for i, code in enumerate(codes):
        state = ("submitted", "received", "draft", None)[i % 4]
        make_pilot(batch, code, province, state=state, actual=("26", "24.5", "20")[i % 3])


def test_the_query_count_is_fixed_whatever_the_number_of_pilots(batch, province):
    """3 pilots or 30: as many queries, with the stored statuses fresh and with all of them to compute
    (reports stored directly here, as before the statuses were stored, or after a ledger change)."""
    codes = _counties(30)
    assert len(codes) == 30
    overview(province, 2026, today=TODAY)  # the user's scope is loaded once and cached on the user
    counts = {}
    for n, new in ((3, codes[:3]), (30, codes[3:])):
        _pilots(batch, province, new)
        with CaptureQueriesContext(connection) as stale:
            overview(province, 2026, today=TODAY)
        with CaptureQueriesContext(connection) as fresh:
            rows = overview(province, 2026, today=TODAY)
        assert len(rows) == n
        counts[n] = (len(stale), len(fresh))
    assert counts[3] == counts[30]
    assert counts[30][1] == 5  # pilots, extensions, reports; the rows' pilots and reports
    assert counts[30][0] > counts[30][1]  # the stale ones were computed once, and stored


def test_the_overview_page_query_count_is_fixed_and_the_table_is_paginated(
    batch, province, client_for, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 10)
    codes = _counties(30)
    client = client_for(province)
    url = reverse("reports:overview") + "?year=2026"
    _pilots(batch, province, codes[:3])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).text.count("<tr data-pilot=") == 3
    _pilots(batch, province, codes[3:])
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).text
    assert len(large) == len(small)
    assert page.count("<tr data-pilot=") == 10  # one page of the table
    assert 'data-count="pilots">30<' in page  # the counts are of every pilot
    assert 'data-total="30"' in page and "?year=2026&page=2" in page  # the link keeps the filters
    last = client.get(url + "&page=3").text
    assert last.count("<tr data-pilot=") == 10
    shown = {p for text in (page, client.get(url + "&page=2").text, last) for p in _pilot_ids(text)}
    assert len(shown) == 30


def _pilot_ids(text):
    import re

    return re.findall(r'<tr data-pilot="(\d+)"', text)


def test_statuses_are_stored_on_submission_and_follow_the_ledger(batch, province, applicant_county):
    """Submitted through the service: the statuses are stored (computed by the rule, never typed); a new
    ledger version makes the overview compute them again; a return clears them."""
    from reports import services

    pilot = make_pilot(batch, "610922", province, state=None)
    report = AnnualReportFactory(pilot=pilot, year=2026, state="draft", summary="进展顺利")
    IndicatorActual.objects.create(
        report=report,
        indicator=Indicator.objects.get(code="non_fossil_share"),
        value=D("24.5"),
        quality="yearbook",
    )
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))):
        services.report_transition(report=report, name="submit", by=applicant_county)
    report.refresh_from_db()
    version = LedgerVersion.objects.get(pilot=pilot)
    assert (report.targets_version, report.target_counts, report.target_status) == (
        version.pk,
        {"at_risk": 1},
        "at_risk",
    )
    # an approved change files version 2, with a lower path value: the actual is now on track
    new = LedgerVersion.objects.create(pilot=pilot, plan=version.plan, number=2, created_by=province)
    LedgerTarget.objects.create(
        version=new,
        indicator=Indicator.objects.get(code="non_fossil_share"),
        binding=True,
        base_year=2022,
        base_value=D("20"),
        values={"2026": "24"},
    )
    [row] = overview(province, 2026, today=TODAY)
    assert (row.target_status, row.targets) == ("on_track", {"on_track": 1})
    report.refresh_from_db()
    assert (report.targets_version, report.target_status) == (new.pk, "on_track")
    services.report_transition(report=report, name="return_for_revision", by=province, reason="请补充")
    report.refresh_from_db()
    assert (report.targets_version, report.target_counts, report.target_status) == (None, {}, "")
    [row] = overview(province, 2026, today=TODAY)
    assert (row.report_status, row.target_status) == ("missing", "no_data")


def test_bulk_ledger_reads_equal_the_plans_interface(six):
    from pilots.models import Pilot

    pilots = list(Pilot.objects.select_related("batch"))
    paths = ledger.target_paths(pilots)
    dues = ledger.due_dates(pilots, 2026)
    for pilot in pilots:
        assert paths.get(pilot.pk, {}) == plan_selectors.target_path(pilot)
        assert dues[pilot.pk] == ledger.due_date(pilot, 2026)
    assert AnnualReport.objects.count() == 5
