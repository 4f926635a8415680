from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from core.filters import ListFilter
from organisations.models import Organisation, ReviewUnit

from .models import Application, Batch


class ApplicationFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("关键词"), required=False)
    batch = forms.ModelChoiceField(label=gettext_lazy("批次"), queryset=Batch.objects.all(), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + Application.State.choices,
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
        return queryset.filter(
            Q(organisation__name__icontains=value) | Q(organisation__short_name__icontains=value)
        )

    def filter_batch(self, queryset, value):
        return queryset.filter(batch=value)

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(organisation__review_unit=value)

    def filter_kind(self, queryset, value):
        return queryset.filter(organisation__kind=value)
