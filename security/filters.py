import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.filters import ListFilter
from core.models import SecurityEvent


def _day_start(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _Period(ListFilter):
    """A date range (inclusive, local days), a user name and free text: what every audit list filters on."""

    user = forms.CharField(label=gettext_lazy("用户"), required=False, max_length=150)
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext_lazy("截止日期不能早于起始日期。"))
        return data

    def filter_date_from(self, queryset, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_date_to(self, queryset, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))


class SecurityEventFilter(_Period):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[("", gettext_lazy("全部类型")), *SecurityEvent.Kind.choices],
        required=False,
    )
    field_order = ["kind", "user", "date_from", "date_to", "q"]

    def filter_kind(self, queryset, value):
        return queryset.filter(kind=value)

    def filter_user(self, queryset, value):
        return queryset.filter(username__icontains=value)

    def filter_q(self, queryset, value):
        return queryset.filter(
            Q(summary__icontains=value) | Q(path__icontains=value) | Q(ip__icontains=value)
        )


class AuditEntryFilter(_Period):
    action = forms.CharField(label=gettext_lazy("操作代码"), required=False, max_length=64)
    field_order = ["action", "user", "date_from", "date_to", "q"]

    def filter_action(self, queryset, value):
        return queryset.filter(action__icontains=value)

    def filter_user(self, queryset, value):
        return queryset.filter(Q(actor__username__icontains=value) | Q(actor__full_name__icontains=value))

    def filter_q(self, queryset, value):
        return queryset.filter(
            Q(object_repr__icontains=value) | Q(action_label__icontains=value) | Q(reason__icontains=value)
        )
