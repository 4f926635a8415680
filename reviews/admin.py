from django.contrib import admin

from .models import ReviewAssignment, ReviewRound


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ("name", "purpose", "batch", "state")
    readonly_fields = ("state",)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ("round", "expert", "application", "pilot", "state")
