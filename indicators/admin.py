from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy

from core.errors import DomainError

from . import services
from .models import (
    AcceptanceAdjustment,
    AcceptanceCategory,
    AcceptanceItem,
    AcceptanceSystem,
    AcceptanceVeto,
    Indicator,
    IndicatorSet,
    IndicatorSetItem,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "category", "active"]
    list_filter = ["direction", "category", "active"]
    search_fields = ["code", "name"]


class IndicatorSetItemInline(admin.TabularInline):
    model = IndicatorSetItem
    extra = 0
    autocomplete_fields = ["indicator"]

    def _frozen(self, obj) -> bool:
        return bool(obj and obj.frozen_at)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    """Maintenance of the sets; a frozen set (in use) is read-only, a change is a new version."""

    list_display = ["name", "purpose", "version", "frozen_at"]
    list_filter = ["purpose"]
    readonly_fields = ["frozen_at"]
    inlines = [IndicatorSetItemInline]
    actions = ["new_version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.frozen_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.frozen_at:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("新建版本（复制所选指标集）"))
    def new_version(self, request, queryset):
        for indicator_set in queryset:
            try:
                new = services.indicator_set_new_version(indicator_set=indicator_set, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, gettext("已新建：%(set)s") % {"set": new})


# --- acceptance indicator systems: inspected here; a frozen version is read-only ----------------------------


class _FrozenReadOnly:
    """Inline or admin of a part of a version: no add, change or delete once the version is frozen."""

    def _frozen(self, obj) -> bool:
        system = getattr(obj, "system", obj)
        return bool(system and getattr(system, "frozen_at", None))

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class AcceptanceCategoryInline(_FrozenReadOnly, admin.TabularInline):
    model = AcceptanceCategory
    extra = 0


class AcceptanceVetoInline(_FrozenReadOnly, admin.TabularInline):
    model = AcceptanceVeto
    extra = 0


class AcceptanceAdjustmentInline(_FrozenReadOnly, admin.TabularInline):
    model = AcceptanceAdjustment
    extra = 0


@admin.register(AcceptanceSystem)
class AcceptanceSystemAdmin(admin.ModelAdmin):
    """The versions of 附件3/附件4; the items are listed under 验收指标 (filter by version)."""

    list_display = ["name", "kind", "version", "is_proposal", "pass_score", "excellent_score", "frozen_at"]
    list_filter = ["kind", "is_proposal"]
    readonly_fields = ["frozen_at", "total_points"]
    inlines = [AcceptanceCategoryInline, AcceptanceVetoInline, AcceptanceAdjustmentInline]
    actions = ["new_version", "freeze", "export_items"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.frozen_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.frozen_at:
            return False
        return super().has_delete_permission(request, obj)

    change_form_template = "admin/indicators/acceptancesystem/change_form.html"

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:pk>/import-items/",
                self.admin_site.admin_view(self.import_items_view),
                name="indicators_acceptancesystem_import_items",
            ),
            *super().get_urls(),
        ]

    def import_items_view(self, request, pk: int):
        """Upload an xlsx in the export's layout to replace a non-frozen version's items (all or nothing)."""
        from django import forms
        from django.shortcuts import get_object_or_404, redirect
        from django.template.response import TemplateResponse

        class UploadForm(forms.Form):
            file = forms.FileField(label=gettext_lazy("Excel文件（.xlsx）"))

        system = get_object_or_404(AcceptanceSystem, pk=pk)
        if not self.has_change_permission(request, system):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = services.acceptance_items_import(
                    system=system, content=form.cleaned_data["file"].read(), by=request.user
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                self.message_user(request, gettext("已导入%(n)s项指标。") % {"n": count})
                return redirect("admin:indicators_acceptancesystem_change", system.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": system,
            "form": form,
            "title": gettext("导入验收指标：%(system)s") % {"system": system},
        }
        return TemplateResponse(request, "admin/indicators/acceptancesystem/import_items.html", context)

    @admin.action(description=gettext_lazy("新建版本（复制所选指标体系）"))
    def new_version(self, request, queryset):
        for system in queryset:
            new = services.acceptance_system_new_version(system=system, by=request.user)
            self.message_user(request, gettext("已新建：%(system)s") % {"system": new})

    @admin.action(description=gettext_lazy("冻结（启用）所选指标体系"))
    def freeze(self, request, queryset):
        for system in queryset:
            try:
                services.acceptance_system_freeze(system=system, by=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, gettext("已冻结：%(system)s") % {"system": system})

    @admin.action(description=gettext_lazy("导出所选版本的指标（Excel）"))
    def export_items(self, request, queryset):
        from core import xlsx

        from .transfer import items_sheet

        systems = list(queryset)
        sheets = [items_sheet(system) for system in systems]
        return xlsx.xlsx_response(sheets, filename=gettext("验收评价指标体系.xlsx"))


@admin.register(AcceptanceItem)
class AcceptanceItemAdmin(admin.ModelAdmin):
    list_display = ["indicator", "system", "category", "points", "binding", "rule", "params", "order"]
    list_filter = ["category__system", "rule", "binding"]
    list_select_related = ["indicator", "category", "category__system"]
    autocomplete_fields = ["indicator"]
    search_fields = ["indicator__name", "indicator__code"]

    @admin.display(description=gettext_lazy("指标体系"), ordering="category__system")
    def system(self, obj):
        return obj.category.system

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":  # a frozen version takes no new item
            kwargs["queryset"] = AcceptanceCategory.objects.filter(
                system__frozen_at__isnull=True
            ).select_related("system")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "category":
            field.label_from_instance = lambda category: f"{category.system} · {category}"
        return field

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.category.system.frozen_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.category.system.frozen_at:
            return False
        return super().has_delete_permission(request, obj)
