"""Embedded mode (`make run`: no Redis, CELERY_TASK_ALWAYS_EAGER): with PORTAL_TASKS_IN_THREAD the
queued tasks run in one background thread of the process, so no request waits for a PDF.

Before, `enqueue` ran the task inside the request: submitting an application waited for its Annex 1
PDF (8.7 s measured on the demo machine)."""

import threading
import time

import pytest
from celery import shared_task
from django.db import connection, connections
from django.urls import reverse

from applications.models import Application, ApplicationSnapshot
from core import queue

from ..factories import complete_application, county

GATES: dict[str, threading.Event] = {}
runs: list[tuple[str, str]] = []


@shared_task(name="tests.core.slow_task")
def slow_task(key: str, seconds: float) -> None:
    time.sleep(seconds)
    runs.append((key, threading.current_thread().name))


@shared_task(name="tests.core.gated_task")
def gated_task(key: str) -> None:
    """Holds the background thread until the test opens the gate: what follows it waits in the queue."""
    GATES[key].wait(30)


@shared_task(name="tests.core.failing_task")
def failing_task() -> None:
    raise RuntimeError("boom")


@shared_task(name="tests.core.query_task")
def query_task(key: str) -> None:
    from core.models import User

    # The people who can sign in (the system actor of core.actors is not one of them).
    runs.append((key, str(User.objects.filter(is_active=True).count())))


@pytest.fixture
def in_thread(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_TASKS_IN_THREAD = True
    runs.clear()
    yield
    assert queue.wait_for_background_tasks(timeout=60)


def test_enqueue_returns_before_a_slow_task_finishes_and_the_task_still_runs(in_thread):
    started = time.monotonic()
    assert queue.enqueue(slow_task, "slow", 1.0) is True
    assert time.monotonic() - started < 0.5
    assert runs == []
    assert queue.wait_for_background_tasks(timeout=30)
    (key, thread_name), *others = runs
    assert (key, others) == ("slow", [])
    assert thread_name.startswith("portal-tasks")


def test_tasks_run_one_at_a_time_in_the_order_queued(in_thread):
    for key in ("a", "b", "c"):
        queue.enqueue(slow_task, key, 0.05)
    queue.wait_for_background_tasks(timeout=30)
    assert [key for key, _ in runs] == ["a", "b", "c"]
    assert len({thread for _, thread in runs}) == 1


def test_a_failing_task_is_logged_and_the_thread_goes_on(in_thread, caplog):
    queue.enqueue(failing_task)
    queue.enqueue(slow_task, "after", 0)
    queue.wait_for_background_tasks(timeout=30)
    assert "tests.core.failing_task" in caplog.text and "boom" in caplog.text
    assert [key for key, _ in runs] == ["after"]


def test_without_the_setting_tasks_run_inline(settings):
    """Unit tests (and PORTAL_TASKS_IN_THREAD=0) keep the deterministic behaviour."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_TASKS_IN_THREAD = False
    runs.clear()
    queue.enqueue(slow_task, "inline", 0)
    current = threading.current_thread().name
    assert runs == [("inline", current)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_thread_closes_its_database_connection_after_each_task(in_thread, applicant_county, monkeypatch):
    closed_by = []
    close_all = connections.close_all

    def recording_close_all():
        closed_by.append(threading.current_thread().name)
        close_all()

    monkeypatch.setattr(queue.connections, "close_all", recording_close_all)
    queue.enqueue(query_task, "count")
    queue.wait_for_background_tasks(timeout=30)
    assert runs == [("count", "1")]  # the thread reads the committed data
    assert len(closed_by) == 1 and closed_by[0].startswith("portal-tasks")
    if connection.vendor == "postgresql":  # Django keeps SQLite's in-memory test database open
        still_open = queue.background_executor().submit(lambda: connections["default"].connection is not None)
        assert still_open.result(timeout=30) is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submitting_returns_at_once_and_the_pdf_appears_when_ready(in_thread, applicant_county, client_for):
    """The applicant's submission is answered while the Annex 1 PDF is still to be rendered; the
    versions page says 生成中 until the thread has stored it, then links to it."""
    application = complete_application(organisation=county("610922"))
    GATES["submit"] = threading.Event()
    queue.enqueue(gated_task, "submit")  # keeps the thread busy: the PDF task waits behind it
    client = client_for(applicant_county)
    try:
        started = time.monotonic()
        response = client.post(reverse("applications:action", args=[application.pk, "submit"]))
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.state == Application.State.SUBMITTED
        snapshot = ApplicationSnapshot.objects.get(application=application)
        assert not snapshot.pdf
        # The applicant is told where the PDF will be, not made to wait for it.
        assert "申报表PDF正在后台生成" in client.get(response["Location"]).content.decode()
        versions = client.get(reverse("applications:versions", args=[application.pk])).content.decode()
        assert "生成中" in versions and 'data-testid="snapshot-pdf"' not in versions
    finally:
        GATES["submit"].set()
    assert queue.wait_for_background_tasks(timeout=120)
    snapshot.refresh_from_db()
    assert snapshot.pdf and snapshot.pdf.read(5) == b"%PDF-"
    versions = client.get(reverse("applications:versions", args=[application.pk])).content.decode()
    assert 'data-testid="snapshot-pdf"' in versions
    # The request itself did not render: well under one Annex 1 render (about 1 s on this machine).
    assert elapsed < 1.0, elapsed
    assert connection.vendor in {"postgresql", "sqlite"}
