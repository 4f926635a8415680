"""Read-only: every acceptance decision step, publicity and certificate is made through naming.services."""

from django.contrib import admin

from .models import AcceptanceDecision, NamingCertificate, NamingPublicity


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AcceptanceDecision)
class AcceptanceDecisionAdmin(ReadOnly):
    list_display = ["round", "kind", "by", "at"]
    list_filter = ["kind"]


@admin.register(NamingPublicity)
class NamingPublicityAdmin(ReadOnly):
    list_display = ["round", "state", "start", "end", "document_no"]
    list_filter = ["state"]


@admin.register(NamingCertificate)
class NamingCertificateAdmin(ReadOnly):
    list_display = ["pilot", "document_no", "grade", "issued_on", "rendered_at"]
