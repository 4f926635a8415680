"""A real round trip: the test queues send_notification_email on Redis, a real Celery worker process
takes it, reads the committed Notification from the test database and sends the mail."""

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.models import Notification
from core.tasks import send_notification_email

from ..factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)
TIMEOUT = 30


def test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_ prefixed copy)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def not_eager():
    """Queue for real in this process too (test settings run tasks eagerly)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def worker(require_redis, require_postgres, tmp_path):
    queue = f"portal-test-{uuid.uuid4().hex[:12]}"  # our own queue: no other worker can take the task
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "PORTAL_CELERY_EAGER": "0",
        "PORTAL_TEST_EMAIL_FILE_PATH": str(mail_dir),
    }
    log = open(tmp_path / "worker.log", "w+b")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield {"queue": queue, "mail_dir": mail_dir, "process": process, "log": log}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
        connection.close()


def worker_log(worker) -> str:
    worker["log"].flush()
    worker["log"].seek(0)
    return worker["log"].read().decode("utf-8", "replace")[-4000:]


def test_worker_sends_the_notification_email(worker, not_eager):
    recipient = UserFactory(email="city.ankang@example.cn", full_name="陈静")
    notice = Notification.objects.create(
        recipient=recipient,
        kind="application_submitted",
        title="石泉县人民政府提交了申报书，请审核",
        url="/applications/1/",
    )
    send_notification_email.apply_async(args=[notice.pk], queue=worker["queue"])

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        notice.refresh_from_db()
        if notice.emailed_at is not None:
            break
        assert worker["process"].poll() is None, "worker died:\n" + worker_log(worker)
        time.sleep(0.25)
    else:
        pytest.fail("the worker did not send the mail in time:\n" + worker_log(worker))

    assert notice.email_attempts == 1
    files = list(worker["mail_dir"].iterdir())
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "city.ankang@example.cn"
    assert message["Subject"].strip() == "【陕西低碳试点】石泉县人民政府提交了申报书，请审核"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "陈静，您好" in body
    assert "/applications/1/" in body
    assert "succeeded" in worker_log(worker)
