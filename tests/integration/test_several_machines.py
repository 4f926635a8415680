"""Several machines on one PostgreSQL and one Redis: two web processes (gunicorn), two Celery workers and
two beats, all separate processes on the test database, as production runs them on separate machines.

- every reminder is stored and mailed once although both workers run the daily reminder task at once;
- a PDF is rendered once: the same draft PDF asked for on both web processes at once, and the same
  rendering task delivered to both workers at once (the render is counted in the workers' logs,
  core.pdf logs one line per rendering);
- the beat schedule is sent by one beat only: a second beat waits on the beat lock (core.beat) and
  takes over when the first stops; every task sent runs once, on whichever worker takes it.
"""

import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Batch, DraftPdf
from config.celery import app as celery_app
from core.models import AuditEntry, Notification
from core.tasks import send_deadline_reminders
from dispatches.models import DispatchReminder
from organisations.models import Role

from ..core.test_celery_worker import test_database_url
from ..dispatches.conftest import make_dispatch
from ..factories import ApplicationFactory, BatchFactory, PilotFactory, county, member, park

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
TIMEOUT = 120
RENDERED = re.compile(r"PDF rendered: (\S+)")
SUCCEEDED = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] succeeded")
SENT = "Sending due task"


class Process:
    """A child process of the test with its own log file."""

    def __init__(self, name: str, argv: list[str], env: dict, tmp_path: Path):
        self.name = name
        self.path = tmp_path / f"{name}.log"
        self.log = open(self.path, "w+b")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.path.read_text("utf-8", "replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def wait_for(condition, what: str, processes, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process in processes:
            assert process.alive(), f"{process.name} died:\n{process.text()[-4000:]}"
        time.sleep(0.25)
    logs = "\n".join(f"--- {p.name}\n{p.text()[-3000:]}" for p in processes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def machines(require_redis, require_postgres, tmp_path):
    """Start processes on the test database and a queue of their own; stop them all at the end."""
    queue = f"portal-machines-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "PORTAL_CELERY_EAGER": "0",
        "PORTAL_TEST_EMAIL_FILE_PATH": str(mail_dir),
        "PORTAL_TEST_CELERY_QUEUE": queue,
        "PORTAL_BEAT_LOCK_RETRY_SECONDS": "1",
    }
    started: list[Process] = []

    def worker(name: str) -> Process:
        argv = [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--prefetch-multiplier=1"]
        argv += ["-l", "info", "-Q", queue, "-n", f"{name}@%h"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        started.append(Process(name, argv, env, tmp_path))
        return started[-1]

    def web(name: str) -> tuple[Process, str]:
        port = free_port()
        argv = [str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"]
        started.append(Process(name, argv, env, tmp_path))
        return started[-1], f"http://127.0.0.1:{port}"

    def beat(name: str) -> Process:
        argv = [str(BIN / "celery"), "-A", "tests.integration.fast_beat", "beat", "-l", "info"]
        argv += ["--schedule", str(tmp_path / f"{name}-schedule"), "--max-interval", "1"]
        started.append(Process(name, argv, env, tmp_path))
        return started[-1]

    def ready(worker_process: Process) -> bool:
        return "ready." in worker_process.text()

    saved = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False  # this process queues for real too, on the same queue
    celery_app.conf.task_default_queue = queue
    try:
        yield {
            "worker": worker,
            "web": web,
            "beat": beat,
            "ready": ready,
            "queue": queue,
            "mail_dir": mail_dir,
            "all": started,
        }
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        for process in started:
            process.stop()
        connection.close()


def two_workers(machines) -> list[Process]:
    workers = [machines["worker"]("worker-1"), machines["worker"]("worker-2")]
    wait_for(lambda: all(machines["ready"](w) for w in workers), "both workers ready", workers)
    return workers


def succeeded(workers, task: str) -> list[tuple[str, str]]:
    """(worker, task id) of each run of `task` that finished."""
    return [(w.name, tid) for w in workers for name, tid in SUCCEEDED.findall(w.text()) if name == task]


def renders(workers, template: str) -> int:
    return sum(RENDERED.findall(w.text()).count(template) for w in workers)


def send_at_once(task, args_list: list[tuple]) -> None:
    barrier = threading.Barrier(len(args_list))

    def send(args):
        barrier.wait()
        task.apply_async(args=args)

    threads = [threading.Thread(target=send, args=(args,)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# Reminders ---------------------------------------------------------------------------------------
def test_both_workers_run_the_reminders_at_once_and_each_is_sent_once(machines, province):
    today = timezone.localdate()
    batch = BatchFactory(application_deadline=today + datetime.timedelta(days=7))
    applicants = []
    for organisation in (county("610922"), county("610122"), park("西安高新技术产业开发区管委会")):
        applicants.append(member(Role.APPLICANT, organisation))
        ApplicationFactory(batch=batch, organisation=organisation)  # 待提交, 7 days before the deadline
    published = BatchFactory(name="2023年第一批", state=Batch.State.PUBLISHED)
    for organisation in (county("610922"), county("610122")):
        PilotFactory(batch=published, organisation=organisation, state="implementing")
    dispatch = make_dispatch(province, due_in=3)  # 3 days before its due date: the before_3 reminder
    Notification.objects.all().delete()  # the notices of setting up; only the reminders are counted

    workers = two_workers(machines)
    runs = 4
    send_at_once(send_deadline_reminders, [()] * runs)
    wait_for(
        lambda: len(succeeded(workers, "core.tasks.send_deadline_reminders")) == runs,
        "the four reminder runs",
        workers,
    )
    ran_on = Counter(name for name, _ in succeeded(workers, "core.tasks.send_deadline_reminders"))
    assert set(ran_on) == {"worker-1", "worker-2"}, ran_on  # both workers ran it

    reminders = Notification.objects.exclude(dedupe_key=None)
    app_deadline = reminders.filter(dedupe_key__startswith=f"app-deadline:{batch.pk}:")
    assert sorted(n.recipient_id for n in app_deadline) == sorted(u.pk for u in applicants)
    dispatch_notices = reminders.filter(dedupe_key__startswith=f"dispatch-before_3:{dispatch.pk}:")
    assert dispatch_notices.count() == 2  # the staff of 石泉县 and 蓝田县, once each
    assert DispatchReminder.objects.filter(dispatch=dispatch).count() == 2
    assert AuditEntry.objects.filter(action__endswith="remind_before_3").count() == 1
    counts = Counter((n.recipient_id, n.kind, n.title) for n in reminders)
    assert max(counts.values()) == 1, counts

    # Each notice is mailed once, by whichever worker took its e-mail task.
    mailed = reminders.exclude(recipient__email="")
    wait_for(lambda: not mailed.filter(emailed_at=None).exists(), "the reminder e-mails", workers)
    assert set(mailed.values_list("email_attempts", flat=True)) == {1}
    # Count messages, not files: the file-based backend appends every message one backend instance sends
    # within the same second to one file, each message starting with its headers.
    messages = sum(
        path.read_text(encoding="utf-8", errors="replace").count("\nSubject: ")
        + path.read_text(encoding="utf-8", errors="replace").startswith("Subject: ")
        for path in machines["mail_dir"].iterdir()
    )
    assert messages == mailed.count()
    for worker in workers:
        assert "Traceback" not in worker.text(), worker.text()[-4000:]


# PDFs --------------------------------------------------------------------------------------------
def test_the_same_draft_pdf_asked_on_both_web_processes_is_rendered_once(machines, applicant_county):
    application = ApplicationFactory(batch=BatchFactory(), organisation=county("610922"))
    web_1, url_1 = machines["web"]("web-1")
    web_2, url_2 = machines["web"]("web-2")
    workers = two_workers(machines)
    processes = [web_1, web_2, *workers]

    client = Client()
    client.force_login(applicant_county)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    versions = reverse("applications:versions", args=[application.pk])

    def up(base: str) -> bool:
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(lambda: up(url_1) and up(url_2), "both web processes", processes)
    page = requests.get(url_1 + versions, cookies=cookies, timeout=10)
    assert page.status_code == 200, page.text[:2000]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookies[settings.CSRF_COOKIE_NAME] = page.cookies.get(settings.CSRF_COOKIE_NAME) or ""
    assert cookies[settings.CSRF_COOKIE_NAME]

    request_url = reverse("applications:draft_pdf_request", args=[application.pk])
    barrier = threading.Barrier(2)
    answers = {}

    def ask(base: str):
        barrier.wait()
        answers[base] = requests.post(
            base + request_url,
            data={"csrfmiddlewaretoken": token},
            cookies=cookies,
            allow_redirects=False,
            timeout=30,
        ).status_code

    threads = [threading.Thread(target=ask, args=(base,)) for base in (url_1, url_2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {url_1: 302, url_2: 302}

    status_url = url_2 + reverse("applications:draft_pdf_status", args=[application.pk])
    wait_for(
        lambda: 'data-testid="draft-pdf"' in requests.get(status_url, cookies=cookies, timeout=10).text,
        "the draft PDF",
        processes,
    )
    draft = DraftPdf.objects.get(application=application)  # one row for the two requests
    download = requests.get(
        url_1 + reverse("applications:draft_pdf_download", args=[application.pk, draft.pk]),
        cookies=cookies,
        timeout=10,
    )
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert renders(workers, "pdf/annex1.html") == 1


def test_a_rendering_task_delivered_to_both_workers_renders_once(machines, applicant_county):
    from applications.tasks import render_draft_pdf

    application = ApplicationFactory(batch=BatchFactory(), organisation=county("610922"))
    draft = DraftPdf.objects.create(application=application, requested_by=applicant_county, token="e" * 32)
    workers = two_workers(machines)

    send_at_once(render_draft_pdf, [(draft.pk,), (draft.pk,)])
    wait_for(
        lambda: len(succeeded(workers, "applications.tasks.render_draft_pdf")) == 2,
        "both deliveries",
        workers,
    )
    assert {name for name, _ in succeeded(workers, "applications.tasks.render_draft_pdf")} == {
        "worker-1",
        "worker-2",
    }
    draft.refresh_from_db()
    assert draft.pdf and draft.rendered_at
    assert renders(workers, "pdf/annex1.html") == 1


# Beat --------------------------------------------------------------------------------------------
def test_one_beat_runs_the_schedule_and_the_other_takes_over(machines):
    workers = two_workers(machines)
    beats = [machines["beat"]("beat-1"), machines["beat"]("beat-2")]
    processes = [*workers, *beats]

    def holder():
        holding = [b for b in beats if "beat lock taken" in b.text()]
        return holding[0] if len(holding) == 1 else None

    first = wait_for(holder, "one beat holding the lock", processes)
    second = next(b for b in beats if b is not first)
    wait_for(lambda: "standing by" in second.text(), "the second beat standing by", processes)
    wait_for(lambda: first.text().count(SENT) >= 3, "three runs of the schedule", processes)
    assert second.text().count(SENT) == 0  # the standby sends nothing

    first.stop()
    wait_for(lambda: "beat lock taken" in second.text(), "the second beat taking over", workers + [second])
    wait_for(lambda: second.text().count(SENT) >= 2, "the schedule on the second beat", workers + [second])
    second.stop()

    sent = sum(b.text().count(SENT) for b in beats)
    wait_for(
        lambda: len(succeeded(workers, "core.tasks.sweep_outbox")) >= sent,
        "every scheduled task run",
        workers,
    )
    runs = succeeded(workers, "core.tasks.sweep_outbox")
    assert len(runs) == sent  # each sent task ran once
    assert len({task_id for _, task_id in runs}) == sent
