"""Celery tasks of the annual reports: thin, idempotent (the work and its once-only rule are in reminders)."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task
def send_annual_report_reminders() -> int:
    """The annual report reminders for today (the daily beat runs them through PORTAL_REMINDERS as well;
    running both, or this twice, sends nothing twice: a ReportReminder row per pilot, year and kind)."""
    return reminders.annual_report_reminders(today=timezone.localdate())
