from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import Pilot


@admin.register(Pilot)
class PilotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """State is changed only through the portal's services; here it is read-only."""

    list_display = ("organisation", "batch", "state")
    list_filter = ("state", "batch")
    readonly_fields = ("state",)
    search_fields = ("organisation__name",)
