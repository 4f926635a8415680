"""The public publicity (公示) pages: no login. Only batches whose shortlist has been put on publicity
are shown; the PDFs are the stored renderings (reviews.tasks), never rendered per request."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from applications.models import Batch
from core.uploads import serve_file
from pilots.resources import public_pilot_list_xlsx
from pilots.selectors import PUBLIC_BATCH_STATES, published_pilots

from . import documents
from .models import ReviewDocument
from .selectors import publicity_batches


def _public_batch(pk) -> Batch:
    return get_object_or_404(publicity_batches(), pk=pk)


def public_pilot_list(request):
    """The published pilot list, with each batch's list PDF as published (rendered once at publication)."""
    pilots = published_pilots()
    if request.GET.get("export") == "xlsx":
        return public_pilot_list_xlsx(pilots)
    documents = (
        ReviewDocument.objects.filter(
            kind=ReviewDocument.Kind.PILOT_LIST, batch__state__in=PUBLIC_BATCH_STATES
        )
        .exclude(file="")
        .select_related("batch")
        .order_by("batch__year", "batch_id")
    )
    return render(request, "pilots/public_list.html", {"pilots": pilots, "documents": documents})


def publicity_index(request):
    batches = publicity_batches()
    return render(request, "reviews/public/index.html", {"batches": batches})


def publicity_notice(request, batch_pk: int):
    batch = _public_batch(batch_pk)
    rendered = batch.review_documents.exclude(file="").exclude(kind=ReviewDocument.Kind.SCORE_SHEET)
    context = {
        "batch": batch,
        "notice": documents.publicity_notice(batch),
        "publicity_pdf": next((d for d in rendered if d.kind == ReviewDocument.Kind.PUBLICITY_LIST), None),
        "pilot_pdf": next((d for d in rendered if d.kind == ReviewDocument.Kind.PILOT_LIST), None),
    }
    return render(request, "reviews/public/notice.html", context)


def _serve(request, batch: Batch, kind: str, filename: str):
    document = batch.review_documents.filter(kind=kind).first()  # newest version first
    if document is None:
        raise Http404
    if not document.file:
        document = batch.review_documents.filter(kind=kind).exclude(file="").first()
        if document is None:
            messages.info(request, gettext("PDF正在生成，请稍候刷新。"))
            return redirect("publicity:notice", batch_pk=batch.pk)
    return serve_file(document.file, download_name=filename, content_type="application/pdf")


def publicity_pdf(request, batch_pk: int):
    batch = _public_batch(batch_pk)
    return _serve(
        request,
        batch,
        ReviewDocument.Kind.PUBLICITY_LIST,
        gettext("%(name)s拟入选名单公示.pdf") % {"name": batch.name},
    )


def pilot_list_pdf(request, batch_pk: int):
    batch = _public_batch(batch_pk)
    if batch.state == Batch.State.PUBLICITY:
        raise Http404
    return _serve(
        request, batch, ReviewDocument.Kind.PILOT_LIST, gettext("%(name)s试点名单.pdf") % {"name": batch.name}
    )
