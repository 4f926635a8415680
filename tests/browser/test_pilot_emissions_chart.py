"""In a real browser under the Content-Security-Policy: the pilot page loads the emissions section of the
reports app with htmx and draws its chart from the table (no CSP violation, no page error)."""

import pytest
from django.urls import reverse

from ..factories import PASSWORD
from ..reports.test_pilot_emissions import pilot, reports  # noqa: F401 (fixtures)
from .conftest import log_in
from .test_csp import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_pilot_page_draws_the_emissions_chart(pilot, reports, applicant_county, new_page):  # noqa: F811
    page = new_page()
    violations = _violations(page)
    log_in(page, applicant_county.username, PASSWORD)
    page.goto(reverse("pilots:detail", args=[pilot.pk]))
    page.wait_for_selector("#pilot-emissions-table tbody tr")
    assert page.locator("#pilot-emissions-table tbody tr").count() == 3
    page.wait_for_selector("#pilot-emissions-chart canvas")
    series = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('pilot-emissions-chart'))"
        ".getOption().series.map(s => s.data)"
    )
    totals = [
        float(v)
        for v in page.eval_on_selector_all(
            "#pilot-emissions-table tbody tr", "rows => rows.map(r => r.dataset.total)"
        )
    ]
    assert series[0] == totals
    assert violations == [], violations
