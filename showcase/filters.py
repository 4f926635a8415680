from django import forms
from django.utils.translation import gettext_lazy

from applications.models import Batch
from core.filters import ListFilter
from organisations.models import Organisation, ReviewUnit
from pilots.selectors import PUBLIC_BATCH_STATES

from . import selectors
from .models import ShowcaseVersion

KIND_CHOICES = [
    ("", gettext_lazy("全部类型")),
    (Organisation.Kind.COUNTY, gettext_lazy("县（区）")),
    (Organisation.Kind.PARK, gettext_lazy("园区")),
]


class PublicPilotFilter(ListFilter):
    """The public list: by batch, city, kind and outcome (the outcome words are Pilot.public_status's)."""

    batch = forms.ModelChoiceField(
        label=gettext_lazy("批次"),
        queryset=Batch.objects.filter(state__in=PUBLIC_BATCH_STATES).order_by("year", "pk"),
        required=False,
        empty_label=gettext_lazy("全部批次"),
    )
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"),
        queryset=ReviewUnit.objects.all(),
        required=False,
        empty_label=gettext_lazy("全部市（区）"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=KIND_CHOICES, required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("建设结果"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", gettext_lazy("全部结果")), *selectors.outcome_choices()]

    def filter_batch(self, queryset, value):
        return queryset.filter(batch=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(organisation__review_unit=value)

    def filter_kind(self, queryset, value):
        return queryset.filter(organisation__kind=value)

    def filter_outcome(self, queryset, value):
        return queryset.filter(selectors.OUTCOMES[value])


class ReviewQueueFilter(ListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态")), *ShowcaseVersion.State.choices],
        required=False,
    )
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    q = forms.CharField(label=gettext_lazy("关键词"), required=False)

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(page__pilot__organisation__review_unit=value)

    def filter_q(self, queryset, value):
        return queryset.filter(page__pilot__organisation__name__icontains=value)
