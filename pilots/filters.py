from django import forms
from django.utils.translation import gettext_lazy

from core.filters import ListFilter
from organisations.models import Organisation, ReviewUnit

from .models import DisqualificationProposal, Pilot


class PilotFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("关键词"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + Pilot.State.choices,
        required=False,
    )
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            ("", gettext_lazy("全部类型")),
            (Organisation.Kind.COUNTY, gettext_lazy("县（区）")),
            (Organisation.Kind.PARK, gettext_lazy("园区")),
        ],
        required=False,
    )

    def filter_q(self, queryset, value):
        return queryset.filter(organisation__name__icontains=value)

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(organisation__review_unit=value)

    def filter_kind(self, queryset, value):
        return queryset.filter(organisation__kind=value)


class DisqualificationFilter(ListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + DisqualificationProposal.State.choices,
        required=False,
    )
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)
