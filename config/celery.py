"""The Celery app. The periodic schedule is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A second beat started by mistake waits instead of doubling the schedule (core.beat, docs/deployment.md).
app.conf.beat_scheduler = "core.beat:SingleBeatScheduler"

app.conf.beat_schedule = {
    # Delivers notifications and renders PDFs whose task could not be queued (Redis down).
    "sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": 300.0},
    # Deadline reminders: every morning at 08:30 Beijing time.
    "deadline-reminders": {
        "task": "core.tasks.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Both audit hash chains verified every night (the verdict is a security event the auditor sees).
    "verify-audit-chains": {
        "task": "core.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=40),
    },
    # Security events past their retention period (at least 183 days): every night at 03:10.
    "purge-security-events": {
        "task": "core.tasks.purge_security_events",
        "schedule": crontab(hour=3, minute=10),
    },
}
