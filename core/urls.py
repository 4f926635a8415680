from django.urls import path

from . import views, views_verify

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("verify/", views_verify.verify, name="verify"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
]
