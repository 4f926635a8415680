from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pilot", "year", "state", "submitted_at")
    list_filter = ("year", "state")
    readonly_fields = ("state",)
