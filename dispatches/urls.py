from django.urls import path

from . import views

app_name = "dispatches"
urlpatterns = [
    path("", views.dispatch_list, name="list"),
    path("new/", views.dispatch_create, name="create"),
    path("<int:pk>/", views.dispatch_detail, name="detail"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/remove/", views.question_remove, name="question_remove"),
    path("<int:pk>/actions/<slug:name>/", views.dispatch_action, name="action"),
    path("<int:pk>/urge/", views.dispatch_urge, name="urge"),
    path("<int:pk>/circular/", views.circular_issue, name="circular_issue"),
    path("<int:pk>/circular/pdf/", views.circular_pdf, name="circular_pdf"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/actions/<slug:name>/", views.response_action, name="response_action"),
    path("responses/<int:pk>/template/", views.response_template, name="response_template"),
    path("responses/<int:pk>/upload/", views.response_upload, name="response_upload"),
]
