"""PDF rendering tasks: thin and idempotent (an existing file is never rendered again)."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import signing
from core.formats import in_chinese
from core.locks import claimed
from core.signing import sign_pdf

logger = logging.getLogger(__name__)


def _render_or_retry(task, template: str, context: dict) -> bytes:
    """Render, or retry the task later (a worker short of memory, a font cache being rebuilt); after
    the last retry the outbox sweep queues it again, so a PDF is never silently given up on."""
    from core.pdf import render_pdf  # WeasyPrint loads Pango: only worker processes need it

    try:
        return render_pdf(template, context)
    except Exception as exc:
        logger.warning("PDF %s failed; retrying", template, exc_info=True)
        raise task.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("applications.applicationsnapshot")
def render_snapshot_pdf(self, snapshot_id: int) -> bool:
    from .models import ApplicationSnapshot
    from .pdf import annex1_context

    snapshot = (
        ApplicationSnapshot.objects.select_related("application__batch", "application__organisation")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None or snapshot.pdf:
        return False
    pdf = _render_or_retry(
        self,
        "pdf/annex1.html",
        annex1_context(
            # Versions frozen before the snapshot recorded the target year take it from their batch.
            {"target_year": snapshot.application.batch.target_year, **snapshot.data},
            draft=False,
            version=snapshot.number,
            submitted_at=snapshot.created_at,
        ),
    )
    pdf = sign_pdf(pdf, signer_key=signing.PROVINCE, reason="申报表提交版本")
    with transaction.atomic():
        locked = ApplicationSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if locked.pdf:  # a duplicate delivery got there first
            return False
        locked.pdf.save("annex1.pdf", ContentFile(pdf), save=False)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
        signing.record_issued(
            obj=locked,
            stored=locked.pdf,
            pdf=pdf,
            signer_key=signing.PROVINCE,
            kind="applications.annex1",
            title=f"申报表（附件1）第{locked.number}版：{snapshot.application.organisation.name}",
        )
    return True


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("applications.draftpdf")
def render_draft_pdf(self, draft_id: int) -> bool:
    from .models import DraftPdf
    from .pdf import annex1_context
    from .snapshot import load_for_snapshot, serialize

    draft = DraftPdf.objects.filter(pk=draft_id).first()
    if draft is None or draft.pdf:
        return False
    data = serialize(load_for_snapshot(draft.application_id))
    pdf = _render_or_retry(
        self, "pdf/annex1.html", annex1_context(data, draft=True, version=None, submitted_at=None)
    )
    with transaction.atomic():
        locked = DraftPdf.objects.select_for_update().get(pk=draft_id)
        if locked.pdf:
            return False
        locked.pdf.save("draft.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    return True


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("applications.cityforwarding")
def render_forwarding_letter(self, forwarding_id: int) -> bool:
    from .models import CityForwarding
    from .pdf import cover_letter_context

    forwarding = (
        CityForwarding.objects.select_related("batch", "review_unit").filter(pk=forwarding_id).first()
    )
    if forwarding is None or forwarding.letter:
        return False
    pdf = _render_or_retry(self, "pdf/cover_letter.html", cover_letter_context(forwarding))
    # The city bureau issues its cover letter (a deployment without a key per city signs with "default").
    department = signing.city_key(forwarding.review_unit_id)
    pdf = sign_pdf(pdf, signer_key=department, reason="市级报送函")
    with transaction.atomic():
        locked = CityForwarding.objects.select_for_update().get(pk=forwarding_id)
        if locked.letter:
            return False
        locked.letter.save("letter.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["letter"])
        signing.record_issued(
            obj=locked,
            stored=locked.letter,
            pdf=pdf,
            signer_key=department,
            kind="applications.cover_letter",
            title=f"{forwarding.review_unit.bureau_name}关于推荐陕西省低碳近零碳试点示范建设申报单位的函（{forwarding.batch.name}）",
            issuer=forwarding.review_unit.bureau_name,
            document_no=locked.document_no,
        )
    return True


def sweep_pending_pdfs() -> int:
    """Outbox sweeper: queue PDFs whose task was lost (Redis down at submission time)."""
    from datetime import timedelta

    from core.queue import enqueue

    from .models import ApplicationSnapshot, CityForwarding

    cutoff = timezone.now() - timedelta(minutes=2)
    count = 0
    for pk in ApplicationSnapshot.objects.filter(pdf="", created_at__lt=cutoff).values_list("pk", flat=True)[
        :200
    ]:
        enqueue(render_snapshot_pdf, pk)
        count += 1
    for pk in CityForwarding.objects.filter(
        letter="", letter_is_generated=True, forwarded_at__lt=cutoff
    ).values_list("pk", flat=True)[:200]:
        enqueue(render_forwarding_letter, pk)
        count += 1
    return count
