from django.urls import path

from . import views
from .urls_expert import urlpatterns as expert_urls
from .urls_officer import urlpatterns as officer_urls

app_name = "reviews"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/actions/<slug:name>/", views.round_action, name="action"),
    *officer_urls,
    *expert_urls,
]
