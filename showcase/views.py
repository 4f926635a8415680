"""The pilots' editor and the province's review of the showcase pages: small function views, every object
through a scoped selector (404 outside the user's scope), every write through a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.lists import filtered_list
from core.security import deny_section
from core.uploads import serve_file

from . import permissions, resources, selectors, services
from .filters import ReviewQueueFilter
from .forms import ShowcaseForm


@login_required
def my_pages(request):
    """The accepted pilots whose page this user writes, each with its versions."""
    pilots = list(selectors.writable_pilots(request.user))
    rows = [{"pilot": p, "versions": selectors.page_versions(p)} for p in pilots]
    return render(request, "showcase/my_pages.html", {"rows": rows})


@login_required
@require_POST
def start(request, pilot_pk: int):
    pilot = selectors.get_writable_pilot(request.user, pilot_pk)
    try:
        version = services.showcase_draft(pilot=pilot, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("showcase:my_pages")
    return redirect("showcase:edit", pk=version.pk)


@login_required
def edit(request, pk: int):
    version = selectors.get_version_for_user(request.user, pk)
    pilot = version.page.pilot
    if not permissions.can_edit_showcase(request.user, pilot):
        raise Http404
    if not version.is_editable:
        messages.error(
            request,
            gettext("示范展示页当前状态为「%(state)s」，不能修改。") % {"state": version.get_state_display()},
        )
        return redirect("showcase:version_detail", pk=pk)
    actuals, cases = list(selectors.source_actuals(pilot)), list(selectors.source_cases(pilot))
    initial = {
        "title": version.title,
        "summary": version.summary,
        "actuals": [f.actual_id for f in version.figures.all() if f.actual_id],
        "cases": [c.source_id for c in version.cases.all() if c.source_id],
    }
    form = ShowcaseForm(request.POST or None, initial=initial, actuals=actuals, cases=cases)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.showcase_save(
                    version=version,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                    actual_ids=form.cleaned_data["actuals"],
                    case_ids=form.cleaned_data["cases"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, gettext("示范展示页已保存。"))
                return redirect("showcase:version_detail", pk=pk)
        context = {"version": version, "form": form, "has_sources": bool(actuals or cases)}
        return render(request, "showcase/edit.html", context, status=422)
    return render(
        request,
        "showcase/edit.html",
        {"version": version, "form": form, "has_sources": bool(actuals or cases)},
    )


@login_required
def version_detail(request, pk: int):
    version = selectors.get_version_for_user(request.user, pk)
    return render(
        request,
        "showcase/version_detail.html",
        {
            "version": version,
            "pilot": version.page.pilot,
            "can_edit": version.is_editable
            and permissions.can_edit_showcase(request.user, version.page.pilot),
        },
    )


@login_required
def case_photo(request, pk: int, case_pk: int):
    """A case photo of a version not (yet) public, for those who may read the version."""
    version = selectors.get_version_for_user(request.user, pk)
    case = get_object_or_404(version.cases.exclude(photo=""), pk=case_pk)
    return serve_file(
        case.photo,
        download_name=gettext("典型案例照片%(n)s%(ext)s") % {"n": case.order, "ext": case.extension},
        content_type=case.photo_type,
    )


@login_required
@require_POST
def version_action(request, pk: int, name: str):
    version = selectors.get_version_for_user(request.user, pk)
    if name not in services.VERSION_TRANSITIONS:
        raise Http404
    run(
        request,
        services.showcase_transition,
        success=gettext("已办理。"),
        version=version,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("showcase:version_detail", pk=pk)


@login_required
def review_queue(request):
    if not permissions.can_review_showcase(request.user):
        deny_section("showcase.review")
    return filtered_list(
        request,
        filter_class=ReviewQueueFilter,
        queryset=selectors.review_queue(request.user),
        template="showcase/review_queue.html",
        export=resources.review_queue_xlsx,
    )
