"""The showcase, mounted at /showcase/ by config/urls.py: the public pages (no login) and, under manage/,
the pilots' editor and the province's review."""

from django.urls import path

from . import views, views_public

app_name = "showcase"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("city/<str:code>/", views_public.city, name="city"),
    path("<int:pilot_pk>/", views_public.pilot_page, name="pilot"),
    path("<int:pilot_pk>/cases/<int:case_pk>/photo/", views_public.case_photo, name="case_photo"),
    path("manage/", views.my_pages, name="my_pages"),
    path("manage/review/", views.review_queue, name="review_queue"),
    path("manage/pilots/<int:pilot_pk>/start/", views.start, name="start"),
    path("manage/versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("manage/versions/<int:pk>/cases/<int:case_pk>/photo/", views.case_photo, name="version_case_photo"),
    path("manage/versions/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/versions/<int:pk>/actions/<slug:name>/", views.version_action, name="version_action"),
]
