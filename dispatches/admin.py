from django.contrib import admin

from .models import Circular, Dispatch, DispatchReminder, DispatchResponse, Question


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "due_date", "state"]
    list_filter = ["state"]
    inlines = [QuestionInline]
    readonly_fields = ["state", "selection", "opened_at", "closed_at"]


@admin.register(DispatchResponse)
class DispatchResponseAdmin(admin.ModelAdmin):
    list_display = ["dispatch", "pilot", "state", "submitted_at", "late"]
    list_filter = ["state", "late"]
    readonly_fields = ["state", "key", "submitted_at", "first_submitted_at", "late"]


@admin.register(DispatchReminder)
class DispatchReminderAdmin(admin.ModelAdmin):
    list_display = ["dispatch", "pilot", "kind", "day", "created_at"]


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    list_display = ["dispatch", "document_no", "issued_on", "rendered_at"]
