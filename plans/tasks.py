"""PDF rendering of a plan version: thin and idempotent (an existing file is never rendered again)."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from core.formats import in_chinese
from core.locks import claimed

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("plans.planversion")
def render_plan_pdf(self, version_id: int) -> bool:
    from core.pdf import render_pdf  # WeasyPrint loads Pango: only worker processes need it

    from .models import PlanVersion

    version = PlanVersion.objects.select_related("plan").filter(pk=version_id).first()
    if version is None or version.pdf:
        return False
    decision = getattr(version, "decision", None)
    try:
        pdf = render_pdf(
            "pdf/plan.html",
            {"data": version.snapshot, "version": version, "decision": decision, "plan": version.plan},
        )
    except Exception as exc:
        logger.warning("plan PDF %s failed; retrying", version_id, exc_info=True)
        raise self.retry(exc=exc) from exc
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:  # a duplicate delivery got there first
            return False
        locked.pdf.save("plan.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["pdf"])
    return True


def sweep_pending_pdfs() -> int:
    """Outbox sweeper (settings.PORTAL_OUTBOX_SWEEPERS): queue plan PDFs whose task was lost."""
    from datetime import timedelta

    from django.utils import timezone

    from core.queue import enqueue

    from .models import PlanVersion

    cutoff = timezone.now() - timedelta(minutes=2)
    count = 0
    for pk in PlanVersion.objects.filter(pdf="", submitted_at__lt=cutoff).values_list("pk", flat=True)[:200]:
        enqueue(render_plan_pdf, pk)
        count += 1
    return count
