from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/actions/<slug:name>/", views.round_action, name="action"),
]
