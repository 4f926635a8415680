"""Read-only in /admin/: awards, caps and instalments are written only through awards.services (the finance
officer's pages), which check the rules and audit every change."""

from django.contrib import admin

from .models import Award, AwardCap, Instalment


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AwardCap)
class AwardCapAdmin(_ReadOnly):
    list_display = ["pilot_type", "grade", "amount", "effective_from"]
    list_filter = ["pilot_type", "grade"]


@admin.register(Award)
class AwardAdmin(_ReadOnly):
    list_display = ["pilot", "amount", "basis_number", "basis_date", "fund_source"]
    list_filter = ["fund_source"]


@admin.register(Instalment)
class InstalmentAdmin(_ReadOnly):
    list_display = ["award", "number", "amount", "planned_date", "state"]
    list_filter = ["state"]
