from django.urls import path

from . import views

app_name = "naming"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("rounds/<int:pk>/decision/", views.decision, name="decision"),
    path("rounds/<int:pk>/decision/propose/", views.decision_propose, name="propose"),
    path("rounds/<int:pk>/confirmations/", views.confirmations, name="confirmations"),
    path("rounds/<int:pk>/confirmations/confirm/", views.decision_confirm, name="confirm"),
    path("rounds/<int:pk>/confirmations/return/", views.decision_return, name="return"),
    path("rounds/<int:pk>/publicity/", views.publicity, name="publicity"),
    path("rounds/<int:pk>/publicity/open/", views.publicity_open, name="publicity_open"),
    path("rounds/<int:pk>/publicity/objections/", views.objection_record, name="objection_record"),
    path(
        "rounds/<int:pk>/publicity/objections/<int:objection_pk>/",
        views.objection_handle,
        name="objection_handle",
    ),
    path("rounds/<int:pk>/publicity/conclude/", views.publicity_conclude, name="publicity_conclude"),
    path("public/", views.public, name="public"),
    path("pilots/<int:pk>/", views.result, name="result"),
    path("pilots/<int:pk>/certificate/", views.certificate, name="certificate"),
]
