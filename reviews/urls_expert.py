"""URLs of the experts' screens (declaration, assignments, scoring)."""

from django.http import Http404
from django.urls import path


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns: list = [
    path("mine/", _pending, name="my_assignments"),
    path("<int:pk>/declare/", _pending, name="declare"),
]
