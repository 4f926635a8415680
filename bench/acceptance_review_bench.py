"""Benchmark of the acceptance review panel (验收评审): a round of 100 pilots × 5 experts × 25 indicators.

Run (a PostgreSQL database of its own, created, migrated and dropped here):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_acceptance \\
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/acceptance_review_bench.py

Data written in bulk (bulk_create, no services): a county acceptance system of 5 categories × 5
indicators (4 points each, the first binding), one veto and three bonus/penalty items, frozen; an
acceptance round in `scoring` with its criteria built by reviews.acceptance.round_use_acceptance_system;
county pilots under acceptance review, each an item with 5 experts' submitted sheets (25 scores each),
a veto found on every 10th pilot, a site visit with 2 photos on every 5th; a self-evaluation provider
registered in-process (every pilot's 25 self-scores, a bonus claim). The data is loaded in two steps,
20 pilots then 80 more, and the panel (`reviews:acceptance_panel`, as the DRC officer) and its Excel export
are measured after each step: the query count must not grow. Each page is requested in-process through
Django's test client REPEAT times after a warm-up; queries counted with CaptureQueriesContext;
reviews.results.acceptance_outcomes is timed directly. The CPU calibration is run_bench.calibrate().
"""

import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_acceptance")
DB_NAME = os.environ["DATABASE_URL"].rsplit("/", 1)[1]

from bench.run_bench import calibrate, create_database, drop_database, loadavg  # noqa: E402

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "20,100").split(","))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
EXPERTS, CATEGORIES, PER_CATEGORY = 5, 5, 5
TARGET_P95_MS = 150


def setup_fixed() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from applications.models import Batch
    from indicators.models import (
        AcceptanceAdjustment,
        AcceptanceCategory,
        AcceptanceItem,
        AcceptanceSystem,
        AcceptanceVeto,
        Indicator,
    )
    from organisations.models import Membership, Organisation, Role
    from reviews.acceptance import round_use_acceptance_system
    from reviews.models import Expert, ReviewRound

    User = get_user_model()
    password = make_password("Bench-Acceptance-2026")
    org = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_ECOLOGY)
    province = User.objects.create(username="bench_province", password=password, is_active=True)
    Membership.objects.create(user=province, organisation=org, role=Role.PROVINCE_OFFICER)
    drc = User.objects.create(username="bench_drc", password=password, is_active=True)
    Membership.objects.create(
        user=drc,
        organisation=Organisation.objects.get(kind=Organisation.Kind.PROVINCE_DRC),
        role=Role.DRC_OFFICER,
    )
    home = Organisation.objects.create(name="基准专家单位", kind=Organisation.Kind.EXPERT_HOME)
    experts = []
    for n in range(EXPERTS):
        user = User.objects.create(username=f"bench_expert_{n}", full_name=f"专家{n}", password=password)
        Membership.objects.create(user=user, organisation=home, role=Role.EXPERT)
        Expert.objects.create(user=user, name=f"专家{n}", employer=home.name, phone=f"1390000000{n}")
        experts.append(user)
    batch = Batch.objects.create(name="2023年基准批次", year=2023, state=Batch.State.PUBLISHED)
    system = AcceptanceSystem.objects.create(kind="county", version=99, name="基准验收评价指标体系")
    codes = []
    for c in range(CATEGORIES):
        category = AcceptanceCategory.objects.create(system=system, name=f"类别{c}", points=20, order=c)
        for i in range(PER_CATEGORY):
            code = f"bench_{c}_{i}"
            indicator = Indicator.objects.create(code=code, name=f"基准指标{c}-{i}")
            AcceptanceItem.objects.create(
                category=category,
                indicator=indicator,
                points=4,
                rule="ratio_up",
                params={"target": 10},
                binding=(c == 0 and i == 0),
                order=i,
                target_note="≥ 方案目标",
            )
            codes.append(code)
    AcceptanceVeto.objects.create(system=system, code="fraud", description="数据弄虚作假")
    for n, kind in enumerate(("bonus", "bonus", "penalty")):
        AcceptanceAdjustment.objects.create(
            system=system, kind=kind, code=f"adj{n}", description=f"加减分项{n}", max_points=2
        )
    review_round = ReviewRound.objects.create(
        name="基准验收评审",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=batch,
        experts_per_item=EXPERTS,
        scoring_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    review_round = round_use_acceptance_system(review_round=review_round, system=system, by=province)
    ReviewRound.objects.filter(pk=review_round.pk).update(state=ReviewRound.State.SCORING)
    review_round.refresh_from_db()
    return {
        "round": review_round,
        "batch": batch,
        "province": province,
        "drc": drc,
        "experts": experts,
        "codes": codes,
        "criteria": list(review_round.criteria_set.criteria.order_by("order")),
    }


def load(fixed: dict, start: int, stop: int) -> None:
    from django.db import transaction

    from organisations.models import Organisation, ReviewUnit
    from pilots.models import Pilot
    from reviews.models import (
        ReviewAssignment,
        ReviewItem,
        Score,
        SitePhoto,
        SiteVisit,
        VetoFinding,
    )

    units = list(ReviewUnit.objects.order_by("code"))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准县{i:04d}", kind=Organisation.Kind.COUNTY, review_unit=units[i % len(units)]
                )
                for i in range(start, stop)
            ]
        )
        pilots = Pilot.objects.bulk_create(
            [
                Pilot(organisation=o, batch=fixed["batch"], state=Pilot.State.IN_ACCEPTANCE_REVIEW)
                for o in orgs
            ]
        )
        items = ReviewItem.objects.bulk_create([ReviewItem(round=fixed["round"], pilot=p) for p in pilots])
        assignments = ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(
                    round=fixed["round"],
                    expert=e,
                    item=item,
                    state=ReviewAssignment.State.SUBMITTED,
                    version=1,
                    overall_opinion="同意。",
                )
                for item in items
                for e in fixed["experts"]
            ]
        )
        Score.objects.bulk_create(
            [
                Score(
                    assignment=a,
                    criterion=c,
                    value=Decimal(3 + (a.pk + n) % 3) / 2 + Decimal("1.5"),
                    comment="现场核查与自评一致。" if n % 7 == 0 else "",
                )
                for a in assignments
                for n, c in enumerate(fixed["criteria"])
            ]
        )
        VetoFinding.objects.bulk_create(
            [VetoFinding(assignment=a, code="fraud", note="台账补记。") for a in assignments[:: EXPERTS * 10]]
        )
        visits = SiteVisit.objects.bulk_create(
            [
                SiteVisit(
                    item=item,
                    visited_on=datetime.date(2026, 11, 20),
                    place="现场",
                    notes="核查。",
                    created_by=fixed["province"],
                )
                for item in items[::5]
            ]
        )
        SitePhoto.objects.bulk_create(
            [
                SitePhoto(
                    visit=v,
                    image=f"reviews/site_visits/{v.pk}/bench{n}.png",
                    content_type="image/png",
                    extension=".png",
                    token=f"bench{v.pk}{n}",
                    uploaded_by=fixed["province"],
                )
                for v in visits
                for n in range(2)
            ]
        )
        del png


def register_provider(codes: list[str]) -> None:
    from reviews.self_scores import SelfEvaluation, SelfScore, register_self_scores

    def provider(ids):
        return {
            pk: SelfEvaluation(
                system_id=0,
                items={
                    code: SelfScore(
                        value=Decimal(4) if n % 4 else Decimal(3),
                        calculation="完成率 = 实际值 ÷ 目标值",
                        actual=Decimal(10),
                        target=Decimal(10),
                        evidence=True,
                        met=True,
                    )
                    for n, code in enumerate(codes)
                },
                claims={"adj0": Decimal(2), "adj1": Decimal(2)},
            )
            for pk in ids
        }

    register_self_scores(provider)


def measure(client, url: str, repeat: int = REPEAT) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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


def main() -> int:
    create_database(DB_NAME)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from reviews.results import acceptance_outcomes

        call_command("migrate", verbosity=0)
        fixed = setup_fixed()
        register_provider(fixed["codes"])
        from tests.helpers import verified_login

        client = Client()
        verified_login(client, fixed["drc"])
        url = reverse("reviews:acceptance_panel", args=[fixed["round"].pk])
        rows, done = [], 0
        for size in SIZES:
            load(fixed, done, size)
            done = size
            panel = measure(client, url)
            panel.update(name="panel", pilots=size)
            last = measure(client, url + f"?page={(size + 49) // 50}")  # pages of 50 pilots
            last.update(name="panel, last page", pilots=size)
            export = measure(client, url + "?export=xlsx", repeat=max(5, REPEAT // 3))
            export.update(name="Excel export", pilots=size)
            started = time.perf_counter()
            outcomes = acceptance_outcomes(fixed["round"])
            direct = round((time.perf_counter() - started) * 1000, 1)
            grades = sorted({o.grade or "pending" for o in outcomes.values()})
            rows += [panel, last, export]
            print(panel, flush=True)
            print(last, flush=True)
            print(export, flush=True)
            print(f"acceptance_outcomes over {size} pilots: {direct} ms; grades {grades}", flush=True)
        if os.environ.get("BENCH_PROFILE"):  # where the panel's time goes, at the largest size
            import cProfile
            import pstats

            from reviews.results import acceptance_panel

            profile = cProfile.Profile()
            profile.runcall(acceptance_panel, fixed["round"])
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        print(
            f"calibration {calibrate()} ms (run_bench.calibrate, lower is faster); load average {loadavg():.2f}"
        )
        print("| page | pilots | p50 / p95 / max (ms) | queries |")
        print("|---|---|---|---|")
        for r in rows:
            print(f"| {r['name']} | {r['pilots']} | {r['p50']} / {r['p95']} / {r['max']} | {r['queries']} |")
        panel_rows = [r for r in rows if r["name"] == "panel"]
        fixed_count = len({r["queries"] for r in panel_rows}) == 1
        print(f"panel query count fixed across sizes: {fixed_count}; target p95 < {TARGET_P95_MS} ms")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
