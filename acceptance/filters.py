from django import forms
from django.utils.translation import gettext_lazy

from core.filters import ListFilter
from organisations.models import ReviewUnit

from .models import AcceptanceRequest


class RequestFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("试点单位"), required=False)
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + AcceptanceRequest.State.choices,
        required=False,
    )

    def filter_q(self, queryset, value):
        return queryset.filter(pilot__organisation__name__icontains=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)
