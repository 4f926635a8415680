from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("overview/", views.overview_page, name="overview"),
    path("pilots/<int:pilot_pk>/emissions/", views.pilot_emissions, name="pilot_emissions"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/<slug:section>/", views.report_edit, name="edit"),
    path("<int:pk>/cases/<int:case_id>/delete/", views.case_delete, name="case_delete"),
    path("<int:pk>/cases/<int:case_id>/photo/", views.case_photo, name="case_photo"),
    path("<int:pk>/evidence/<int:actual_id>/", views.evidence, name="evidence"),
    path("<int:pk>/opinion/", views.city_opinion, name="opinion"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:pk>/actions/<slug:name>/", views.report_action, name="action"),
]
