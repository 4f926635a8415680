"""The circular (通报) PDF: thin and idempotent (a stored file is never rendered again)."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.formats import in_chinese
from core.locks import claimed

logger = logging.getLogger(__name__)


def circular_context(circular) -> dict:
    from core.formats import chinese_date

    dispatch = circular.dispatch
    lists = circular.lists
    counts = {key: len(lists.get(key, [])) for key in ("on_time", "late", "missing")}
    expected = sum(counts.values())
    return {
        "circular": circular,
        "dispatch": dispatch,
        "issuer": circular.issuer,
        "issued_on": chinese_date(circular.issued_on),
        "due_date": chinese_date(dispatch.due_date),
        "lists": lists,
        "counts": counts,
        "expected": expected,
        "title": str(circular),
    }


@shared_task
def send_dispatch_escalations() -> int:
    """Today's late escalations (the daily beat runs them through PORTAL_REMINDERS as well; running both,
    or this twice, sends nothing twice: a DispatchReminder row per dispatch, pilot and kind)."""
    from .escalation import dispatch_late_escalations

    return dispatch_late_escalations(today=timezone.localdate())


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("dispatches.circular")
def render_circular(self, circular_id: int) -> bool:
    from core.pdf import render_pdf  # WeasyPrint loads Pango: only worker processes need it

    from .models import Circular

    circular = Circular.objects.select_related("dispatch").filter(pk=circular_id).first()
    if circular is None or circular.file:
        return False
    try:
        pdf = render_pdf("pdf/dispatch_circular.html", circular_context(circular))
    except Exception as exc:
        logger.warning("Circular %s failed; retrying", circular_id, exc_info=True)
        raise self.retry(exc=exc) from exc
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular_id)
        if locked.file:  # a duplicate delivery got there first
            return False
        locked.file.save("circular.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["file", "rendered_at"])
    return True


def sweep_pending_circulars() -> int:
    """Outbox sweeper: queue circulars whose rendering task was lost."""
    from datetime import timedelta

    from core.queue import enqueue

    from .models import Circular

    cutoff = timezone.now() - timedelta(minutes=2)
    count = 0
    for pk in Circular.objects.filter(file="", created_at__lt=cutoff).values_list("pk", flat=True)[:200]:
        enqueue(render_circular, pk)
        count += 1
    return count
