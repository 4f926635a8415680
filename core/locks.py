"""Locks across machines: PostgreSQL advisory locks, the one place where they are taken.

Several web and worker machines share one PostgreSQL database, so the database is what they agree
on. Two uses:

- `claim(label, pk)`: "I am rendering this PDF". A task that finds the claim taken returns at once: the
  process holding it renders and stores the file (if it fails, the outbox sweep queues the task again).
  A session lock, held outside any transaction, so rendering for seconds holds no row lock, and a worker
  that dies releases it with its connection.
- `BeatLock`: the single Celery beat (core.beat).
- `transaction_lock(label)`: one reminder sweep at a time, until its transaction commits.

On SQLite (one machine, `make run`) there is nothing to agree with: `claim` always succeeds.
"""

from __future__ import annotations

import contextlib
import logging
import zlib

from django.db import connection

logger = logging.getLogger(__name__)


def lock_key(label: str) -> int:
    """A stable 31-bit key for a name (the first key of the two-key advisory lock)."""
    return zlib.crc32(label.encode()) & 0x7FFFFFFF


@contextlib.contextmanager
def claim(label: str, pk: int):
    """Yield True if this process holds the claim on (`label`, `pk`) until the block ends, False if
    another process holds it now."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(label)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [key, int(pk)])
        held = cursor.fetchone()[0]
    if not held:
        logger.info("%s %s is being handled by another process", label, pk)
        yield False
        return
    try:
        yield True
    finally:
        # A lost connection has released it already.
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, int(pk)])


def transaction_lock(label: str) -> None:
    """Serialise concurrent holders of `label` until the current transaction ends (a retried sweep next
    to a second beat on another machine): a PostgreSQL transaction-level advisory lock. On SQLite a
    writing transaction already excludes every other writer, so there is nothing to take."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(label)])


class BeatLock:
    """The beat's lock: a session-level advisory lock on a connection of its own, held for the life of
    the process. A second beat waits (polling every `retry` seconds) and takes over when the first
    stops or loses its connection."""

    LABEL = "portal.celery-beat"

    def __init__(self, retry: float = 5.0) -> None:
        self.retry = retry
        self._connection = None

    def _connect(self):
        from django.db import connections

        db = connections["default"]
        raw = db.get_new_connection(db.get_connection_params())
        raw.autocommit = True
        return raw

    def _try(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._connect()
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(self.LABEL)])
                return bool(cursor.fetchone()[0])
        except Exception:
            logger.warning("beat lock: database unavailable", exc_info=True)
            self._drop()
            return False

    def acquire(self) -> None:
        """Block until this process holds the lock."""
        import time

        if connection.vendor != "postgresql":
            logger.warning("beat lock: not on PostgreSQL, nothing guards against a second beat")
            return
        waiting = False
        while not self._try():
            if not waiting:
                logger.warning("beat lock: another beat runs the schedule; standing by")
                waiting = True
            time.sleep(self.retry)
        logger.warning("beat lock taken: this process runs the schedule")

    def held(self) -> bool:
        """False when the lock's connection is gone (the lock went with it)."""
        if connection.vendor != "postgresql":
            return True
        if self._connection is None:
            return False
        try:
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception:
            self._drop()
            return False

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = None

    def release(self) -> None:
        """Unlock, then close: a standby takes over at its next try (closing alone releases the lock only
        when the server has ended the session)."""
        if self._connection is not None:
            with contextlib.suppress(Exception), self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(self.LABEL)])
        self._drop()


def claimed(label: str):
    """Decorate a PDF task `f(task, pk)`: it runs only while holding the claim on (`label`, pk), so a
    second delivery of the same task on another worker returns False at once instead of rendering the
    same PDF again. The task loads its row after claiming, so it sees a file stored meanwhile."""
    import functools

    def decorate(func):
        @functools.wraps(func)
        def wrapper(task, pk, *args, **kwargs):
            with claim(label, pk) as mine:
                if not mine:
                    return False
                return func(task, pk, *args, **kwargs)

        return wrapper

    return decorate
