from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("changes/", views.change_list, name="changes"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/evidence/", views.change_evidence, name="change_evidence"),
    path("pilot/<int:pilot_pk>/", views.plan_page, name="plan"),
    path("pilot/<int:pilot_pk>/start/", views.plan_start, name="start"),
    path("pilot/<int:pilot_pk>/general/", views.plan_general, name="general"),
    path("pilot/<int:pilot_pk>/document/", views.plan_document, name="document"),
    path("pilot/<int:pilot_pk>/chapters/<slug:key>/", views.plan_chapter, name="chapter"),
    path("pilot/<int:pilot_pk>/targets/", views.plan_targets, name="targets"),
    path("pilot/<int:pilot_pk>/projects/", views.plan_projects, name="projects"),
    path("pilot/<int:pilot_pk>/funding/", views.plan_funding, name="funding"),
    path("pilot/<int:pilot_pk>/baseline/", views.plan_baseline, name="baseline"),
    path("pilot/<int:pilot_pk>/submit/", views.plan_submit, name="submit"),
    path("pilot/<int:pilot_pk>/decide/<slug:outcome>/", views.plan_decide, name="decide"),
    path("pilot/<int:pilot_pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("pilot/<int:pilot_pk>/local-approval/", views.local_approval, name="local_approval"),
    path("pilot/<int:pilot_pk>/local-approval/minutes/", views.minutes_file, name="minutes"),
    path("pilot/<int:pilot_pk>/ledger/", views.ledger, name="ledger"),
    path("pilot/<int:pilot_pk>/changes/new/<slug:kind>/", views.change_new, name="change_new"),
]
