from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applications.models import Batch
from naming.selectors import public_publicities
from pilots.selectors import published_pilots

from .selectors import dashboard_for


def home(request):
    pilots = list(published_pilots())
    open_batches = Batch.objects.filter(state=Batch.State.OPEN).order_by("application_deadline")
    in_publicity = Batch.objects.filter(state=Batch.State.PUBLICITY).order_by("publicity_end")
    return render(
        request,
        "dashboard/home.html",
        {
            "pilots": pilots,
            "open_batches": open_batches,
            "in_publicity": in_publicity,
            "acceptance_publicity": public_publicities(),
        },
    )


@login_required
def dashboard(request):
    return render(request, "dashboard/dashboard.html", {"board": dashboard_for(request.user)})
