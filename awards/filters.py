from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy

from applications.models import Batch
from core.filters import ListFilter
from organisations.models import Organisation, ReviewUnit

from .models import Award, PilotType

STATUS_CHOICES = [
    ("", gettext_lazy("全部拨付状态")),
    *Award.STATUS_LABELS.items(),
    ("due", gettext_lazy("有到期待拨付分期")),
]


class AwardFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("试点单位"), required=False)
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    batch = forms.ModelChoiceField(label=gettext_lazy("批次"), queryset=Batch.objects.all(), required=False)
    pilot_type = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[("", gettext_lazy("全部类型"))] + PilotType.choices,
        required=False,
    )
    status = forms.ChoiceField(label=gettext_lazy("拨付状态"), choices=STATUS_CHOICES, required=False)

    def filter_q(self, queryset, value):
        return queryset.filter(pilot__organisation__name__icontains=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)

    def filter_batch(self, queryset, value):
        return queryset.filter(pilot__batch=value)

    def filter_pilot_type(self, queryset, value):
        kind = Organisation.Kind.PARK if value == PilotType.PARK else Organisation.Kind.COUNTY
        return queryset.filter(pilot__organisation__kind=kind)

    def filter_status(self, queryset, value):
        if value == "unpaid":
            return queryset.filter(disbursed=0)
        if value == "partial":
            return queryset.filter(disbursed__gt=0, disbursed__lt=F("amount"))
        if value == "paid":
            return queryset.filter(disbursed__gte=F("amount"))
        return queryset.filter(due__gt=0)
