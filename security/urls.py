from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("audit/", views.audit_list, name="audit"),
    path("verify/", views.verify, name="verify"),
]
