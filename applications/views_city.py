"""Submissions, versions and PDFs; the city bureau's screening, ranking and forwarding."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.security import deny, deny_section, get_in_scope_or_404, record_denial
from core.uploads import serve_file, validate_upload
from organisations.models import ReviewUnit
from organisations.roles import scope_of

from . import permissions, services
from .models import Application, ApplicationSnapshot, Batch, CityForwarding, DraftPdf
from .selectors import applications_visible_to, get_application_for_user
from .snapshot import diff, load_for_snapshot, serialize

PDF_OR_IMAGE = {"application/pdf", "image/png", "image/jpeg"}
SCREENING_STATES = {
    Application.State.SUBMITTED,
    Application.State.RECOMMENDED,
    Application.State.RETURNED_TO_CITY,
}


@login_required
def versions(request, pk: int):
    application = get_application_for_user(request.user, pk)
    snapshots = list(application.snapshots.order_by("number"))
    comparisons = [
        {"old": older, "new": newer, "changes": diff(older.data, newer.data)}
        for older, newer in zip(snapshots, snapshots[1:], strict=False)
    ]
    pending = None
    if snapshots and application.is_editable:
        pending = diff(snapshots[-1].data, serialize(load_for_snapshot(application.pk)))
    return render(
        request,
        "applications/versions.html",
        {
            "application": application,
            "snapshots": snapshots,
            "comparisons": list(reversed(comparisons)),
            "pending_changes": pending,
            "can_request_draft": permissions.can_request_draft_pdf(request.user, application),
        },
    )


@login_required
def snapshot_pdf(request, pk: int, number: int):
    application = get_application_for_user(request.user, pk)
    snapshot = get_in_scope_or_404(ApplicationSnapshot.objects.filter(application=application), number=number)
    if not snapshot.pdf:
        messages.info(request, gettext("申报表PDF正在生成，请稍候刷新。"))
        return redirect("applications:versions", pk=pk)
    name = gettext("附件1-申报表-%(name)s-第%(number)s版.pdf") % {
        "name": application.organisation.name,
        "number": number,
    }
    return serve_file(snapshot.pdf, download_name=name, content_type="application/pdf")


@login_required
@require_POST
def draft_pdf_request(request, pk: int):
    application = get_application_for_user(request.user, pk)
    run(
        request,
        services.draft_pdf_request,
        success=gettext("草稿PDF正在生成。"),
        application=application,
        by=request.user,
    )
    return redirect("applications:versions", pk=pk)


@login_required
def draft_pdf_status(request, pk: int):
    """htmx partial: the newest draft PDF of this user, polled until it is ready."""
    application = get_application_for_user(request.user, pk)
    draft = application.draft_pdfs.filter(requested_by=request.user).first()
    return render(
        request, "applications/partials/draft_pdf.html", {"application": application, "draft": draft}
    )


@login_required
def draft_pdf_download(request, pk: int, draft_pk: int):
    application = get_application_for_user(request.user, pk)
    draft = get_in_scope_or_404(DraftPdf.objects.filter(application=application), pk=draft_pk)
    if not draft.pdf:
        raise Http404
    name = gettext("附件1-申报表-%(name)s-草稿.pdf") % {"name": application.organisation.name}
    return serve_file(draft.pdf, download_name=name, content_type="application/pdf")


# City bureau ---------------------------------------------------------------------------------
def _city_unit(request) -> ReviewUnit:
    units = scope_of(request.user).review_units
    if not units:
        deny_section("applications.city")
    code = request.GET.get("unit") or request.POST.get("unit") or sorted(units)[0]
    if code not in units:  # another city's list
        record_denial(ReviewUnit, {"pk": code})
        raise Http404
    return ReviewUnit.objects.get(pk=code)


def _back_to_screening(batch, unit):
    return redirect(f"{reverse('applications:city_screening', args=[batch.pk])}?unit={unit.pk}")


@login_required
def city_screening(request, batch_pk: int):
    unit = _city_unit(request)
    batch = get_object_or_404(Batch, pk=batch_pk)
    return _render_screening(request, batch, unit)


def _render_screening(
    request,
    batch,
    unit,
    *,
    typed_ranks=None,
    rank_error="",
    typed_forwarding=None,
    forward_error="",
    status=200,
):
    applications = applications_visible_to(request.user).filter(batch=batch, organisation__review_unit=unit)
    by_state: dict[str, list] = {}
    for application in applications.order_by("city_rank", "organisation__name"):
        by_state.setdefault(application.state, []).append(application)
    recommended = by_state.get(Application.State.RECOMMENDED, []) + by_state.get(
        Application.State.RETURNED_TO_CITY, []
    )
    for index, application in enumerate(recommended, start=1):
        # What the officer typed when the ranking was refused; otherwise the saved rank.
        typed = (typed_ranks or {}).get(application.pk)
        application.rank_value = typed if typed is not None else (application.city_rank or index)
    return render(
        request,
        "applications/city_screening.html",
        {
            "batch": batch,
            "unit": unit,
            "by_state": by_state,
            "recommended": recommended,
            "rank_error": rank_error,
            # The cover letter as typed when the forwarding was refused (the upload must be chosen again).
            "typed_forwarding": typed_forwarding,
            "forward_error": forward_error,
            "submitted": by_state.get(Application.State.SUBMITTED, []),
            "forwarded": [
                a
                for s in (Application.State.FORWARDED, Application.State.IN_EXPERT_REVIEW)
                for a in by_state.get(s, [])
            ],
            "forwardings": CityForwarding.objects.filter(batch=batch, review_unit=unit).prefetch_related(
                "applications__organisation"
            ),
            "states": Application.State,
        },
        status=status,
    )


@login_required
@require_POST
def city_rank(request, batch_pk: int):
    """Save the ranking; a refused one (a rank used twice, not a number) is shown again as typed."""
    unit = _city_unit(request)
    batch = get_object_or_404(Batch, pk=batch_pk)
    typed = {
        int(k[5:]): v.strip() for k, v in request.POST.items() if k.startswith("rank_") and k[5:].isdigit()
    }
    try:
        ranks = {pk: int(value) for pk, value in typed.items()}
    except ValueError:
        error = gettext("排序须为正整数。")
    else:
        try:
            services.city_rank_update(review_unit=unit, batch=batch, by=request.user, ranks=ranks)
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, gettext("推荐排序已保存。"))
            return _back_to_screening(batch, unit)
    messages.error(request, error)
    return _render_screening(request, batch, unit, typed_ranks=typed, rank_error=error, status=400)


@login_required
@require_POST
def city_forward(request, batch_pk: int):
    """Forward with the cover letter; a refused one comes back with the number and the text as typed."""
    unit = _city_unit(request)
    batch = get_object_or_404(Batch, pk=batch_pk)
    typed = {
        "document_no": request.POST.get("document_no", ""),
        "letter_text": request.POST.get("letter_text", ""),
    }
    upload = request.FILES.get("letter")
    content_type, extension = "", ".pdf"
    try:
        if upload is not None:
            try:
                content_type, extension = validate_upload(upload, allowed=PDF_OR_IMAGE)
            except ValidationError as error:
                raise DomainError(" ".join(error.messages)) from error
        forwarding = services.city_forward(
            review_unit=unit,
            batch=batch,
            by=request.user,
            letter_upload=upload,
            letter_content_type=content_type,
            letter_extension=extension,
            **typed,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _render_screening(
            request, batch, unit, typed_forwarding=typed, forward_error=error.message, status=422
        )
    messages.success(
        request,
        gettext("已向省生态环境厅报送%(count)s份申报书。") % {"count": forwarding.applications.count()},
    )
    return _back_to_screening(batch, unit)


@login_required
def forwarding_letter(request, forwarding_pk: int):
    forwarding = get_object_or_404(CityForwarding, pk=forwarding_pk)
    scope = scope_of(request.user)
    visible = forwarding.review_unit_id in scope.review_units or scope.has("province_officer")
    if not visible:
        deny(forwarding)
    if not forwarding.letter:
        raise Http404
    name = gettext("%(bureau_name)s报送函%(extension)s") % {
        "bureau_name": forwarding.review_unit.bureau_name,
        "extension": forwarding.extension,
    }
    content_type = "application/pdf" if forwarding.extension == ".pdf" else "image/jpeg"
    if forwarding.extension == ".png":
        content_type = "image/png"
    return serve_file(forwarding.letter, download_name=name, content_type=content_type)
