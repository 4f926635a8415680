"""Queueing side effects after commit without ever losing the action itself.

A state change commits first; its e-mails and PDFs are queued afterwards. If Redis is down at that
moment, `enqueue` logs and returns: the work is still recorded in the database (an unsent
Notification, an application without its PDF) and `core.tasks.sweep_outbox` queues it again later.

Without Redis (the embedded set-up of `make run`, CELERY_TASK_ALWAYS_EAGER) Celery would run a task
inside the request that queued it: a submission would wait seconds for its Annex 1 PDF. With
PORTAL_TASKS_IN_THREAD (on in config.settings.local) such tasks run in this process but in one
background thread, one at a time, in the order queued; the request returns at once and the page says
the PDF is being generated. Unit tests keep it off, so tasks run inline and deterministically.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def background_executor() -> ThreadPoolExecutor:
    """The single worker thread of this process (created on first use)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-tasks")
        return _executor


def in_thread() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER and getattr(settings, "PORTAL_TASKS_IN_THREAD", False))


def _run_in_thread(task, args: tuple) -> None:
    try:
        result = task.apply(args=args)  # eager: Celery's retries happen here, in this thread
        if not result.successful():
            logger.error(
                "Task %s%r failed in the background thread: %r\n%s",
                task.name,
                args,
                result.result,
                result.traceback or "",
            )
    except Exception:
        logger.exception("Task %s%r failed in the background thread", task.name, args)
    finally:
        # A thread's connections are its own: close them, or each task would leave one open.
        connections.close_all()


def enqueue(task, *args) -> bool:
    if in_thread():
        background_executor().submit(_run_in_thread, task, args)
        return True
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # the broker is unreachable; the outbox sweep retries it
        logger.warning("Could not queue %s%r; the outbox sweep will retry it", task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue(task, *args))


def wait_for_background_tasks(timeout: float = 300) -> bool:
    """Block until every task queued to the background thread so far has run (tests, the benchmark,
    management commands). True if they all finished within `timeout` seconds."""
    if _executor is None:
        return True
    marker: Future = background_executor().submit(lambda: None)
    try:
        marker.result(timeout=timeout)
    except TimeoutError:
        return False
    return True


def requeue_unrendered(pending, task, *, limit: int = 200) -> int:
    """An outbox sweeper's body: queue `task` again for each row of `pending` (a queryset of rows whose file
    is still empty, created long enough ago that their first task should have stored it). The tasks are
    idempotent and claimed (core.locks.claimed), so a task that was only slow renders nothing twice."""
    count = 0
    for pk in pending.values_list("pk", flat=True)[:limit]:
        enqueue(task, pk)
        count += 1
    return count
