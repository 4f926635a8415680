from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("work-plans/", views.work_plan_list, name="work_plan_list"),
    path("work-plans/new/", views.work_plan_create, name="work_plan_create"),
    path("work-plans/<int:pk>/", views.work_plan_detail, name="work_plan_detail"),
    path("work-plans/<int:pk>/edit/", views.work_plan_edit, name="work_plan_edit"),
    path("work-plans/<int:pk>/actions/<slug:name>/", views.work_plan_action, name="work_plan_action"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/attachments/", views.visit_upload, name="visit_upload"),
    path("visits/<int:pk>/attachments/<int:attachment_pk>/", views.visit_download, name="visit_download"),
    path("visits/<int:pk>/response/", views.visit_respond, name="visit_respond"),
    path("visits/<int:pk>/actions/<slug:name>/", views.visit_action, name="visit_action"),
    path("guidance/", views.group_list, name="group_list"),
    path("guidance/new/", views.group_create, name="group_create"),
    path("guidance/<int:pk>/", views.group_detail, name="group_detail"),
    path("guidance/<int:pk>/experts/add/", views.group_add_expert, name="group_add_expert"),
    path("guidance/<int:pk>/experts/remove/", views.group_remove_expert, name="group_remove_expert"),
    path("guidance/<int:pk>/pilots/add/", views.group_assign_pilot, name="group_assign_pilot"),
    path("guidance/<int:pk>/pilots/<int:pilot_pk>/", views.group_pilot, name="group_pilot"),
    path("guidance/<int:pk>/visits/new/", views.guidance_visit_create, name="guidance_visit_create"),
    path("guidance/visits/", views.guidance_visit_list, name="guidance_visit_list"),
    path("guidance/visits/<int:pk>/", views.guidance_visit_detail, name="guidance_visit_detail"),
    path("guidance/visits/<int:pk>/response/", views.guidance_visit_respond, name="guidance_visit_respond"),
]
