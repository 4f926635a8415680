from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.filters import ListFilter
from organisations.models import ReviewUnit

from .models import Visit, WorkPlan


class _PilotListFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("试点单位"), required=False)
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000, max_value=2100)
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )

    def filter_q(self, queryset, value):
        return queryset.filter(pilot__organisation__name__icontains=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)


class WorkPlanFilter(_PilotListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + WorkPlan.State.choices,
        required=False,
    )

    def filter_year(self, queryset, value):
        return queryset.filter(year=value)

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)


class VisitFilter(_PilotListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))]
        + Visit.State.choices
        + [("overdue", gettext_lazy("逾期未整改"))],
        required=False,
    )

    def filter_year(self, queryset, value):
        return queryset.filter(visit_date__year=value)

    def filter_state(self, queryset, value):
        if value == "overdue":
            return queryset.filter(state=Visit.State.OPEN, rectification_deadline__lt=timezone.localdate())
        return queryset.filter(state=value)


class GuidanceVisitFilter(_PilotListFilter):
    def filter_year(self, queryset, value):
        return queryset.filter(visit_date__year=value)
