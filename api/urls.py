from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", views.documentation, name="docs"),
    path("token/", views.token_page, name="token"),
    path("token/issue/", views.token_issue, name="token_issue"),
    path("token/revoke/", views.token_revoke, name="token_revoke"),
    path("batches/", views.BatchList.as_view(), name="batches"),
    path("publicity/", views.PublicityList.as_view(), name="publicity"),
    path("publicity/<int:pk>/", views.PublicityDetail.as_view(), name="publicity_detail"),
    path("pilots/published/", views.PublicPilotList.as_view(), name="published_pilots"),
    path("me/applications/", views.ApplicationList.as_view(), name="applications"),
    path("me/applications/<int:pk>/", views.ApplicationDetail.as_view(), name="application"),
    path("me/pilots/", views.PilotList.as_view(), name="pilots"),
    path("me/pilots/<int:pk>/", views.PilotDetail.as_view(), name="pilot"),
    path("me/reports/", views.ReportList.as_view(), name="reports"),
    path("me/reports/<int:pk>/", views.ReportDetail.as_view(), name="report"),
    # Anything else under /api/v1/ (an id that is not a number, a misspelt path) answers in JSON too.
    re_path(r"^.*$", views.not_found),
]
