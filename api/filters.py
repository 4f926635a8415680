import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from applications.models import Application, Batch
from pilots.models import Pilot
from reports.models import AnnualReport

MAX_ID = 2_147_483_647


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=2000, max_value=2100, **kwargs)


class BatchFilter(django_filters.FilterSet):
    year = YearFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(choices=Batch.State.choices, label=_("状态"))

    class Meta:
        model = Batch
        fields = ["year", "state"]


class PilotFilter(django_filters.FilterSet):
    year = YearFilter(field_name="batch__year", label=_("批次年度"))
    batch = IdFilter(field_name="batch_id", label=_("批次"))
    city = django_filters.CharFilter(field_name="organisation__review_unit_id", label=_("市级审核单位代码"))
    kind = django_filters.CharFilter(field_name="organisation__kind", label=_("单位类型"))

    class Meta:
        model = Pilot
        fields = ["year", "batch", "city", "kind"]


class OwnPilotFilter(PilotFilter):
    state = django_filters.ChoiceFilter(choices=Pilot.State.choices, label=_("状态"))

    class Meta(PilotFilter.Meta):
        fields = [*PilotFilter.Meta.fields, "state"]


class ApplicationFilter(django_filters.FilterSet):
    batch = IdFilter(field_name="batch_id", label=_("批次"))
    year = YearFilter(field_name="batch__year", label=_("批次年度"))
    state = django_filters.ChoiceFilter(choices=Application.State.choices, label=_("状态"))

    class Meta:
        model = Application
        fields = ["batch", "year", "state"]


class ReportFilter(django_filters.FilterSet):
    year = YearFilter(label=_("年度"))
    state = django_filters.ChoiceFilter(choices=AnnualReport.State.choices, label=_("状态"))

    class Meta:
        model = AnnualReport
        fields = ["year", "state"]
