from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.models import Batch
from pilots.selectors import published_pilots

from .dashboard import dashboard_for
from .models import Notification


def home(request):
    pilots = list(published_pilots())
    open_batches = Batch.objects.filter(state=Batch.State.OPEN).order_by("application_deadline")
    in_publicity = Batch.objects.filter(state=Batch.State.PUBLICITY).order_by("publicity_end")
    return render(
        request,
        "core/home.html",
        {"pilots": pilots, "open_batches": open_batches, "in_publicity": in_publicity},
    )


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"board": dashboard_for(request.user)})


@login_required
def inbox(request):
    notifications = request.user.notifications.all()[:200]
    return render(request, "core/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "core:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:inbox")


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
