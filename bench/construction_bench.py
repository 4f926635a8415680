"""Benchmark of the construction stage (issue 12): annual reports, the province's overview, the dispatch
answer table and the reminder sweeps at 2,000 pilots.

Run (a fresh PostgreSQL database, created and migrated here):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_construction \\
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/construction_bench.py

Data written in bulk (bulk_create, no services): organisations spread over the 12 review units, one
2023 batch (construction to 2026-12-31), pilots implementing, each with an applicant user, a filed plan
and ledger version 1 (6 targets with yearly values), three annual reports (2024 and 2025 received or
submitted, 2026 a draft for most) with full activity data (6 indicator actuals, 4 fuel rows, 3 project
progress rows, a typical case, the socio-economic and electricity fields), a city opinion and an
evaluation on the received ones; one open dispatch to all pilots (4 questions, 80 % answered and
submitted, due in 2 days). The data is loaded in two steps, 200 pilots then 1,800 more, and the pages are
measured after each step to show the query count does not grow with the number of pilots.

Each page is requested in-process through Django's test client (the whole stack, logged in as a
provincial officer) REPEAT times after a warm-up; queries counted with CaptureQueriesContext. The sweeps
(reports.reminders.annual_report_reminders, dispatches.reminders.dispatch_due_reminders) are called
directly and timed once each on the full data (a second run, all reminders already sent, is also timed).
The CPU calibration figure is run_bench.calibrate()."""

import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.run_bench import calibrate, loadavg  # noqa: E402

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "200,2000").split(","))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
TODAY = datetime.date(2026, 12, 1)  # 9 days before the 2026 reports are due: the before_10 stage
OVERVIEW_YEAR = 2025
FUELS = ["raw_coal", "natural_gas", "diesel", "gasoline"]
rng = random.Random(12)


def setup_fixed() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from applications.models import Batch
    from dispatches.models import Dispatch, Question
    from indicators.models import Indicator
    from organisations.models import Membership, Organisation, Role

    User = get_user_model()
    password = make_password("Bench-Construction-2026")
    batch = Batch.objects.create(
        name="2023年基准批次",
        year=2023,
        state=Batch.State.PUBLISHED,
        construction_end=datetime.date(2026, 12, 31),
    )
    province = User.objects.create(username="bench_province", password=password, is_active=True)
    province_org = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_ECOLOGY)
    Membership.objects.create(user=province, organisation=province_org, role=Role.PROVINCE_OFFICER)
    indicators = list(Indicator.objects.order_by("code")[:6])
    assert len(indicators) == 6, "the indicator catalogue is seeded by migrations"
    dispatch = Dispatch.objects.create(
        title="2026年第四季度进展调度",
        period="2026年第四季度",
        year=2026,
        due_date=TODAY + datetime.timedelta(days=2),
        state=Dispatch.State.OPEN,
        created_by=province,
        opened_at=timezone.now(),
    )
    questions = Question.objects.bulk_create(
        [
            Question(dispatch=dispatch, order=1, kind="text", text="本季度重点工作进展"),
            Question(dispatch=dispatch, order=2, kind="figure", text="本季度完成投资", unit="万元"),
            Question(dispatch=dispatch, order=3, kind="figure", text="本季度用电量", unit="万千瓦时"),
            Question(dispatch=dispatch, order=4, kind="text", text="存在问题", required=False),
        ]
    )
    return {
        "batch": batch,
        "province": province,
        "password": password,
        "indicators": indicators,
        "dispatch": dispatch,
        "questions": questions,
        "user_model": User,
    }


def load(fixed: dict, start: int, stop: int) -> None:
    """Pilots start..stop-1 with everything they carry."""
    from applications.models import Application
    from carbon.models import EmissionFactorSet
    from dispatches.models import Answer, DispatchResponse
    from organisations.models import Membership, Organisation, ReviewUnit, Role
    from pilots.models import Pilot
    from plans.models import LedgerTarget, LedgerVersion, Plan
    from reports.models import (
        AnnualReport,
        CityOpinion,
        FuelUse,
        IndicatorActual,
        ProjectProgress,
        ReportEvaluation,
        TypicalCase,
    )

    units = list(ReviewUnit.objects.order_by("code"))
    factor_set = EmissionFactorSet.objects.order_by("pk").first()
    province, batch, indicators = fixed["province"], fixed["batch"], fixed["indicators"]
    now = timezone.now()
    n = range(start, stop)
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准试点{i:04d}",
                    kind=Organisation.Kind.PARK if i % 3 else Organisation.Kind.COUNTY,
                    review_unit=units[i % len(units)],
                )
                for i in n
            ]
        )
        users = fixed["user_model"].objects.bulk_create(
            [
                fixed["user_model"](
                    username=f"bench_pilot{i:04d}", password=fixed["password"], is_active=True
                )
                for i in n
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=o, role=Role.APPLICANT)
                for u, o in zip(users, orgs, strict=True)
            ]
        )
        apps = Application.objects.bulk_create(
            [Application(batch=batch, organisation=o, state=Application.State.SELECTED) for o in orgs]
        )
        pilots = Pilot.objects.bulk_create(
            [
                Pilot(batch=batch, organisation=o, application=a, state=Pilot.State.IMPLEMENTING)
                for o, a in zip(orgs, apps, strict=True)
            ]
        )
        plans = Plan.objects.bulk_create(
            [
                Plan(
                    pilot=p,
                    state=Plan.State.FILED,
                    title=f"{p.organisation.name}低碳试点建设方案",
                    factor_set=factor_set,
                    filing_number=f"BENCH-{p.pk}",
                    filed_at=now,
                )
                for p in pilots
            ]
        )
        projects = [
            {"id": k, "name": f"重点项目{k}", "start_year": 2024, "end_year": 2026} for k in (1, 2, 3)
        ]
        versions = LedgerVersion.objects.bulk_create(
            [
                LedgerVersion(pilot=p, plan=pl, number=1, projects=projects, created_by=province)
                for p, pl in zip(pilots, plans, strict=True)
            ]
        )
        LedgerTarget.objects.bulk_create(
            [
                LedgerTarget(
                    version=v,
                    indicator=ind,
                    binding=k < 2,
                    base_year=2022,
                    base_value=Decimal("100"),
                    values={str(y): str(100 - 3 * (y - 2022)) for y in range(2023, 2027)},
                    order=k,
                )
                for v in versions
                for k, ind in enumerate(indicators)
            ]
        )
        reports = []
        for p in pilots:
            for year in (2024, 2025, 2026):
                if year < 2026:
                    state = (
                        AnnualReport.State.RECEIVED if rng.random() < 0.7 else AnnualReport.State.SUBMITTED
                    )
                else:
                    state = AnnualReport.State.SUBMITTED if rng.random() < 0.1 else AnnualReport.State.DRAFT
                done = state != AnnualReport.State.DRAFT
                reports.append(
                    AnnualReport(
                        pilot=p,
                        year=year,
                        state=state,
                        summary="本年度试点建设总体进展顺利，" * 20,
                        submitted_at=now if done else None,
                        due_on=datetime.date(year, 12, 10) if done else None,
                        is_late=done and rng.random() < 0.15,
                        gdp_100m=Decimal(rng.randint(50, 900)),
                        gdp_constant_100m=Decimal(rng.randint(50, 900)),
                        population_10k=Decimal(rng.randint(5, 120)),
                        total_energy_tce=Decimal(rng.randint(10000, 900000)),
                        grid_purchase_10k_kwh=Decimal(rng.randint(1000, 90000)),
                        green_power_10k_kwh=Decimal(rng.randint(0, 5000)),
                        local_generation_10k_kwh=Decimal(rng.randint(0, 20000)),
                        exported_10k_kwh=Decimal(rng.randint(0, 5000)),
                        electricity_consumed_10k_kwh=Decimal(rng.randint(1000, 90000)),
                        heat_gj=Decimal(rng.randint(0, 500000)),
                        activity_explanation="用电量增长主要来自新增产能。",
                        task_mechanism="建立碳排放统计核算制度。" * 10,
                        task_energy="推进分布式光伏建设。" * 10,
                        task_saving="实施重点用能单位节能改造。" * 10,
                        task_synergy="开展减污降碳协同治理。" * 10,
                        funds_used_10k_yuan=Decimal(rng.randint(100, 5000)),
                        funds_note="专项资金按计划拨付使用。",
                        problems="部分项目进度滞后。",
                        next_steps="加快项目建设进度。",
                    )
                )
        reports = AnnualReport.objects.bulk_create(reports)
        IndicatorActual.objects.bulk_create(
            [
                IndicatorActual(
                    report=r,
                    indicator=ind,
                    value=Decimal(100 - 3 * (r.year - 2022) + rng.randint(-4, 4)),
                    data_source="统计年鉴",
                    quality="yearbook",
                    explanation="",
                )
                for r in reports
                for ind in indicators
            ]
        )
        FuelUse.objects.bulk_create(
            [
                FuelUse(report=r, fuel=f, quantity=Decimal(rng.randint(100, 90000)))
                for r in reports
                for f in FUELS
            ]
        )
        ProjectProgress.objects.bulk_create(
            [
                ProjectProgress(
                    report=r,
                    project_id_ref=k,
                    project_name=f"重点项目{k}",
                    milestone_met=rng.random() < 0.8,
                    note="按计划推进。",
                    investment_10k_yuan=Decimal(rng.randint(100, 3000)),
                )
                for r in reports
                for k in (1, 2, 3)
            ]
        )
        TypicalCase.objects.bulk_create(
            [TypicalCase(report=r, title="园区光伏+储能示范", text="建成分布式光伏。" * 20) for r in reports]
        )
        received = [r for r in reports if r.state == AnnualReport.State.RECEIVED]
        CityOpinion.objects.bulk_create(
            [CityOpinion(report=r, text="经审核，同意报送。", by=province) for r in reports if r.submitted_at]
        )
        ReportEvaluation.objects.bulk_create(
            [
                ReportEvaluation(
                    report=r,
                    rating=rng.choice(["excellent", "good", "pass"]),
                    opinion="完成年度目标。",
                    by=province,
                )
                for r in received
            ]
        )
        dispatch, questions = fixed["dispatch"], fixed["questions"]
        responses = []
        for p in pilots:
            answered = rng.random() < 0.8
            responses.append(
                DispatchResponse(
                    dispatch=dispatch,
                    pilot=p,
                    state=DispatchResponse.State.SUBMITTED if answered else DispatchResponse.State.DRAFT,
                    source="portal" if answered else "",
                    saved_at=now if answered else None,
                    submitted_at=now if answered else None,
                    first_submitted_at=now if answered else None,
                )
            )
        responses = DispatchResponse.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            [
                Answer(
                    response=resp,
                    question=q,
                    text_value="" if q.kind == "figure" else "按计划推进重点项目建设。",
                    number_value=Decimal(rng.randint(10, 9000)) if q.kind == "figure" else None,
                )
                for resp in responses
                if resp.state == DispatchResponse.State.SUBMITTED
                for q in questions
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, repeat: int = REPEAT) -> dict:
    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "url": url,
        "p50": round(statistics.median(times), 1),
        "p95": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max": round(times[-1], 1),
        "queries": len(queries),
    }


def timed(fn, **kwargs) -> tuple[float, int, int]:
    """Seconds, the function's result and the queries run. Queries are counted by an execute wrapper:
    CaptureQueriesContext reads connection.queries_log, a deque capped at 9,000 entries, which a sweep
    over 2,000 pilots overflows."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        with transaction.atomic():
            result = fn(**kwargs)
        elapsed = time.perf_counter() - started
    return round(elapsed, 2), result, count[0]


def main() -> int:
    from unittest import mock

    from dispatches.reminders import dispatch_due_reminders
    from pilots.models import Pilot
    from reports.models import AnnualReport
    from reports.reminders import annual_report_reminders

    call_command("migrate", verbosity=0)
    fixed = setup_fixed()
    client = Client()
    from tests.helpers import verified_login  # the officer passes the second factor, as in the tests

    verified_login(client, fixed["province"])
    dispatch = fixed["dispatch"]
    results = []
    done = 0
    report_url = None
    for size in SIZES:
        started = time.perf_counter()
        load(fixed, done, size)
        done = size
        print(
            f"loaded {Pilot.objects.count()} pilots, {AnnualReport.objects.count()} reports "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        report_url = reverse(
            "reports:detail",
            args=[
                AnnualReport.objects.filter(year=OVERVIEW_YEAR, state="received").order_by("pk").first().pk
            ],
        )
        for name, url in (
            ("overview", reverse("reports:overview") + f"?year={OVERVIEW_YEAR}"),
            (
                "overview, one city",
                reverse("reports:overview")
                + f"?year={OVERVIEW_YEAR}&city="
                + str(Pilot.objects.order_by("pk").first().organisation.review_unit_id),
            ),
            ("dispatch answer table", reverse("dispatches:detail", args=[dispatch.pk])),
            (
                "dispatch answer table, last page",
                reverse("dispatches:detail", args=[dispatch.pk]) + f"?page={(size + 99) // 100}",
            ),
            ("annual report page", report_url),
        ):
            r = measure(client, url)
            r.update(name=name, pilots=size)
            results.append(r)
            print(r, flush=True)
    sweeps = []
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        for label, fn in (
            ("reports.reminders.annual_report_reminders", annual_report_reminders),
            ("dispatches.reminders.dispatch_due_reminders", dispatch_due_reminders),
        ):
            for run in ("first run", "second run (all sent)"):
                seconds, sent, nq = timed(fn, today=TODAY)
                sweeps.append((label, run, seconds, sent, nq))
                print(label, run, seconds, "s", sent, "notices", nq, "queries", flush=True)
    print(
        f"calibration {calibrate()} ms (run_bench.calibrate, lower is faster); load average {loadavg():.2f}"
    )
    print("| page | pilots | p50 / p95 / max (ms) | queries |")
    print("|---|---|---|---|")
    for r in results:
        print(
            f"| {r['name']} (`{r['url']}`) | {r['pilots']} | {r['p50']} / {r['p95']} / {r['max']} | {r['queries']} |"
        )
    print("| sweep | run | seconds | notices | queries |")
    print("|---|---|---|---|---|")
    for label, run, seconds, sent, nq in sweeps:
        print(f"| `{label}` | {run} | {seconds} | {sent} | {nq} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
