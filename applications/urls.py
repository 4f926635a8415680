from django.urls import path

from . import views, views_city, views_form

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment_delete"
    ),
    path("<int:pk>/recommend/", views.application_recommend, name="recommend"),
    path("<int:pk>/actions/<slug:name>/", views.application_action, name="action"),
    path("<int:pk>/edit/<slug:section>/", views_form.section_edit, name="section"),
    path("<int:pk>/edit/<slug:section>/row/", views_form.section_row, name="section_row"),
    path("<int:pk>/baseline/<int:year>/", views_form.baseline_edit, name="baseline"),
    path("<int:pk>/projects/new/", views_form.project_edit, name="project_new"),
    path("<int:pk>/projects/<int:project_pk>/", views_form.project_edit, name="project_edit"),
    path("<int:pk>/projects/<int:project_pk>/delete/", views_form.project_delete, name="project_delete"),
    path("<int:pk>/versions/", views_city.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/pdf/", views_city.snapshot_pdf, name="snapshot_pdf"),
    path("<int:pk>/draft-pdf/", views_city.draft_pdf_request, name="draft_pdf_request"),
    path("<int:pk>/draft-pdf/status/", views_city.draft_pdf_status, name="draft_pdf_status"),
    path("<int:pk>/draft-pdf/<int:draft_pk>/", views_city.draft_pdf_download, name="draft_pdf_download"),
    path("city/<int:batch_pk>/", views_city.city_screening, name="city_screening"),
    path("city/<int:batch_pk>/rank/", views_city.city_rank, name="city_rank"),
    path("city/<int:batch_pk>/forward/", views_city.city_forward, name="city_forward"),
    path("forwardings/<int:forwarding_pk>/letter/", views_city.forwarding_letter, name="forwarding_letter"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/actions/<slug:name>/", views.batch_action, name="batch_action"),
]
