"""The auditor's pages: the security events, the business audit trail, the chain verification.
Anyone without the auditor role gets 404 (no hint that the pages exist)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.chain import verify_all

from .filters import AuditEntryFilter, SecurityEventFilter
from .permissions import can_audit
from .resources import audit_entries_xlsx, security_events_xlsx
from .selectors import audit_entries, security_events

PAGE_SIZE = 50


def _require_auditor(user) -> None:
    if not can_audit(user):
        raise Http404


@login_required
def event_list(request):
    _require_auditor(request.user)
    filters = SecurityEventFilter(request.GET, security_events())
    if request.GET.get("export") == "xlsx":
        return security_events_xlsx(filters.queryset, filters=filters)
    page = Paginator(filters.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/events.html", {"page": page, "filters": filters})


@login_required
def audit_list(request):
    _require_auditor(request.user)
    filters = AuditEntryFilter(request.GET, audit_entries())
    if request.GET.get("export") == "xlsx":
        return audit_entries_xlsx(filters.queryset, filters=filters)
    page = Paginator(filters.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/audit.html", {"page": page, "filters": filters})


@login_required
def verify(request):
    """Walks both chains now (about 30 s per million entries on this machine class: docs/security.md)."""
    _require_auditor(request.user)
    verdicts = verify_all() if request.method == "POST" else None
    return render(request, "security/verify.html", {"verdicts": verdicts})
