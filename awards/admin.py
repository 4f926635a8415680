from django.contrib import admin

from .models import Award, AwardCap, Instalment


@admin.register(AwardCap)
class AwardCapAdmin(admin.ModelAdmin):
    list_display = ["pilot_type", "grade", "amount", "effective_from"]
    list_filter = ["pilot_type", "grade"]

    def has_change_permission(self, request, obj=None):  # caps change only through the portal (audited)
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["pilot", "amount", "basis_number", "basis_date", "fund_source"]
    list_filter = ["fund_source"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Instalment)
class InstalmentAdmin(admin.ModelAdmin):
    list_display = ["award", "number", "amount", "planned_date", "state"]
    list_filter = ["state"]

    def has_change_permission(self, request, obj=None):
        return False
