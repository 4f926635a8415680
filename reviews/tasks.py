"""PDF rendering for the review: thin and idempotent (a rendered document is never rendered again).

The services create a ReviewDocument row and queue `render_document` after commit; if the queue was
down, `sweep_pending_documents` (an outbox sweeper) queues it again later.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import signing
from core.formats import in_chinese
from core.locks import claimed

logger = logging.getLogger(__name__)

TEMPLATES = {
    "score_sheet": "pdf/score_sheet.html",
    "publicity_list": "pdf/publicity_list.html",
    "pilot_list": "pdf/publicity_list.html",
}
ISSUED = {"publicity_list", "pilot_list"}


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("reviews.reviewdocument")
def render_document(self, document_id: int) -> bool:
    from core.pdf import render_pdf

    from .models import ReviewDocument
    from .pdf import context_for

    document = (
        ReviewDocument.objects.select_related("batch", "round", "expert").filter(pk=document_id).first()
    )
    if document is None or document.file:
        return False
    try:
        pdf = render_pdf(TEMPLATES[document.kind], context_for(document))
    except Exception as exc:  # retried; the outbox sweep picks up what still fails after that
        raise self.retry(exc=exc) from exc
    issued = document.kind in ISSUED  # the public documents are signed and registered (core.signing)
    pdf = signing.sign_pdf(pdf, signer_key=signing.PROVINCE) if issued else pdf
    with transaction.atomic():
        locked = ReviewDocument.objects.select_for_update().get(pk=document_id)
        if locked.file:  # a duplicate delivery got there first
            return False
        locked.file.save(f"{locked.kind}.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["file", "rendered_at"])
        if issued:
            signing.record_issued(
                obj=locked,
                stored=locked.file,
                pdf=pdf,
                signer_key=signing.PROVINCE,
                kind=f"reviews.{locked.kind}",
                title=locked.data.get("title", ""),
                document_no=locked.data.get("document_no", ""),
            )
    return True


def sweep_pending_documents() -> int:
    """Outbox sweeper: queue the documents whose task was lost (Redis down when they were requested)."""
    from core.queue import enqueue

    from .models import ReviewDocument

    cutoff = timezone.now() - timedelta(minutes=2)
    pending = ReviewDocument.objects.filter(file="", created_at__lt=cutoff).values_list("pk", flat=True)
    count = 0
    for pk in pending[:200]:
        enqueue(render_document, pk)
        count += 1
    return count


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
def import_experts(self, job_id: int) -> int:
    """Run an expert import (reviews.services.expert_import_queue) batch by batch; each batch commits on
    its own, so the progress page moves and the database is never held for the whole file. Idempotent:
    a repeated delivery continues from the last committed batch. Returns the number of batches run."""
    import time

    from .services import IMPORT_PAUSE_SECONDS, expert_import_batch

    batches = 1
    while expert_import_batch(job_id):
        batches += 1
        time.sleep(IMPORT_PAUSE_SECONDS)  # let waiting writers in between batches
    return batches


def sweep_pending_imports() -> int:
    """Outbox sweeper: queue the expert imports whose task was lost (Redis down when they were queued)
    or stopped (a worker restarted): a job not done and untouched for 2 minutes."""
    from core.queue import enqueue

    from .models import ExpertImportJob

    cutoff = timezone.now() - timedelta(minutes=2)
    stalled = ExpertImportJob.objects.exclude(state=ExpertImportJob.State.DONE).filter(updated_at__lt=cutoff)
    count = 0
    for pk in stalled.values_list("pk", flat=True)[:20]:
        enqueue(import_experts, pk)
        count += 1
    return count
