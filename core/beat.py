"""The Celery beat scheduler of the portal: the schedule of config/celery.py, run by one process only.

Exactly one beat should run per deployment (docs/deployment.md). If a second one is started anyway (a
second machine set up from the same recipe, a failover started by hand), it does not double the
schedule: it waits on the beat lock (core.locks.BeatLock, a PostgreSQL advisory lock) and sends nothing
until the first stops, then takes over. Before each tick the holder checks the lock's connection; if the
connection was lost (and the lock with it) it stops sending and waits for the lock again.
"""

import logging

from celery.beat import PersistentScheduler
from django.conf import settings

from .locks import BeatLock

logger = logging.getLogger(__name__)


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self._beat_lock = BeatLock(retry=float(getattr(settings, "PORTAL_BEAT_LOCK_RETRY_SECONDS", 5)))
        self._beat_lock.acquire()  # a standby beat waits here
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self._beat_lock.held():
            logger.error("beat lock lost (database connection closed); waiting to take it again")
            self._beat_lock.acquire()
        return super().tick(*args, **kwargs)

    def close(self):
        try:
            super().close()
        finally:
            self._beat_lock.release()
