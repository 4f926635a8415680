from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/eligibility/", views.application_update_eligibility, name="eligibility"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment_delete"
    ),
    path("<int:pk>/recommend/", views.application_recommend, name="recommend"),
    path("<int:pk>/propose/", views.application_propose, name="propose"),
    path("<int:pk>/actions/<slug:name>/", views.application_action, name="action"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/actions/<slug:name>/", views.batch_action, name="batch_action"),
]
