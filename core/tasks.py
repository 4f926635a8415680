"""Thin, idempotent tasks: they take ids, load, and call services."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification
from .queue import enqueue

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notice's e-mail at most once. The row lock makes concurrent deliveries of the same
    task wait; whoever comes second finds `emailed_at` set and sends nothing."""
    from .notifications import render_email

    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at or not notification.send_email:
            return False
        if not notification.recipient.email:
            return False
        subject, body = render_email(notification)
        notification.email_attempts += 1
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
        except Exception as exc:  # SMTP trouble: the attempt is counted (committed), then retried
            failure = exc
        else:
            notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    if failure is not None:
        raise self.retry(exc=failure)
    return True


OUTBOX_GRACE = timedelta(minutes=2)


@shared_task
def sweep_outbox() -> int:
    """Queue again what could not be queued when it happened (Redis down, worker lost)."""
    cutoff = timezone.now() - OUTBOX_GRACE
    pending = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, email_attempts__lt=5, created_at__lt=cutoff
    ).exclude(recipient__email="")
    count = 0
    for notification_id in pending.values_list("pk", flat=True)[:500]:
        enqueue(send_notification_email, notification_id)
        count += 1
    for dotted in getattr(settings, "PORTAL_OUTBOX_SWEEPERS", []):
        count += import_string(dotted)()
    return count


@shared_task
def send_deadline_reminders() -> int:
    """Run every app's reminder check for today; each reminder is stored once (dedupe keys)."""
    today = timezone.localdate()
    sent = 0
    for dotted in getattr(settings, "PORTAL_REMINDERS", []):
        sent += import_string(dotted)(today=today)
    return sent


@shared_task
def purge_security_events() -> int:
    """Daily: delete the security events older than PORTAL_SECURITY_EVENT_RETENTION_DAYS (core.security)."""
    from .security import purge_security_events as purge

    return purge()


@shared_task
def verify_audit_chains(requested_by: int | None = None) -> bool:
    """Verify both hash chains (core.chain) and record the verdicts as a `verify` security event: the
    auditor's page shows them. Nightly from beat, and on the auditor's request."""
    from django.contrib.auth import get_user_model

    from .chain import verify_all
    from .security import Kind, record_security_event

    verdicts = verify_all()
    user = get_user_model().objects.filter(pk=requested_by).first() if requested_by else None
    record_security_event(
        Kind.VERIFY,
        user=user,
        summary="; ".join(str(v) for v in verdicts)[:255],
        detail={
            "ok": all(v.ok for v in verdicts),
            "verdicts": [
                {
                    "chain": v.chain,
                    "ok": v.ok,
                    "count": v.count,
                    "broken_id": v.broken_id,
                    "broken_at": v.broken_at.isoformat() if v.broken_at else None,
                    "problem": v.problem,
                    "head": v.head_hash,
                }
                for v in verdicts
            ],
        },
    )
    if not all(v.ok for v in verdicts):
        logger.error("audit chain broken: %s", "; ".join(str(v) for v in verdicts))
    return all(v.ok for v in verdicts)
