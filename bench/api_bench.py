"""Benchmark of the open-data API's list endpoints (issue 11): p95 under 50 ms at 5,000 applications and
2,000 pilots, with a fixed number of queries.

Run (a fresh PostgreSQL database, created and migrated here):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_api \\
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/api_bench.py

Data written in bulk: 2,400 organisations (counties and parks over the 12 review units), 6 batches, 5,000
applications spread over them (the province sees all forwarded ones), 2,000 pilots in published batches.
Each endpoint's first page (50 rows) is requested in-process through Django's test client (the whole
stack: middleware, authentication by token, throttling against the cache, serialisation) 200 times after a
warm-up; queries counted with CaptureQueriesContext. The CPU calibration figure is run_bench.calibrate()."""

import os
import statistics
import sys
import time
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

from bench.run_bench import calibrate, loadavg  # noqa: E402

N_APPLICATIONS, N_PILOTS, N_ORGS, REPEAT = 5000, 2000, 2400, 200


def load() -> dict:
    from api import services
    from applications.models import Application, Batch
    from organisations.models import Membership, Organisation, ReviewUnit, Role
    from pilots.models import Pilot
    from tests.factories import UserFactory

    units = list(ReviewUnit.objects.order_by("code"))
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准单位{i:04d}",
                    kind=Organisation.Kind.PARK if i % 3 else Organisation.Kind.COUNTY,
                    review_unit=units[i % len(units)],
                )
                for i in range(N_ORGS)
            ]
        )
        batches = Batch.objects.bulk_create(
            [
                Batch(name=f"{2020 + i}年基准批次", year=2020 + i, state=Batch.State.PUBLISHED)
                for i in range(6)
            ]
        )
        Application.objects.bulk_create(
            [
                Application(
                    batch=batches[i % 6],
                    organisation=orgs[(i // 6) % N_ORGS],
                    state=Application.State.FORWARDED if i % 2 else Application.State.SELECTED,
                )
                for i in range(N_APPLICATIONS)
            ]
        )
        Pilot.objects.bulk_create(
            [
                Pilot(
                    batch=batches[i % 6],
                    organisation=orgs[(i * 7 + 1) % N_ORGS],
                    state=Pilot.State.IMPLEMENTING,
                )
                for i in range(N_PILOTS)
            ],
            ignore_conflicts=True,
        )
        province_org = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_ECOLOGY)
        province = UserFactory(username="bench_province")
        Membership.objects.create(user=province, organisation=province_org, role=Role.PROVINCE_OFFICER)
    return {
        "province_key": services.token_issue(user=province),
        "applications": Application.objects.count(),
        "pilots": Pilot.objects.count(),
    }


def measure(client: Client, url: str) -> dict:
    for _ in range(10):
        client.get(url)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).json()
    times.sort()
    return {
        "url": url,
        "count": body.get("count"),
        "p50": round(statistics.median(times), 1),
        "p95": round(times[int(len(times) * 0.95) - 1], 1),
        "max": round(times[-1], 1),
        "queries": len(queries),
    }


def main() -> int:
    from django.conf import settings

    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}
    call_command("migrate", verbosity=0)
    data = load()
    print(f"loaded {data['applications']} applications, {data['pilots']} pilots", flush=True)
    # Fresh statistics, as autovacuum has them by the time anyone reads a list: without them the planner
    # takes the 5,000 bulk-loaded rows for 14 and joins them in a nested loop (twice the SQL time).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    public, province = Client(), Client(HTTP_AUTHORIZATION=f"Token {data['province_key']}")
    results = [
        measure(public, reverse("api:batches")),
        measure(public, reverse("api:published_pilots")),
        measure(public, reverse("api:published_pilots") + "?year=2023"),
        measure(province, reverse("api:applications")),
        measure(province, reverse("api:applications") + "?page=40"),
        measure(province, reverse("api:pilots")),
    ]
    print(
        f"calibration {calibrate()} ms (run_bench.calibrate, lower is faster); load average {loadavg():.2f}"
    )
    print("| endpoint | rows in list | p50 / p95 / max (ms) | queries |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| `{r['url']}` | {r['count']} | {r['p50']} / {r['p95']} / {r['max']} | {r['queries']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
