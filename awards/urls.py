from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.award_list, name="list"),
    path("new/", views.award_create, name="create"),
    path("caps/", views.cap_list, name="caps"),
    path("<int:pk>/", views.award_detail, name="detail"),
    path("<int:pk>/instalments/", views.instalment_create, name="instalment_create"),
    path(
        "<int:pk>/instalments/<int:instalment_pk>/disburse/",
        views.instalment_disburse,
        name="instalment_disburse",
    ),
    path(
        "<int:pk>/instalments/<int:instalment_pk>/cancel/",
        views.instalment_cancel,
        name="instalment_cancel",
    ),
]
