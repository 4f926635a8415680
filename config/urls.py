from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView

admin.site.site_header = gettext_lazy("陕西省低碳近零碳试点示范建设管理平台 · 系统管理")
admin.site.site_title = gettext_lazy("系统管理")

urlpatterns = [
    path("", include("core.urls")),
    path("", include("dashboard.urls")),
    path("accounts/", include("core.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("applications/", include("applications.urls")),
    # The public pilot list moved to the publicity pages (issue 9: it shows the list PDFs of reviews).
    path("pilots/published/", RedirectView.as_view(pattern_name="publicity:pilot_list", query_string=True)),
    path("pilots/", include("pilots.urls")),
    path("plans/", include("plans.urls")),
    path("indicators/", include("indicators.urls")),
    path("reports/", include("reports.urls")),
    path("dispatches/", include("dispatches.urls")),
    path("reviews/", include("reviews.urls")),
    path("followup/", include("followup.urls")),
    path("awards/", include("awards.urls")),
    path("showcase/", include("showcase.urls")),
    path("naming/", include("naming.urls")),
    path("acceptance/", include("acceptance.urls")),
    path("publicity/", include("reviews.urls_public")),
    path("security/", include("security.urls")),
    # The factor sets moved from reports to carbon (issue 9): their old admin addresses still lead there.
    re_path(
        r"^admin/reports/(?P<model>emissionfactorset)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/carbon/%(model)s/%(rest)s", query_string=True),
    ),
    # Divisions, review units, organisations and memberships moved from pilots to organisations (issue 9).
    re_path(
        r"^admin/pilots/(?P<model>division|reviewunit|organisation|membership)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/organisations/%(model)s/%(rest)s", query_string=True),
    ),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
