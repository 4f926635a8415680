"""The public publicity pages (公示), mounted at /publicity/ by config/urls.py."""

from django.urls import path

from . import views_public

app_name = "publicity"
urlpatterns = [
    path("", views_public.publicity_index, name="index"),
    path("pilots/", views_public.public_pilot_list, name="pilot_list"),
    path("<int:batch_pk>/", views_public.publicity_notice, name="notice"),
    path("<int:batch_pk>/notice.pdf", views_public.publicity_pdf, name="notice_pdf"),
    path("<int:batch_pk>/pilots.pdf", views_public.pilot_list_pdf, name="pilot_list_pdf"),
]
