"""Celery tasks of the follow-up: thin, idempotent (the work and its once-only rule are in reminders)."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task
def send_visit_deadline_reminders() -> int:
    """Today's rectification reminders (the daily beat runs them through PORTAL_REMINDERS as well;
    running both, or this twice, sends nothing twice: a VisitReminder row per visit and kind)."""
    return reminders.visit_deadline_reminders(today=timezone.localdate())
