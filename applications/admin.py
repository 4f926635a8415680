from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import Application, Attachment, Batch


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "year", "state", "application_deadline", "forwarding_deadline")
    readonly_fields = ("state",)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ("kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    exclude = ("file", "token", "extension")
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "batch", "state", "submitted_at")
    list_filter = ("state", "batch", "organisation__review_unit")
    search_fields = ("organisation__name",)
    readonly_fields = ("state",)
    inlines = [AttachmentInline]
