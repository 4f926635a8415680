from django.contrib import admin

from .models import GuidanceGroup, GuidanceVisit, Visit, WorkPlan


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["pilot", "year", "state"]
    list_filter = ["year", "state"]
    readonly_fields = ["state"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["pilot", "visit_date", "rectification_deadline", "state"]
    list_filter = ["state"]
    readonly_fields = ["state"]


@admin.register(GuidanceGroup)
class GuidanceGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "year"]


@admin.register(GuidanceVisit)
class GuidanceVisitAdmin(admin.ModelAdmin):
    list_display = ["group", "pilot", "visit_date", "kind"]
