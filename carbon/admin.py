from django.contrib import admin

from .models import EmissionFactorSet, FuelFactor


class FuelFactorInline(admin.TabularInline):
    model = FuelFactor
    extra = 0


@admin.register(EmissionFactorSet)
class EmissionFactorSetAdmin(admin.ModelAdmin):
    """Reference data the province maintains: a new vintage is a new set, never an edit of an old one
    that submitted applications were computed with."""

    list_display = ("name", "vintage_year", "grid_scope", "grid_factor", "deduct_green_power", "is_default")
    list_filter = ("vintage_year", "is_default")
    inlines = [FuelFactorInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_default:
            EmissionFactorSet.objects.exclude(pk=obj.pk).update(is_default=False)
