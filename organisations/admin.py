from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from .models import Division, Membership, Organisation, ReviewUnit


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "kind")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")


@admin.register(ReviewUnit)
class ReviewUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "bureau_name", "is_fenwei_priority", "order")
    filter_horizontal = ("divisions",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(ImportExportModelAdmin):
    list_display = ("name", "kind", "review_unit", "division", "park_level", "approved", "is_reference")
    list_filter = ("kind", "review_unit", "park_level", "approved", "is_reference")
    search_fields = ("name", "short_name", "credit_code")
    filter_horizontal = ("host_divisions",)
    autocomplete_fields = ("division", "parent")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "title")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
