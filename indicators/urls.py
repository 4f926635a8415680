from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("acceptance/", views.acceptance_system_list, name="acceptance_list"),
    path("acceptance/<int:pk>/", views.acceptance_system_detail, name="acceptance_detail"),
    path("acceptance/<int:pk>/export/", views.acceptance_system_export, name="acceptance_export"),
]
