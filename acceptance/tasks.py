"""The national recommendation dossier PDF: thin and idempotent (a stored file is never rendered again)."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.formats import in_chinese
from core.locks import claimed

logger = logging.getLogger(__name__)


def dossier_context(recommendation) -> dict:
    from core.formats import chinese_date
    from plans.selectors import key_projects
    from reports.models import AnnualReport

    from .models import AcceptanceRequest

    pilot = recommendation.pilot
    application = pilot.application
    plan = getattr(pilot, "plan", None)
    reports = [
        {
            "year": r.year,
            "state": r.get_state_display(),
            "actuals": list(r.actuals.select_related("indicator")),
        }
        for r in AnnualReport.objects.filter(pilot=pilot)
        .exclude(state=AnnualReport.State.DRAFT)
        .order_by("year")
    ]
    request = (
        AcceptanceRequest.objects.filter(pilot=pilot, state__in=AcceptanceRequest.SUBMITTED_STATES)
        .order_by("-attempt")
        .first()
    )
    lines = list(request.lines.select_related("item__indicator").order_by("order")) if request else []
    return {
        "verification": verification_reports(request),
        "title": str(recommendation),
        "recommendation": recommendation,
        "recommended_on": chinese_date(timezone.localtime(recommendation.recommended_at).date()),
        "pilot": pilot,
        "application": application,
        "plan": plan,
        "projects": key_projects(pilot),
        "reports": reports,
        "request": request,
        "lines": lines,
    }


def verification_reports(request) -> list[dict]:
    """The third-party verification reports of the request, each read whole: embedded in the dossier as
    its PDF attachments (the original file, byte for byte) and listed on its pages with their digest."""
    import hashlib

    from .models import Attachment

    if request is None:
        return []
    reports = []
    for attachment in request.attachments.filter(kind=Attachment.Kind.VERIFICATION).order_by("pk"):
        with attachment.file.open("rb") as handle:
            data = handle.read()
        reports.append(
            {
                "name": attachment.original_name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
            }
        )
    return reports


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
@in_chinese
@claimed("acceptance.dossier")
def render_dossier(self, recommendation_id: int) -> bool:
    from core.pdf import render_pdf  # WeasyPrint loads Pango: only worker processes need it

    from .models import Recommendation

    recommendation = (
        Recommendation.objects.select_related("pilot__organisation", "pilot__batch", "pilot__application")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None or recommendation.dossier:
        return False
    try:
        context = dossier_context(recommendation)
        pdf = render_pdf(
            "pdf/acceptance_dossier.html",
            context,
            attachments=[(r["name"], r["data"], "第三方碳核查报告") for r in context["verification"]],
        )
    except Exception as exc:
        logger.warning("Dossier %s failed; retrying", recommendation_id, exc_info=True)
        raise self.retry(exc=exc) from exc
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation_id)
        if locked.dossier:  # a duplicate delivery got there first
            return False
        locked.dossier.save("dossier.pdf", ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["dossier", "rendered_at"])
    return True


def sweep_pending_dossiers() -> int:
    """Outbox sweeper: queue the dossiers whose rendering task was lost."""
    from datetime import timedelta

    from core.queue import requeue_unrendered

    from .models import Recommendation

    cutoff = timezone.now() - timedelta(minutes=2)
    return requeue_unrendered(
        Recommendation.objects.filter(dossier="", recommended_at__lt=cutoff), render_dossier
    )
