"""Login and submission, timed as a newcomer meets them in `make run`.

    .venv/bin/python bench/first_hour_bench.py                # about 3-6 minutes (seed_demo, then the timings)
    .venv/bin/python bench/first_hour_bench.py --logins 20 --submits 8

Steps (docs/benchmarks.md, "Login and submission"):
1. a temporary SQLite database loaded by `manage.py migrate` and `seed_demo`, exactly as `make run`
   builds it (config.settings.local, the real password hashers);
2. `manage.py runserver --noreload` on a free loopback port, as `make run` starts it;
3. login: GET the form, POST /accounts/login/ (timed) for the demo accounts (Argon2 hashes), and for
   accounts whose hash was set back to PBKDF2-SHA256 (the hash before this change; that login
   verifies PBKDF2 and upgrades the hash to Argon2);
4. submission: 蓝田县's draft of the 2027 batch gets its commitment letter, then POST
   /applications/<pk>/actions/submit/ (timed), the time until its Annex 1 PDF is stored, and the city
   returns it for the next round; once with PORTAL_TASKS_IN_THREAD=1 (the default) and once with 0
   (tasks inside the request: the behaviour before);
5. bench/results/first-hour-<date>.json and .md, with run_bench's CPU calibration figure.

Only loopback addresses are used; every loop is bounded in count and time.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_bench import (  # noqa: E402
    HOST,
    RESULTS,
    Browser,
    calibrate,
    free_port,
    loadavg,
    log,
    stop_gunicorn,
    summarize_ms,
    wait_for_quiet,
    wait_until_serving,
)

LOGIN_USERS = ["province", "city_xian", "shiquan", "finance", "expert_wang", "drc", "agency"]
PASSWORD = "Shaanxi-2026"
APPLICANT, CITY = "lantian", "city_xian"


def bench_env(tmp: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PORTAL_2FA_REQUIRED": "0",  # as `make run` starts the embedded demo (Makefile)
    }


def manage(env: dict, *command: str, timeout: float = 900) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 1)


def start_runserver(env: dict, port: int, in_thread: bool, tmp: Path) -> subprocess.Popen:
    server_log = (tmp / f"runserver-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"{HOST}:{port}"],
        cwd=ROOT,
        env={**os.environ, **env, "PORTAL_TASKS_IN_THREAD": "1" if in_thread else "0"},
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped by its id
    )
    return wait_until_serving(process, port, tmp / f"runserver-{port}.log", "runserver")


def timed_login(port: int, username: str) -> float:
    """GET the form (untimed), then the timed POST; the login must succeed."""
    browser = Browser(port)
    status, _h, page, _t = browser.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    status, headers, _b, elapsed = browser.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(f"login as {username}: HTTP {status}")
    return elapsed


def measure_logins(port: int, count: int) -> dict:
    from django.contrib.auth.hashers import make_password

    from core.models import User

    argon2, pbkdf2, upgraded = [], [], 0
    deadline = time.monotonic() + 300
    for i in range(count):
        if time.monotonic() > deadline:
            break
        username = LOGIN_USERS[i % len(LOGIN_USERS)]
        argon2.append(timed_login(port, username))
        # The same account with the hash it had before this change: verified, then upgraded.
        User.objects.filter(username=username).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        pbkdf2.append(timed_login(port, username))
        upgraded += User.objects.get(username=username).password.startswith("argon2$")
    return {
        "hash_verify_ms": hash_verify_ms(),
        "argon2": summarize_ms(argon2),
        "pbkdf2_then_upgraded": summarize_ms(pbkdf2),
        "upgraded_to_argon2": f"{upgraded}/{len(pbkdf2)}",
        "hash": User.objects.get(username=LOGIN_USERS[0]).password.split("$", 4)[:4],
    }


def hash_verify_ms(rounds: int = 5) -> dict:
    """What one login's password check costs by itself, in this process: best of `rounds`,
    interleaved (PBKDF2-SHA256 with Django 5.2's 1,000,000 iterations was the hasher before)."""
    from django.contrib.auth.hashers import get_hasher, make_password

    names = ("argon2", "pbkdf2_sha256")
    encoded = {name: make_password(PASSWORD, hasher=name) for name in names}
    best = dict.fromkeys(names, float("inf"))
    for _ in range(rounds):
        for name in names:
            started = time.perf_counter()
            get_hasher(name).verify(PASSWORD, encoded[name])
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: round(value * 1000, 1) for name, value in best.items()}


def prepare_submission() -> int:
    """蓝田县's draft in the 2027 batch needs only its signed commitment letter (seed_demo leaves it out)."""
    from django.core.files.base import ContentFile

    from applications import services
    from applications.models import Application, Attachment
    from core.models import User
    from demo.management.commands.seed_demo import COMMITMENT_PDF

    applicant = User.objects.get(username=APPLICANT)
    application = Application.objects.get(
        organisation__name="蓝田县人民政府", state=Application.State.DRAFT, batch__name__startswith="2027"
    )
    services.attachment_add(
        application=application,
        by=applicant,
        kind=Attachment.Kind.COMMITMENT_LETTER,
        title="承诺书",
        uploaded=ContentFile(COMMITMENT_PDF, name="承诺书.pdf"),
        content_type="application/pdf",
        extension=".pdf",
    )
    assert application.missing_for_submission() == [], application.missing_for_submission()
    return application.pk


def measure_submits(port: int, pk: int, count: int) -> dict:
    from applications import services
    from applications.models import Application, ApplicationSnapshot
    from core.models import User

    city = User.objects.get(username=CITY)
    browser = Browser(port)
    browser.login(APPLICANT, PASSWORD)
    requests, until_pdf = [], []
    for _ in range(count):
        status, _h, page, _t = browser.request("GET", f"/applications/{pk}/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        before = ApplicationSnapshot.objects.filter(application_id=pk).count()
        started = time.perf_counter()
        status, headers, _b, elapsed = browser.request(
            "POST",
            f"/applications/{pk}/actions/submit/",
            body=urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        application = Application.objects.get(pk=pk)
        if status != 302 or application.state != Application.State.SUBMITTED:
            raise RuntimeError(f"submit: HTTP {status}, state {application.state}")
        snapshot = ApplicationSnapshot.objects.filter(application_id=pk).order_by("-number").first()
        if snapshot.number != before + 1:
            raise RuntimeError("no new version was frozen")
        requests.append(elapsed)
        deadline = time.monotonic() + 120
        while not ApplicationSnapshot.objects.get(pk=snapshot.pk).pdf and time.monotonic() < deadline:
            time.sleep(0.05)
        until_pdf.append(time.perf_counter() - started)
        services.application_return(application=application, by=city, reason="基准测试：请修改后重新提交。")
    return {
        "request": summarize_ms(requests),
        "until_pdf_stored": summarize_ms(until_pdf),
        "snapshots": ApplicationSnapshot.objects.filter(application_id=pk).count(),
    }


def summary_markdown(results: dict) -> str:
    login, sub = results["login"], results["submit"]
    lines = [
        f"# Login and submission {results['started_at']}",
        "",
        f"`make run`'s set-up: config.settings.local, SQLite, `manage.py runserver`, seed_demo "
        f"({results['timings']['seed_demo_s']} s). CPU calibration (run_bench.calibrate, lower is faster): "
        f"{results['calibration_ms']} ms. Load average {results['loadavg'][0]:.1f}→{results['loadavg'][1]:.1f}.",
        "",
        "| what | n | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        _row("login POST, Argon2id hash", login["argon2"]),
        _row("login POST, PBKDF2 hash (then upgraded)", login["pbkdf2_then_upgraded"]),
    ]
    for mode, label in (("thread", "PORTAL_TASKS_IN_THREAD=1"), ("inline", "tasks in the request (before)")):
        if mode in sub:
            lines.append(_row(f"submit POST, {label}", sub[mode]["request"]))
            lines.append(_row(f"submit → Annex 1 PDF stored, {label}", sub[mode]["until_pdf_stored"]))
    verify = login["hash_verify_ms"]
    lines += [
        "",
        f"Password check alone (in process, best of 5, interleaved): Argon2id {verify['argon2']} ms, "
        f"PBKDF2-SHA256 with 1,000,000 iterations (the hasher before) {verify['pbkdf2_sha256']} ms. "
        f"PBKDF2 logins upgraded to Argon2: {login['upgraded_to_argon2']}; hash: `{'$'.join(login['hash'])}`.",
    ]
    return "\n".join(lines) + "\n"


def _row(label: str, s: dict) -> str:
    return f"| {label} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=14, help="logins of each kind (≤ 100)")
    parser.add_argument("--submits", type=int, default=6, help="submissions in each mode (≤ 30)")
    parser.add_argument("--no-inline", action="store_true", help="skip the tasks-in-the-request comparison")
    parser.add_argument("--quiet-load", type=float, default=1.0, help="load average that counts as quiet")
    parser.add_argument(
        "--quiet-wait", type=float, default=120, help="wait up to this long for it (0: never)"
    )
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    if args.logins > 100 or args.submits > 30:
        parser.error("keep --logins ≤ 100 and --submits ≤ 30")

    tmp = Path(tempfile.mkdtemp(prefix="portal-first-hour-"))
    env = bench_env(tmp)
    started_at = datetime.datetime.now().astimezone()
    results = {"started_at": started_at.isoformat(timespec="seconds"), "timings": {}, "submit": {}}
    server = None
    try:
        log("migrate and seed_demo (as make run)…")
        results["timings"]["migrate_s"] = manage(env, "migrate", "--noinput", "-v0")
        results["timings"]["seed_demo_s"] = manage(env, "seed_demo")
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        results["password_hashers"] = settings.PASSWORD_HASHERS[:2]
        pk = prepare_submission()
        results["loadavg"] = [wait_for_quiet(args)]
        results["calibration_ms"] = calibrate()
        for mode in ("thread", "inline")[: 1 if args.no_inline else 2]:
            port = free_port()
            log(f"runserver on {HOST}:{port}, PORTAL_TASKS_IN_THREAD={int(mode == 'thread')}…")
            server = start_runserver(env, port, mode == "thread", tmp)
            if mode == "thread":
                results["login"] = measure_logins(port, args.logins)
                log(
                    f"  login: Argon2 p50 {results['login']['argon2']['p50_ms']} ms, PBKDF2 p50 "
                    f"{results['login']['pbkdf2_then_upgraded']['p50_ms']} ms"
                )
            results["submit"][mode] = measure_submits(port, pk, args.submits)
            log(
                f"  submit: request p50 {results['submit'][mode]['request']['p50_ms']} ms, PDF stored after "
                f"p50 {results['submit'][mode]['until_pdf_stored']['p50_ms']} ms"
            )
            stop_gunicorn(server)
            server = None
        results["loadavg"].append(loadavg())
        results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        RESULTS.mkdir(parents=True, exist_ok=True)
        output = Path(args.output) if args.output else RESULTS / f"first-hour-{started_at:%Y-%m-%d}.json"
        output.write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
        )
        summary = summary_markdown(results)
        output.with_suffix(".md").write_text(summary, encoding="utf-8")
        log("\n" + summary)
        return 0
    finally:
        stop_gunicorn(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
