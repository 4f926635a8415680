from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from applications.models import Batch
from core.filters import ListFilter
from organisations.models import Organisation, ReviewUnit

from .models import DispatchResponse
from .selectors import late_condition

YES_NO = [("", gettext_lazy("全部")), ("yes", gettext_lazy("是")), ("no", gettext_lazy("否"))]


class ResponseFilter(ListFilter):
    """The answer table's filters. `dispatch` decides what late means (after its due date)."""

    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    batch = forms.ModelChoiceField(label=gettext_lazy("批次"), queryset=Batch.objects.all(), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            ("", gettext_lazy("全部类型")),
            (Organisation.Kind.COUNTY, gettext_lazy("县（区）")),
            (Organisation.Kind.PARK, gettext_lazy("园区")),
        ],
        required=False,
    )
    answered = forms.ChoiceField(label=gettext_lazy("已报送"), choices=YES_NO, required=False)
    late = forms.ChoiceField(label=gettext_lazy("逾期"), choices=YES_NO, required=False)

    def __init__(self, data, queryset, *, user=None, dispatch=None):
        super().__init__(data, queryset, user=user)
        self.dispatch = dispatch

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)

    def filter_batch(self, queryset, value):
        return queryset.filter(pilot__batch=value)

    def filter_kind(self, queryset, value):
        return queryset.filter(pilot__organisation__kind=value)

    def filter_answered(self, queryset, value):
        answered = Q(state=DispatchResponse.State.SUBMITTED)
        return queryset.filter(answered if value == "yes" else ~answered)

    def filter_late(self, queryset, value):
        late = late_condition(self.dispatch)
        return queryset.filter(late if value == "yes" else ~late)
