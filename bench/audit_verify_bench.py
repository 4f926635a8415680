"""The audit chain verification at 1,000,000 entries (issue 11: under 60 s).

    .venv/bin/python bench/audit_verify_bench.py                       # 1,000,000 entries, PostgreSQL
    .venv/bin/python bench/audit_verify_bench.py --entries 100000 --database-url postgres://…/portal_bench_audit

Steps (docs/security.md, "Audit trail"):
1. a fresh PostgreSQL database (dropped and created: never point it at a database you want to keep),
   migrated with `manage.py migrate`;
2. `--entries` audit entries chained exactly as `core.chain.seal` chains them (the same
   `core.chain.digest`, `seq` 1..n), written with COPY in one transaction (the rows vary: several objects, actions,
   reasons, JSON data with integers, floats and nested lists), and the chain head set;
3. `core.chain.verify(AuditEntry)` timed in-process (wall clock and CPU), three times, after the load
   average settles (bounded wait); the verdict must be OK with the full count;
4. one entry edited behind the triggers: the run must report it (and is timed too);
5. bench/results/audit-verify-<date>.json and .md, with run_bench's CPU calibration figure.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import RESULTS, calibrate, loadavg, log, wait_for_quiet  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_audit"


def recreate(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )
    return round(time.perf_counter() - started, 1)


def load(entries: int) -> float:
    """Chain and COPY `entries` rows; set the head. Returns seconds."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from core.chain import digest
    from core.models import AuditEntry, ChainHead

    fields = AuditEntry.CHAINED_FIELDS
    ct = ContentType.objects.get_for_model(ChainHead).pk
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    actions = [
        "applications.application.submit",
        "applications.application.edit",
        "reviews.reviewround.freeze",
    ]
    labels = ["提交申报书", "修改申报书：基本信息", "冻结评分标准"]
    columns = ", ".join(f'"{f}"' for f in (*fields, "seq", "prev_hash", "hash"))
    started = time.perf_counter()
    prev = ""
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY core_auditentry ({columns}) FROM STDIN") as copy:
            for i in range(entries):
                k = i % 3
                data = (
                    {"section": "basic", "n": i, "ratio": (i % 97) / 8, "items": [i % 5, "甲"]} if k else {}
                )
                values = [
                    ct,
                    str(i % 5000),
                    f"石泉县人民政府 · 2026年第{i % 4 + 1}批",
                    None,
                    actions[k],
                    labels[k],
                    "draft" if k == 0 else "",
                    "submitted" if k == 0 else "",
                    f"第{i}次修改：补充基础数据" if k == 1 else "",
                    data,
                    start + datetime.timedelta(seconds=i * 30, microseconds=i % 1000),
                ]
                prev_hash, prev = prev, digest(prev, values)
                row = values[:9] + [json.dumps(data, ensure_ascii=False), values[10], i + 1, prev_hash, prev]
                copy.write_row(row)
        ChainHead.objects.update_or_create(name="audit", defaults={"last_seq": entries, "last_hash": prev})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_auditentry")
    return round(time.perf_counter() - started, 1)


def timed_verify():
    from core.chain import verify
    from core.models import AuditEntry

    started, cpu = time.perf_counter(), time.process_time()
    verdict = verify(AuditEntry)
    return verdict, round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2)


def tamper() -> int:
    from django.db import connection, transaction

    from core.models import AuditEntry

    target = AuditEntry.objects.order_by("pk").values_list("pk", flat=True)[AuditEntry.objects.count() // 2]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update")
        cursor.execute("UPDATE core_auditentry SET reason = reason || '（改）' WHERE id = %s", [target])
        cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_update")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_AUDIT_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--quiet-wait", type=float, default=180.0)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": "",
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")})
    log(f"recreating {args.database_url} and migrating…")
    recreate(args.database_url)
    result = {"entries": args.entries, "migrate_s": migrate(env)}

    import django

    django.setup()
    from django.db import connection

    log(f"loading {args.entries} chained entries…")
    result["load_s"] = load(args.entries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        result["postgresql"] = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('core_auditentry'))")
        result["table_size"] = cursor.fetchone()[0]

    runs = []
    for _ in range(args.runs):
        quiet = wait_for_quiet(args)
        calibration = calibrate()
        verdict, wall, cpu = timed_verify()
        assert verdict.ok and verdict.count == args.entries, str(verdict)
        runs.append({"wall_s": wall, "cpu_s": cpu, "calibration_ms": calibration, "load_before": quiet})
        log(
            f"  verify: {wall} s wall, {cpu} s CPU (calibration {calibration} ms, load {quiet:.2f}): {verdict}"
        )
    result["runs"] = runs
    target = tamper()
    verdict, wall, cpu = timed_verify()
    assert not verdict.ok and verdict.broken_id == target, str(verdict)
    result["tampered"] = {
        "entry": target,
        "found_at": verdict.broken_id,
        "wall_s": wall,
        "verdict": str(verdict),
    }
    log(f"  tampered entry {target}: {verdict} in {wall} s")
    result["at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["cores"] = os.cpu_count()
    result["python"] = sys.version.split()[0]
    result["load_after"] = loadavg()

    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"audit-verify-{datetime.date.today().isoformat()}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    best = min(runs, key=lambda r: r["wall_s"])
    lines = [
        f"# Audit chain verification, {args.entries:,} entries",
        "",
        f"Run {result['at']} on {result['cores']} cores, {result['postgresql']}, Python {result['python']}; "
        f"table {result['table_size']}; loaded in {result['load_s']} s.",
        "",
        "| run | wall s | CPU s | calibration ms | load before |",
        "|---:|---:|---:|---:|---:|",
        *[
            f"| {i} | {r['wall_s']} | {r['cpu_s']} | {r['calibration_ms']} | {r['load_before']:.2f} |"
            for i, r in enumerate(runs, 1)
        ],
        "",
        f"Best: {best['wall_s']} s (target: under 60 s). A row edited in the middle (entry {target}) was "
        f"reported at entry {verdict.broken_id} after {wall} s.",
    ]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    log(f"written {stem}.json and .md")


if __name__ == "__main__":
    main()
