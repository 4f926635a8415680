from django import forms
from django.utils.translation import gettext_lazy

from core.filters import ListFilter

from .models import AcceptanceDecision


class DecisionRoundFilter(ListFilter):
    q = forms.CharField(label=gettext_lazy("评审轮次"), required=False)
    step = forms.ChoiceField(
        label=gettext_lazy("会签情况"),
        choices=[("", gettext_lazy("全部")), *AcceptanceDecision.Kind.choices],
        required=False,
    )

    def filter_q(self, queryset, value):
        return queryset.filter(name__icontains=value)

    def filter_step(self, queryset, value):
        return queryset.filter(last_kind=value)
