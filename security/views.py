"""The auditor's pages: the security events, the business audit trail, the chain verification.
Anyone without the auditor role gets 404 (no hint that the pages exist)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from core.models import SecurityEvent
from core.queue import enqueue
from core.security import deny_section
from core.tasks import verify_audit_chains

from .filters import AuditEntryFilter, SecurityEventFilter
from .permissions import can_audit
from .resources import audit_entries_xlsx, security_events_xlsx
from .selectors import audit_entries, security_events

PAGE_SIZE = 50
VERIFY_RUNS_SHOWN = 10


def _require_auditor(user) -> None:
    if not can_audit(user):
        deny_section("security.audit")


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
    """The chain verifications (nightly and requested), newest first; POST queues a new one (a million
    entries take about half a minute: docs/security.md), so nobody waits on the request."""
    _require_auditor(request.user)
    if request.method == "POST":
        enqueue(verify_audit_chains, request.user.pk)
        messages.success(request, gettext("已开始校验审计链，完成后刷新本页查看结果。"))
        return redirect("security:verify")
    runs = security_events().filter(kind=SecurityEvent.Kind.VERIFY)[:VERIFY_RUNS_SHOWN]
    return render(request, "security/verify.html", {"runs": runs})
