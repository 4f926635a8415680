"""Rate limits of the public pages that do work for anyone (the verification page): a counter per client
address and fixed window, in the cache. Like the API's throttles (api.throttling), it fails open: while the
cache is down every request is served and a warning is logged, so a Redis outage never locks the public out.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request of `key` in the current `window` (seconds) of `scope`; False once `limit` requests
    were counted in it already."""
    bucket = f"ratelimit:{scope}:{key}:{int(time.time()) // window}"
    try:
        if cache.add(bucket, 1, timeout=window + 1):
            return True
        return cache.incr(bucket) <= limit
    except ValueError:  # the key expired between add and incr: a new window
        return True
    except Exception:  # the cache backend's own errors (connection refused, timeout)
        logger.warning("Rate limit %s not checked: the cache is unavailable", scope, exc_info=True)
        return True
