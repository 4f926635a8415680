"""Rate limits per client. The counters live in the cache: if the cache is down the request is served
(a Redis outage must not take the API down with it), and the failure is logged."""

import logging

from rest_framework import throttling

log = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's own errors (connection refused, timeout)
            log.warning("API rate limit not checked: the cache is unavailable", exc_info=True)
            return True


class AnonymousClientThrottle(_FailOpen, throttling.AnonRateThrottle):
    scope = "anon"


class SignedInClientThrottle(_FailOpen, throttling.UserRateThrottle):
    scope = "user"
