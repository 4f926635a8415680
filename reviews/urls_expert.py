"""URLs of the experts' screens (declaration, assignments, scoring)."""

from django.urls import path

from . import views_expert

urlpatterns: list = [
    path("mine/", views_expert.my_assignments, name="my_assignments"),
    path("<int:pk>/declare/", views_expert.declare, name="declare"),
    path("mine/<int:pk>/", views_expert.assignment, name="my_assignment"),
    path("mine/<int:pk>/respond/", views_expert.assignment_respond, name="my_assignment_respond"),
    path("mine/<int:pk>/scores/", views_expert.assignment_scores, name="my_assignment_scores"),
    path("mine/<int:pk>/others/", views_expert.assignment_others, name="my_assignment_others"),
]
