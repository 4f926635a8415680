"""Benchmark of the acceptance self-evaluation (issue 10): the computation of one pilot's self-evaluation
with 25 indicators (the county system 附件3 has 26 items, 23 computed, 3 qualitative). Target: < 200 ms.

Run (a PostgreSQL database migrated here; the data is written in a transaction rolled back at the end):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_acceptance \\
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/acceptance_selfeval_bench.py

Data, through the services: one county pilot implementing, its request prepared (lines pulled), every
line's actual and target typed in, an evidence file per line, the verification report, the veto
declaration. Timed REPEAT times after a warm-up:
- `selectors.evaluation_of(request)`: what the self-evaluation page and the submission run (reads the lines,
  attachments, claims, projects and the system spec, then scores every line and the total), with its
  query count;
- `evaluation.evaluate(...)` alone on rows already read (the pure computation);
- `services.request_submit` once (the whole submission: blockers, stored scores, two transitions, audit).
The CPU calibration figure is run_bench.calibrate()."""

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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.run_bench import calibrate, loadavg  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
FIGURES = {
    "co2_intensity_drop": ("18.2", "18"),
    "co2_total_change": ("-3", "0"),
    "energy_intensity_drop": ("13.5", "15"),
    "non_fossil_share_rise": ("4", "5"),
    "carbon_platform_coverage": ("60", None),
    "low_carbon_policies": ("2", None),
    "non_fossil_share": ("16", "16"),
    "renewable_capacity": ("50", "40"),
    "coal_share": ("50", "45"),
    "clean_heating": ("100", "100"),
    "electrification": ("30", "32"),
    "industry_energy_intensity_drop": ("10", "10"),
    "green_building": ("95", None),
    "nev_public_fleet": ("80", None),
    "public_institution_energy_drop": ("3", "4"),
    "forest_coverage": ("66", "65"),
    "green_living": ("50", "50"),
    "near_zero_scenarios": ("2", None),
    "pm25_drop": ("10", "8"),
    "nox_voc_projects": ("100", None),
    "solid_waste": ("72", None),
    "synergy_projects": ("100", None),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ms(samples):
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return round(statistics.median(samples) * 1000, 2), round(p95 * 1000, 2)


class Rollback(Exception):
    pass


def main() -> None:
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-acceptance-")  # the evidence files, thrown away
    call_command("migrate", "--noinput", verbosity=0)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from acceptance import evaluation, selectors, services
    from acceptance.models import Attachment
    from indicators import scoring
    from organisations.models import Membership, Organisation, Role
    from pilots.models import Pilot
    from tests.factories import PilotFactory, UserFactory

    results = {}
    try:
        with transaction.atomic():
            organisation = Organisation.objects.get(division_id="610922")
            staff = UserFactory(username="bench_acceptance_staff")
            Membership.objects.create(user=staff, organisation=organisation, role=Role.APPLICANT)
            pilot = PilotFactory(organisation=organisation, state=Pilot.State.IMPLEMENTING)
            request = services.request_prepare(pilot=pilot, by=staff)
            lines = {
                line.item.indicator.code: line for line in request.lines.select_related("item__indicator")
            }
            services.request_update(
                request=request,
                by=staff,
                lines={
                    lines[code].pk: {"actual": actual, "target": target}
                    for code, (actual, target) in FIGURES.items()
                },
                veto_declared=True,
                verifier="核查机构",
            )
            for line in lines.values():
                services.attachment_add(
                    request=request,
                    by=staff,
                    kind=Attachment.Kind.EVIDENCE,
                    uploaded=SimpleUploadedFile("e.pdf", PDF),
                    content_type="application/pdf",
                    extension=".pdf",
                    line=line,
                )
            services.attachment_add(
                request=request,
                by=staff,
                kind=Attachment.Kind.VERIFICATION,
                uploaded=SimpleUploadedFile("v.pdf", PDF),
                content_type="application/pdf",
                extension=".pdf",
            )
            request.refresh_from_db()
            selectors.evaluation_of(request)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                result = selectors.evaluation_of(request)
            assert not result.blockers, result.blockers
            samples = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                selectors.evaluation_of(request)
                samples.append(time.perf_counter() - started)
            results["evaluation_of"] = (*ms(samples), len(queries))
            spec = scoring.spec_of(request.system)
            rows = selectors.lines_of(request)
            counts = {line.pk: 1 for line in rows}
            samples = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                evaluation.evaluate(
                    spec,
                    rows,
                    evidence_counts=counts,
                    claims={},
                    claim_evidence={},
                    vetoes=[],
                    veto_declared=True,
                    has_verification=True,
                )
                samples.append(time.perf_counter() - started)
            results["evaluate (pure)"] = (*ms(samples), 0)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                services.request_submit(request=request, by=staff)
            elapsed = time.perf_counter() - started
            results["request_submit (once)"] = (
                round(elapsed * 1000, 2),
                round(elapsed * 1000, 2),
                len(queries),
            )
            results["items"] = len(lines)
            raise Rollback
    except Rollback:
        pass
    print(f"calibration {calibrate()} ms, load {loadavg()}")
    print(f"indicators: {results.pop('items')}, repeat {REPEAT}")
    print("| step | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|")
    for name, (p50, p95, n) in results.items():
        print(f"| {name} | {p50} | {p95} | {n} |")


if __name__ == "__main__":
    main()
