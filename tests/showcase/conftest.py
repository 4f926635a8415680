"""Fixtures of the showcase: an accepted pilot of 石泉县 (安康) with a received annual report (an indicator
actual and a typical case), its page drafted, and a published batch around it."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator
from pilots.models import Pilot
from reports.models import AnnualReport, IndicatorActual, TypicalCase
from showcase import services

from ..factories import AnnualReportFactory, PilotFactory


@pytest.fixture
def accepted(shiquan):
    return PilotFactory(
        organisation=shiquan,
        state=Pilot.State.ACCEPTED,
        acceptance_grade=Pilot.Grade.PASSED,
        named_at=datetime.date(2026, 1, 20),
    )


def received_report(
    pilot, year=2025, state=AnnualReport.State.RECEIVED, value="46.50", case="汉江沿岸光伏廊道"
):
    report = AnnualReportFactory(pilot=pilot, year=year)
    AnnualReport.objects.filter(pk=report.pk).update(state=state)
    indicator = Indicator.objects.get_or_create(
        code="forest-cover", defaults={"name": "森林覆盖率", "unit": "%"}
    )[0]
    actual = IndicatorActual.objects.create(
        report=report, indicator=indicator, value=Decimal(value), quality="yearbook", data_source="县统计局"
    )
    typical = TypicalCase.objects.create(
        report=report, title=case, text=f"{case}：利用荒坡和厂房屋顶建设光伏，年减排二氧化碳约8600吨。"
    )
    report.refresh_from_db()
    return report, actual, typical


@pytest.fixture
def sources(accepted):
    return received_report(accepted)


def write_page(
    pilot, by, sources, *, title="石泉县：汉江生态低碳示范", summary="以光伏和林业碳汇为重点。\n\n第二段。"
):
    _report, actual, typical = sources
    version = services.showcase_draft(pilot=pilot, by=by)
    return services.showcase_save(
        version=version, by=by, title=title, summary=summary, actual_ids=[actual.pk], case_ids=[typical.pk]
    )


def publish(pilot, writer, province, sources, **text):
    version = write_page(pilot, writer, sources, **text)
    services.showcase_transition(version=version, name="submit", by=writer)
    return services.showcase_transition(version=version, name="publish", by=province)
