from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import ReviewAssignment, ReviewRound, SelectionDecision


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "purpose", "batch", "state")
    readonly_fields = ("state",)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "expert", "item", "state")


@admin.register(SelectionDecision)
class SelectionDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "kind", "by", "at")
