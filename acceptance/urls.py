from django.urls import path

from . import views

app_name = "acceptance"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_prepare, name="prepare"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/upload/", views.request_upload, name="upload"),
    path("<int:pk>/files/<int:attachment_pk>/", views.request_download, name="download"),
    path("<int:pk>/files/<int:attachment_pk>/remove/", views.request_remove_file, name="remove_file"),
    path("<int:pk>/submit/", views.request_submit, name="submit"),
    path("<int:pk>/forward/", views.request_forward, name="forward"),
    path("<int:pk>/return/", views.request_return, name="return"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/dossier/", views.dossier, name="dossier"),
]
