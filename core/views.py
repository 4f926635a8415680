from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .security import get_in_scope_or_404

INBOX_PAGE_SIZE = 30


def _inbox_filters(params) -> tuple[str, bool]:
    type_ = params.get("type", "")
    return (type_ if type_ in Notification.Type.values else ""), params.get("unread") == "1"


def _inbox_url(type_: str, unread: bool) -> str:
    params = {k: v for k, v in (("type", type_), ("unread", "1" if unread else "")) if v}
    return reverse("core:inbox") + (f"?{urlencode(params)}" if params else "")


@login_required
def inbox(request):
    """The user's messages, by type and read state; three queries whatever their number."""
    type_, unread = _inbox_filters(request.GET)
    notifications = request.user.notifications.all()
    if type_:
        notifications = notifications.filter(Notification.type_condition(type_))
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    unread_counts = request.user.notifications.filter(read_at__isnull=True).aggregate(
        all=Count("pk"),
        **{t: Count("pk", filter=Notification.type_condition(t)) for t in Notification.Type.values},
    )
    tabs = [("", _("全部"), unread_counts["all"])] + [
        (value, label, unread_counts[value]) for value, label in Notification.Type.choices
    ]
    context = {
        "page": page,
        "tabs": [
            {"type": t, "label": label, "unread": n, "url": _inbox_url(t, unread), "current": t == type_}
            for t, label, n in tabs
        ],
        "type": type_,
        "unread_only": unread,
        "toggle_unread_url": _inbox_url(type_, not unread),
        "here": _inbox_url(type_, unread),
    }
    return render(request, "core/inbox.html", context)


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_in_scope_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "core:inbox")


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one message read without leaving the inbox (its filters are kept)."""
    updated = request.user.notifications.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    if not updated and not request.user.notifications.filter(pk=pk).exists():
        raise Http404
    type_, unread = _inbox_filters(request.POST)
    return redirect(_inbox_url(type_, unread))


@login_required
@require_POST
def inbox_mark_all_read(request):
    """Mark read every unread message of the type being looked at (all of them without a type)."""
    type_, unread = _inbox_filters(request.POST)
    notifications = request.user.notifications.filter(read_at__isnull=True)
    if type_:
        notifications = notifications.filter(Notification.type_condition(type_))
    notifications.update(read_at=timezone.now())
    return redirect(_inbox_url(type_, unread))


def healthz(request):
    """For the load balancer: 200 when this web node can reach its database, 503 otherwise."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure makes the node unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
