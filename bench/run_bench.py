"""Performance benchmark: page latency under gunicorn, SQL queries per page, Annex 1 PDF render time.

    .venv/bin/python bench/run_bench.py            # the whole run: 5 minutes, up to 15 on a busy machine
    .venv/bin/python bench/run_bench.py --keep     # keep the portal_bench database afterwards

Steps (docs/benchmarks.md explains the method and the results):
0. `manage.py check` must pass (the tree is edited concurrently; retried for up to 5 minutes);
1. create the PostgreSQL database `portal_bench` (dropped first if a previous run left it), migrate it,
   collectstatic into a temporary directory, load the data set (bench/bench_data.py);
2. start gunicorn (config.settings.production, 3 sync workers) on a free loopback port, wait (bounded)
   for a quiet machine, log in through the login form and time sequential requests to each page,
   with the CPU the workers and the PostgreSQL backends used;
3. count the SQL queries of each page with Django's test client, and EXPLAIN ANALYZE the slowest;
4. time the Annex 1 PDF (core.pdf.render_pdf on a serialized snapshot, and the render_snapshot_pdf task);
5. write bench/results/<date>.json and <date>.md; stop gunicorn, drop the database unless --keep.

Only loopback addresses are used; every request loop is bounded in count and in time.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
LIST_TARGET_MS = 150
PDF_TARGET_S = 1.0
LIST_PAGES = (
    "city_list",
    "city_screening",
    "province_list",
    "province_list_filtered",
    "province_list_search",
)


def log(message: str) -> None:
    print(message, flush=True)


# Environment ------------------------------------------------------------------------------------
def bench_env(args, tmp: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + hashlib.sha256(os.urandom(32)).hexdigest(),
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{args.db_name}",
        "REDIS_URL": args.redis_url,
        # TLS ends at the balancer in production; the bench sends X-Forwarded-Proto: https instead.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The pages are timed, not the login: the second factor of the officers is switched off here
        # (bench/login_bench.py times the login with it, docs/security.md).
        "PORTAL_2FA_REQUIRED": "0",
    }


def admin_connection():
    import psycopg

    return psycopg.connect(f"host={HOST} port=5432 user=postgres dbname=postgres", autocommit=True)


def create_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*command: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=600,
    )
    return time.perf_counter() - started


def preflight(env: dict, attempts: int = 10) -> None:
    """`manage.py check` (imports every model, URLconf and view) must pass before anything is timed:
    the code is edited concurrently, and a half-saved module would turn the run into 500s."""
    for attempt in range(1, attempts + 1):
        check = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "check"],
            cwd=ROOT,
            env={**os.environ, **env, "DATABASE_URL": "sqlite:///:memory:"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check.returncode == 0:
            return
        log(f"  manage.py check failed (attempt {attempt}): {check.stderr.strip().splitlines()[-1:]}")
        time.sleep(30)
    raise RuntimeError("manage.py check keeps failing: not benchmarking a broken tree")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    with admin_connection() as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
        pg_settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost")
        }
    versions = {}
    for module in ("django", "gunicorn", "weasyprint", "psycopg"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "?"
    git = {}
    try:
        git["commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout
        git["uncommitted_files"] = len(status.splitlines())
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "versions": versions,
        "git": git,
    }


# HTTP -------------------------------------------------------------------------------------------
class Browser:
    """A minimal client for one user: its own cookies, a new connection per request (gunicorn's sync
    workers close the connection after each response), the headers the load balancer would add."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        all_headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "portal-bench",
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data, elapsed

    def login(self, username: str, password: str) -> None:
        status, _headers, page, _ = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        body = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        ).encode()
        status, headers, _, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}:{self.port}/accounts/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: HTTP {status} {headers.get('Location')}")


def start_gunicorn(args, env: dict, tmp: Path, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--access-logfile",
            str(tmp / "gunicorn-access.log"),
            "--error-logfile",
            str(tmp / "gunicorn-error.log"),
            "--capture-output",  # Django's error log (tracebacks of 500s) goes to the same file
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,  # its own process group: stopped by its id at the end
    )
    return wait_until_serving(process, port, tmp / "gunicorn-error.log", "gunicorn")


def wait_until_serving(process: subprocess.Popen, port: int, error_log: Path, name: str) -> subprocess.Popen:
    """Wait (60 s at most) until the server started as `process` answers the login page."""
    deadline = time.monotonic() + 60
    probe = Browser(port)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: " + error_log.read_text()[-2000:])
        try:
            status, *_ = probe.request("GET", "/accounts/login/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise RuntimeError(f"{name} did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen | None) -> None:
    """Stop a server started in its own process group (gunicorn, or runserver for first_hour_bench)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the group of the gunicorn master started above
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarize_ms(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
        "min_ms": round(min(ms), 1),
        "mean_ms": round(sum(ms) / len(ms), 1),
    }


def last_error(error_log: Path) -> str:
    """The last exception line of the gunicorn/Django error log (why a page answered 500)."""
    lines = [line for line in error_log.read_text(errors="replace").splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|DoesNotExist)\b", line):
            return line[:300]
    return lines[-1][:300] if lines else ""


# CPU accounting: the wall-clock latency on a shared 2-core machine includes waiting for the CPU
# whenever something else runs; the CPU time the page costs does not, so both are recorded.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class CpuMeter:
    """CPU used by the gunicorn workers and by the PostgreSQL backends connected to the bench DB.

    Sampled every few requests (between requests, outside the timed calls): a backend that exits
    (CONN_MAX_AGE recycles each worker's connection every 60 s) loses only the CPU since the last sample.
    """

    def __init__(self, gunicorn_pid: int, db_name: str) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.db_name = db_name

    def backends(self) -> list[int]:
        with admin_connection() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.db_name],
            ).fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> dict:
        return {
            "app": {pid: cpu_seconds(pid) for pid in children(self.gunicorn_pid)},
            "db": {pid: cpu_seconds(pid) for pid in self.backends()},
        }

    def start(self) -> None:
        self.last = self.snapshot()
        self.used = {"app": 0.0, "db": 0.0}
        self.lost_backend = False

    def tick(self) -> None:
        now = self.snapshot()
        for kind in ("app", "db"):
            self.used[kind] += sum(
                max(0.0, cpu - self.last[kind].get(pid, 0.0)) for pid, cpu in now[kind].items()
            )
        if set(self.last["db"]) - set(now["db"]):
            self.lost_backend = True
        self.last = now


def calibrate() -> float:
    """Milliseconds for a fixed pure-Python workload (best of 5): compares the CPU speed of two runs.
    The same code on this shared VM has varied by 40-55 % between runs 20 minutes apart."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(args) -> float:
    """Wait (bounded) until the 1-minute load average drops below args.quiet_load; return it."""
    deadline = time.monotonic() + args.quiet_wait
    load = loadavg()
    if load >= args.quiet_load and args.quiet_wait > 0:
        log(f"  load average {load:.2f}: waiting up to {args.quiet_wait:.0f} s for < {args.quiet_load}…")
    while load >= args.quiet_load and time.monotonic() < deadline:
        time.sleep(5)
        load = loadavg()
    return load


def measure_page(
    browser: Browser, path: str, marker: bytes, args, error_log: Path, meter: CpuMeter | None = None
) -> dict:
    """Warm-up, then up to args.requests sequential requests or args.page_seconds, whichever first."""
    for _ in range(args.warmup):
        status, _h, body, _t = browser.request("GET", path)
        if status != 200 or marker not in body:
            found = "found" if marker in body else "missing"
            return {"error": f"HTTP {status}, marker {marker.decode()} {found}", "log": last_error(error_log)}
    samples, size = [], len(body)
    load_before = loadavg()
    if meter:
        meter.start()
    deadline = time.monotonic() + args.page_seconds
    while len(samples) < args.requests and time.monotonic() < deadline:
        status, _h, body, elapsed = browser.request("GET", path)
        if status != 200:
            return {"error": f"HTTP {status} after {len(samples)} requests", "log": last_error(error_log)}
        samples.append(elapsed)
        if meter and len(samples) % 10 == 0:
            meter.tick()
    result = summarize_ms(samples)
    if meter:
        meter.tick()
        result["app_cpu_ms_per_request"] = round(meter.used["app"] / len(samples) * 1000, 1)
        result["db_cpu_ms_per_request"] = round(meter.used["db"] / len(samples) * 1000, 1)
        if meter.lost_backend:
            # A worker's connection was closed during the series: what its backend used since the
            # last sample is not counted, so the DB figure is a (close) lower bound.
            result["db_cpu_lower_bound"] = True
    result["loadavg"] = [load_before, loadavg()]
    result["bytes"] = size
    if len(samples) < args.requests:
        result["stopped_by_time_limit"] = True
    return result


# Pages ------------------------------------------------------------------------------------------
def pages(data: dict) -> list[dict]:
    """What is measured: (name, user, path, marker that proves the real page was served)."""
    sample, draft = data["sample_application"], data["draft_application"]
    review, open_batch = data["review_batch"], data["open_batch"]
    filtered = urlencode({"batch": review, "state": "in_expert_review", "review_unit": data["city_unit"]})
    return [
        {"name": "city_list", "user": "city", "path": "/applications/", "marker": b"application-list"},
        {
            "name": "city_screening",
            "user": "city",
            "path": f"/applications/city/{open_batch}/?unit={data['city_unit']}",
            "marker": b"to-screen",
        },
        {
            "name": "province_list",
            "user": "province",
            "path": "/applications/",
            "marker": b"application-list",
        },
        {
            "name": "province_list_filtered",
            "user": "province",
            "path": f"/applications/?{filtered}",
            "marker": b"application-list",
        },
        {
            "name": "province_list_search",
            "user": "province",
            "path": "/applications/?" + urlencode({"q": "园区"}),
            "marker": b"application-list",
        },
        {
            "name": "detail_province",
            "user": "province",
            "path": f"/applications/{sample}/",
            "marker": b"form-sections",
        },
        {
            "name": "detail_city",
            "user": "city",
            "path": f"/applications/{sample}/",
            "marker": b"form-sections",
        },
        {
            "name": "detail_applicant_draft",
            "user": "applicant",
            "path": f"/applications/{draft}/",
            "marker": b"form-sections",
        },
        {
            "name": "carbon_section",
            "user": "province",
            "path": f"/applications/{sample}/edit/carbon/",
            "marker": b"inventory-",
        },
    ]


def query_variants(data: dict) -> list[dict]:
    """Extra calls for the query counts only: the same page on other data sizes / page numbers."""
    closed = data["batches"][0]["id"]
    return [
        {"name": "city_list_page_2", "user": "city", "path": "/applications/?page=2"},
        {"name": "city_screening_closed_batch", "user": "city", "path": f"/applications/city/{closed}/"},
        {"name": "province_list_page_10", "user": "province", "path": "/applications/?page=10"},
        {"name": "province_list_last_page", "user": "province", "path": "/applications/?page=9999"},
        {"name": "applicant_list", "user": "applicant", "path": "/applications/"},
    ]


def count_queries(data: dict, page_list: list[dict], explain: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = {role: get_user_model().objects.get(username=name) for role, name in data["users"].items()}
    results = {}
    for page in page_list:
        client = Client(SERVER_NAME=HOST, HTTP_X_FORWARDED_PROTO="https")
        client.force_login(users[page["user"]])
        try:
            client.get(page["path"])  # warm: imports, template loading
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["path"])
        except Exception as error:  # the code under test is being edited concurrently: record, go on
            results[page["name"]] = {"error": f"{type(error).__name__}: {error}"[:300]}
            continue
        queries = [
            {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in captured.captured_queries
        ]
        entry = {
            "status": response.status_code,
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "statements": [{"ms": q["ms"], "sql": q["sql"][:400]} for q in queries],
        }
        if explain and queries:
            slowest = max(queries, key=lambda q: q["ms"])
            if slowest["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                    entry["slowest"] = {
                        "ms": slowest["ms"],
                        "sql": slowest["sql"],
                        "plan": [row[0] for row in cursor.fetchall()],
                    }
        results[page["name"]] = entry
    return results


# PDF --------------------------------------------------------------------------------------------
def wait_for_template(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        log(f"  {path.relative_to(ROOT)} does not exist yet; waiting…")
        time.sleep(min(30, max(1, deadline - time.monotonic())))
    return path.exists()


def pdf_pages(pdf: bytes) -> int | None:
    """Page count from poppler's pdfinfo (WeasyPrint compresses its object streams)."""
    try:
        out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return int(match.group(1)) if match else None


def measure_pdf(data: dict, args) -> dict:
    from django.utils import timezone

    from applications.models import ApplicationSnapshot
    from applications.pdf import annex1_context
    from applications.snapshot import load_for_snapshot, serialize
    from applications.tasks import render_snapshot_pdf
    from core.pdf import render_pdf

    template = ROOT / "templates" / "pdf" / "annex1.html"
    if not wait_for_template(template, args.template_wait):
        return {"error": "templates/pdf/annex1.html does not exist: PDF render not measured"}
    source = template.read_bytes()
    result = {
        "template": {
            "path": "templates/pdf/annex1.html",
            "bytes": len(source),
            "sha256": hashlib.sha256(source).hexdigest()[:16],
            "modified": datetime.datetime.fromtimestamp(template.stat().st_mtime, datetime.UTC).isoformat(
                timespec="seconds"
            ),
        },
        "application": data["sample_application"],
    }
    started = time.perf_counter()
    snapshot_data = serialize(load_for_snapshot(data["sample_application"]))
    result["serialize_s"] = round(time.perf_counter() - started, 3)
    context = annex1_context(snapshot_data, draft=False, version=1, submitted_at=timezone.now())

    started = time.perf_counter()
    pdf = render_pdf("pdf/annex1.html", context)
    result["cold_render_s"] = round(time.perf_counter() - started, 3)
    result["pdf_bytes"] = len(pdf)
    result["pdf_pages"] = pdf_pages(pdf)

    result["loadavg_before"] = wait_for_quiet(args)
    result["calibration_ms"] = calibrate()
    renders, cpu, deadline = [], [], time.monotonic() + args.pdf_seconds
    while len(renders) < args.pdf_renders and time.monotonic() < deadline:
        started, cpu_started = time.perf_counter(), time.process_time()
        render_pdf("pdf/annex1.html", context)
        renders.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    result["render"] = summarize_s(renders)
    result["render_cpu"] = summarize_s(cpu)

    # The Celery task's own work (load the snapshot row, render, store the file), called in-process.
    snapshots = ApplicationSnapshot.objects.bulk_create(
        [
            ApplicationSnapshot(
                application_id=data["sample_application"], number=n, data=snapshot_data, token=f"bench{n}"
            )
            for n in range(1, args.pdf_renders + 1)
        ]
    )
    task_times, task_cpu, deadline = [], [], time.monotonic() + args.pdf_seconds
    for snapshot in snapshots:
        if time.monotonic() > deadline:
            break
        started, cpu_started = time.perf_counter(), time.process_time()
        if not render_snapshot_pdf(snapshot.pk):
            return {**result, "error": "render_snapshot_pdf returned False"}
        task_times.append(time.perf_counter() - started)
        task_cpu.append(time.process_time() - cpu_started)
    result["task"] = summarize_s(task_times)
    result["task_cpu"] = summarize_s(task_cpu)
    result["loadavg_after"] = loadavg()
    source_after = template.read_bytes()
    if source_after != source:
        result["template_changed_during_run"] = hashlib.sha256(source_after).hexdigest()[:16]
    return result


def summarize_s(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_s": round(percentile(samples, 50), 3),
        "p95_s": round(percentile(samples, 95), 3),
        "max_s": round(max(samples), 3),
        "min_s": round(min(samples), 3),
    }


# Report -----------------------------------------------------------------------------------------
def verdicts(results: dict) -> list[dict]:
    out = []
    for name in LIST_PAGES:
        page = results["pages"].get(name, {})
        if "p95_ms" in page:
            out.append(
                {
                    "check": f"{name} p95 < {LIST_TARGET_MS} ms",
                    "value": page["p95_ms"],
                    "met": page["p95_ms"] < LIST_TARGET_MS,
                }
            )
    pdf = results.get("pdf", {})
    for key in ("render", "task"):
        if key in pdf:
            out.append(
                {
                    "check": f"PDF {key} p95 < {PDF_TARGET_S} s",
                    "value": pdf[key]["p95_s"],
                    "met": pdf[key]["p95_s"] < PDF_TARGET_S,
                }
            )
    return out


def summary_markdown(results: dict) -> str:
    m, d = results["machine"], results["data"]
    lines = [
        f"# Benchmark {results['started_at']}",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; gunicorn {results['config']['workers']} sync workers, "
        f"{results['config']['settings']}. CPU calibration (fixed Python loop, lower is faster): "
        f"{results.get('calibration_ms', {}).get('before_pages')} ms before the pages, "
        f"{results.get('pdf', {}).get('calibration_ms')} ms before the PDF.",
        f"Data: {d['organisations']} organisations, {d['applications']} applications in {len(d['batches'])} batches "
        f"(loaded in {results['timings']['load_s']} s); 西安 sees {d['city_unit_visible']}, "
        f"the province {d['province_visible']}.",
        "",
        "| page | p50 ms | p95 ms | max ms | app CPU ms/req | DB CPU ms/req | queries | SQL ms (1 call) | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, page in results["pages"].items():
        q = results["queries"].get(name, {})
        if "error" in page:
            lines.append(
                f"| {name} | error: {page['error']} {page.get('log', '')} | | | | | {q.get('queries', '')} | | |"
            )
            continue
        lines.append(
            f"| {name} | {page['p50_ms']} | {page['p95_ms']} | {page['max_ms']} | "
            f"{page.get('app_cpu_ms_per_request', '')} | {page.get('db_cpu_ms_per_request', '')}"
            f"{' (≥)' if page.get('db_cpu_lower_bound') else ''} | "
            f"{q.get('queries', '')} | {q.get('sql_ms', '')} | {page['loadavg'][0]:.1f}→{page['loadavg'][1]:.1f} |"
        )
    lines += ["", "Query counts of the same views on other data:", ""]
    for name, q in results["queries"].items():
        if name not in results["pages"]:
            shown = q.get("error") or f"{q['queries']} queries ({q['sql_ms']} ms SQL)"
            lines.append(f"- {name}: {shown}")
    pdf = results.get("pdf", {})
    lines.append("")
    if "render" in pdf:
        lines.append(
            f"Annex 1 PDF ({pdf['pdf_pages']} pages, {pdf['pdf_bytes']} bytes): render p50 {pdf['render']['p50_s']} s, "
            f"p95 {pdf['render']['p95_s']} s (cold {pdf['cold_render_s']} s; CPU p50 {pdf['render_cpu']['p50_s']} s, "
            f"p95 {pdf['render_cpu']['p95_s']} s); render_snapshot_pdf task p50 "
            f"{pdf.get('task', {}).get('p50_s')} s, p95 {pdf.get('task', {}).get('p95_s')} s; "
            f"serialize {pdf['serialize_s']} s. Template {pdf['template']['sha256']} "
            f"({pdf['template']['bytes']} bytes, modified {pdf['template']['modified']}); load average "
            f"{pdf['loadavg_before']:.1f}→{pdf['loadavg_after']:.1f}."
        )
        if "template_changed_during_run" in pdf:
            lines.append("The template changed while it was being measured.")
    else:
        lines.append(f"Annex 1 PDF: {pdf.get('error', 'not measured')}")
    lines += ["", "Targets:", ""]
    for v in results["verdicts"]:
        lines.append(f"- {'met' if v['met'] else 'MISSED'}: {v['check']} (measured {v['value']})")
    return "\n".join(lines) + "\n"


# Main -------------------------------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the bench database at the end")
    parser.add_argument("--db-name", default="portal_bench")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/13", help="a Redis DB for the bench only"
    )
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--page-seconds", type=float, default=90, help="time limit per page")
    parser.add_argument("--pdf-renders", type=int, default=10)
    parser.add_argument("--pdf-seconds", type=float, default=120, help="time limit per PDF series")
    parser.add_argument("--template-wait", type=float, default=300, help="wait this long for annex1.html")
    parser.add_argument("--quiet-load", type=float, default=1.0, help="load average that counts as quiet")
    parser.add_argument(
        "--quiet-wait", type=float, default=180, help="wait up to this long for a quiet machine (0: never)"
    )
    parser.add_argument("--retries", type=int, default=2, help="retries of a page whose query count failed")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--output", default=None, help="results file (default bench/results/<date>.json)")
    args = parser.parse_args(argv)
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench' (the database is dropped)")
    if args.requests > 2000 or args.warmup > 200:
        parser.error("keep --requests ≤ 2000 and --warmup ≤ 200")
    return args


def clear_redis_sessions(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=":1:django.contrib.sessions*", count=500):
        client.delete(key)


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = bench_env(args, tmp)
    started_at = datetime.datetime.now().astimezone()
    results = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "config": {
            "settings": env["DJANGO_SETTINGS_MODULE"],
            "workers": args.workers,
            "worker_class": "sync",
            "requests_per_page": args.requests,
            "warmup_per_page": args.warmup,
            "page_time_limit_s": args.page_seconds,
            "pdf_renders": args.pdf_renders,
            "database": args.db_name,
        },
        "machine": machine(),
        "timings": {},
    }
    gunicorn = None
    django_ready = False
    try:
        preflight(env)
        log(f"Creating database {args.db_name} and migrating…")
        create_database(args.db_name)
        results["timings"]["migrate_s"] = round(manage("migrate", "--noinput", "-v0", env=env), 1)
        results["timings"]["collectstatic_s"] = round(manage("collectstatic", "--noinput", "-v0", env=env), 1)

        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        django_ready = True
        from bench import bench_data

        log("Loading data…")
        started = time.perf_counter()
        data = bench_data.load(n_orgs=args.organisations, log=log)
        results["timings"]["load_s"] = round(time.perf_counter() - started, 1)
        results["data"] = data
        log(f"  loaded in {results['timings']['load_s']} s")

        from django.db import connections

        connections.close_all()
        port = free_port()
        log(f"Starting gunicorn ({args.workers} workers) on {HOST}:{port}…")
        gunicorn = start_gunicorn(args, env, tmp, port)
        browsers = {}
        for role, username in data["users"].items():
            browsers[role] = Browser(port)
            browsers[role].login(username, data["password"])
        page_list = pages(data)
        results["pages"] = {}
        meter = CpuMeter(gunicorn.pid, args.db_name)
        results["loadavg_before_pages"] = wait_for_quiet(args)
        results["calibration_ms"] = {"before_pages": calibrate()}
        for page in page_list:
            result = measure_page(
                browsers[page["user"]], page["path"], page["marker"], args, tmp / "gunicorn-error.log", meter
            )
            result["path"] = page["path"]
            result["user"] = page["user"]
            results["pages"][page["name"]] = result
            shown = (
                result.get("error")
                or f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
                f"CPU app {result.get('app_cpu_ms_per_request')} + db {result.get('db_cpu_ms_per_request')} ms, "
                f"load {result['loadavg'][0]:.1f}→{result['loadavg'][1]:.1f}"
            )
            log(f"  {page['name']:<24} {shown}")
        stop_gunicorn(gunicorn)
        gunicorn = None

        log("Counting queries…")
        to_count = page_list + query_variants(data)
        results["queries"] = {}
        for attempt in range(1, args.retries + 2):
            failed = [p for p in to_count if "queries" not in results["queries"].get(p["name"], {})]
            if not failed:
                break
            if attempt > 1:
                log(f"  {len(failed)} pages failed; retrying in 30 s (attempt {attempt})…")
                time.sleep(30)
            results["queries"].update(count_queries(data, failed, explain=not args.no_explain))
        for name, q in results["queries"].items():
            shown = q.get("error") or f"{q['queries']:>3} queries, {q['sql_ms']} ms SQL (HTTP {q['status']})"
            log(f"  {name:<28} {shown}")

        log("Rendering the Annex 1 PDF…")
        try:
            results["pdf"] = measure_pdf(data, args)
        except Exception as error:  # a template mid-edit must not lose the page results
            results["pdf"] = {"error": f"{type(error).__name__}: {error}"[:500]}
        if "render" in results["pdf"]:
            pdf = results["pdf"]
            log(
                f"  cold {pdf['cold_render_s']} s; render p50 {pdf['render']['p50_s']} s, p95 {pdf['render']['p95_s']} s; "
                f"task p50 {pdf.get('task', {}).get('p50_s')} s ({pdf['pdf_pages']} pages)"
            )
        else:
            log(f"  {results['pdf'].get('error')}")

        results["verdicts"] = verdicts(results)
        results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        RESULTS.mkdir(parents=True, exist_ok=True)
        output = Path(args.output) if args.output else RESULTS / f"{started_at:%Y-%m-%d}.json"
        if not any("p50_ms" in page for page in results["pages"].values()):
            output = output.with_name(output.stem + "-failed.json")  # never replace good results
        output.write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
        )
        summary = summary_markdown(results)
        output.with_suffix(".md").write_text(summary, encoding="utf-8")
        log("\n" + summary)
        log(f"Results: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
        missed = [v for v in results["verdicts"] if not v["met"]]
        return 1 if args.strict and missed else 0
    finally:
        stop_gunicorn(gunicorn)
        if django_ready:
            from django.db import connections

            connections.close_all()
        if args.keep:
            log(f"Kept database {args.db_name} ({env['DATABASE_URL']}).")
        else:
            drop_database(args.db_name)
            try:
                clear_redis_sessions(args.redis_url)
            except Exception as error:  # Redis is only a cache here; a failure must not hide results
                log(f"  could not clear bench sessions from Redis: {error}")
            log(f"Dropped database {args.db_name}.")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
