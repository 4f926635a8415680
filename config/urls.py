from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

admin.site.site_header = gettext_lazy("陕西省低碳近零碳试点示范建设管理平台 · 系统管理")
admin.site.site_title = gettext_lazy("系统管理")

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("applications/", include("applications.urls")),
    path("pilots/", include("pilots.urls")),
    path("reports/", include("reports.urls")),
    path("reviews/", include("reviews.urls")),
    path("publicity/", include("reviews.urls_public")),
    path("admin/", admin.site.urls),
]
