"""The naming certificate (命名证书) PDF: thin and idempotent (a stored file is never rendered again)."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.formats import in_chinese
from core.locks import claimed

logger = logging.getLogger(__name__)

# 联合行文: the three departments of the joint decision, the lead department first.
DEPARTMENTS = ("陕西省生态环境厅", "陕西省财政厅", "陕西省发展和改革委员会")


def certificate_context(certificate) -> dict:
    from core.formats import chinese_date

    pilot = certificate.pilot
    unit = pilot.organisation.review_unit
    labels = {"excellent": "优秀", "passed": "通过"}
    return {
        "certificate": certificate,
        "pilot": pilot,
        "city": unit.name if unit else "",
        "batch": pilot.batch.name,
        "grade": labels.get(certificate.grade, ""),
        "departments": DEPARTMENTS,
        "issuer": "、".join(DEPARTMENTS),
        "issued_on": chinese_date(certificate.issued_on),
        "title": f"关于命名{pilot.organisation.name}为陕西省低碳近零碳试点示范单位的决定",
    }


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("naming.certificate")
def render_certificate(self, certificate_id: int) -> bool:
    from core.pdf import render_pdf  # WeasyPrint loads Pango: only worker processes need it

    from .models import NamingCertificate

    certificate = (
        NamingCertificate.objects.select_related("pilot__organisation__review_unit", "pilot__batch")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.file:
        return False
    try:
        pdf = render_pdf("pdf/naming_certificate.html", certificate_context(certificate))
    except Exception as exc:
        logger.warning("Naming certificate %s failed; retrying", certificate_id, exc_info=True)
        raise self.retry(exc=exc) from exc
    with transaction.atomic():
        locked = NamingCertificate.objects.select_for_update().get(pk=certificate_id)
        if locked.file:  # a duplicate delivery got there first
            return False
        locked.file.save("certificate.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["file", "rendered_at"])
    return True


def sweep_pending_certificates() -> int:
    """Outbox sweeper: queue certificates whose rendering task was lost."""
    from datetime import timedelta

    from core.queue import requeue_unrendered

    from .models import NamingCertificate

    cutoff = timezone.now() - timedelta(minutes=2)
    return requeue_unrendered(
        NamingCertificate.objects.filter(file="", created_at__lt=cutoff), render_certificate
    )
