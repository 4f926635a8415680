from django.contrib import admin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ("pilot", "year", "state", "submitted_at")
    list_filter = ("year", "state")
    readonly_fields = ("state",)
