"""Queueing side effects after commit without ever losing the action itself.

A state change commits first; its e-mails and PDFs are queued afterwards. If Redis is down at that
moment, `enqueue` logs and returns: the work is still recorded in the database (an unsent
Notification, an application without its PDF) and `core.tasks.sweep_outbox` queues it again later.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # the broker is unreachable; the outbox sweep retries it
        logger.warning("Could not queue %s%r; the outbox sweep will retry it", task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue(task, *args))
