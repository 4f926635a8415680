"""Celery tasks of the pilots: thin, idempotent (the work and its once-only rule are in disqualification)."""

from celery import shared_task
from django.utils import timezone

from . import disqualification


@shared_task
def propose_disqualifications() -> int:
    """Today's disqualification proposals (the daily beat runs them through PORTAL_REMINDERS as well;
    running both, or this twice, proposes nothing twice: one row per pilot and period end)."""
    return disqualification.disqualification_proposals(today=timezone.localdate())
