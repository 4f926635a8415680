"""The expert import, bounded and run as a task (issue 11), timed the way `make run` serves it.

    .venv/bin/python bench/expert_import_bench.py               # about 2 minutes (migrate, files, import)
    .venv/bin/python bench/expert_import_bench.py --rows 1000

Before: a 1 MB xlsx of 200,000 rows posted to the import ran for over 10 minutes (killed); a valid
1,000-row import had not finished after 12 minutes (a password hash per new account) and held SQLite so
that another user's login failed. What it times, in this process through Django's test client and the
whole middleware stack, on a temporary SQLite database built by `migrate` under config.settings.local
(tasks in the background thread, PORTAL_TASKS_IN_THREAD=1, as `make run`):
1. POST of an xlsx of 150,000 rows of 1.65 MB (under the size limit; refused on the row limit: the stream
   read stops past it);
2. POST of a valid file of --rows rows (checked, then queued: the request's time), then the time until
   the job is done, while another user logs in again and again (Argon2 check, session and lockout rows
   written): the slowest of those logins and whether any failed say whether the import holds the database.
Prints the figures and writes bench/results/expert-import-<date>.json.
"""

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import calibrate, loadavg  # noqa: E402

PASSWORD = "Qinling-2026-bench"
HUGE_ROWS = 150_000  # every row alike: 1.65 MB, under the 2 MB limit, so the row limit refuses it
HEADERS = [
    "姓名",
    "工作单位",
    "所在市（区）",
    "所在县（市、区）",
    "职称/职务",
    "专业领域",
    "手机",
    "电子邮箱",
]


def xlsx(rows: int, *, start: int = 0, same: bool = False) -> bytes:
    """`rows` experts; with `same`, every row alike (shared strings: 200,000 rows in about a megabyte,
    the shape of the file that ran for ten minutes)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "工作单位", "手机"] if same else HEADERS)
    for i in range(start, start + rows):
        if same:
            sheet.append(["专家", "西北大学", "13800000000"])
            continue
        sheet.append(
            [f"专家{i}", "西北大学", "西安市", "", "教授", "能源统计", str(13800000000 + i), f"e{i}@x.cn"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    rows = max(1, min(args.rows, 1000))

    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'portal.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ["PORTAL_2FA_REQUIRED"] = "0"
    os.environ["PORTAL_TASKS_IN_THREAD"] = "1"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)

    from core.models import User
    from organisations.models import Membership, Organisation, Role
    from reviews.models import Expert, ExpertImportJob

    officer = User.objects.create_user("bench_province", password=PASSWORD)
    department = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE_ECOLOGY).first() or (
        Organisation.objects.create(name="陕西省生态环境厅", kind=Organisation.Kind.PROVINCE_ECOLOGY)
    )
    Membership.objects.create(user=officer, organisation=department, role=Role.PROVINCE_OFFICER)
    User.objects.create_user("bench_applicant", password=PASSWORD)
    client = Client()
    client.force_login(officer)

    def post(content: bytes) -> tuple[float, object]:
        upload = SimpleUploadedFile("专家名单.xlsx", content)
        started = time.perf_counter()
        response = client.post(reverse("reviews:expert_import"), {"file": upload})
        return time.perf_counter() - started, response

    client.get(reverse("reviews:expert_import"))  # warm-up: URLconf, templates (not timed)
    calibration_before, load_before = calibrate(), loadavg()
    huge = xlsx(HUGE_ROWS, same=True)
    huge_seconds, response = post(huge)
    huge_refused = response.status_code == 422 and "行的上限" in response.content.decode()

    valid = xlsx(rows)
    logins: list[float] = []
    failures = 0
    stop = threading.Event()

    def login_loop() -> None:
        nonlocal failures
        from django.db import connections

        other = Client()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = other.post(
                    "/accounts/login/", {"username": "bench_applicant", "password": PASSWORD}
                )
                ok = response.status_code == 302
            except Exception:
                ok = False
            logins.append(time.perf_counter() - started)
            failures += 0 if ok else 1
            other.logout()
        connections.close_all()

    watcher = threading.Thread(target=login_loop)
    watcher.start()
    request_seconds, response = post(valid)
    started = time.perf_counter()
    job = ExpertImportJob.objects.order_by("-pk").first()
    while job is not None and job.state != ExpertImportJob.State.DONE and time.perf_counter() - started < 600:
        time.sleep(0.2)
        job.refresh_from_db()
    done_seconds = time.perf_counter() - started
    stop.set()
    watcher.join()

    results = {
        "date": datetime.date.today().isoformat(),
        "calibration_ms": [calibration_before, calibrate()],
        "loadavg": [load_before, loadavg()],
        "huge_file": {
            "rows": HUGE_ROWS,
            "bytes": len(huge),
            "seconds": round(huge_seconds, 2),
            "refused": huge_refused,
        },
        "valid_file": {
            "rows": rows,
            "bytes": len(valid),
            "request_seconds": round(request_seconds, 2),
            "redirected_to_progress": response.status_code == 302,
            "task_seconds_after_request": round(done_seconds, 2),
            "job": None if job is None else {"state": job.state, "done": job.done, "created": job.created},
            "experts": Expert.objects.count(),
            "usable_passwords": sum(
                1 for e in Expert.objects.select_related("user") if e.user.has_usable_password()
            ),
        },
        "concurrent_logins": {
            "n": len(logins),
            "failed": failures,
            "median_ms": round(statistics.median(logins) * 1000, 1) if logins else None,
            "max_ms": round(max(logins) * 1000, 1) if logins else None,
        },
    }
    print(json.dumps(results, ensure_ascii=False, indent=2))
    out = ROOT / "bench" / "results" / f"expert-import-{results['date']}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
