from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy

from core.errors import DomainError

from . import services
from .models import Indicator, IndicatorSet, IndicatorSetItem


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
