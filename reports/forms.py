"""The report form, section by section. Values outside plausible ranges are refused next to the field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbon.accounting import unit_for
from carbon.models import Fuel
from core.formats import parenthesised
from core.uploads import validate_upload

from .checks import range_error
from .models import AnnualReport, Quality, ReportEvaluation

IMAGES = {"image/png", "image/jpeg"}
SECTIONS = [
    ("general", _("基本情况")),
    ("energy", _("能源活动数据")),
    ("indicators", _("指标完成情况")),
    ("projects", _("重点项目进展")),
    ("tasks", _("四项任务与资金")),
    ("cases", _("典型案例")),
]
GENERAL_FIELDS = ["gdp_100m", "gdp_constant_100m", "population_10k", "total_energy_tce", "summary"]
ELECTRICITY_FIELDS = [
    "grid_purchase_10k_kwh",
    "green_power_10k_kwh",
    "local_generation_10k_kwh",
    "exported_10k_kwh",
    "electricity_consumed_10k_kwh",
    "heat_gj",
    "activity_explanation",
]
TASK_FIELDS = [
    "task_mechanism",
    "task_energy",
    "task_saving",
    "task_synergy",
    "funds_used_10k_yuan",
    "funds_note",
    "problems",
    "next_steps",
]
NON_NEGATIVE = _("数值不能为负数。")


class GeneralForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = GENERAL_FIELDS

    def clean(self):
        data = super().clean()
        limits = {
            "gdp_100m": (Decimal("0.01"), Decimal(50000), gettext("地区生产总值应在0.01至50000亿元之间。")),
            "gdp_constant_100m": (
                Decimal("0.01"),
                Decimal(50000),
                gettext("地区生产总值应在0.01至50000亿元之间。"),
            ),
            "population_10k": (Decimal("0.01"), Decimal(2000), gettext("常住人口应在0.01至2000万人之间。")),
            "total_energy_tce": (
                Decimal(0),
                Decimal(100000000),
                gettext("能源消费总量应在0至1亿吨标准煤之间。"),
            ),
        }
        for name, (low, high, message) in limits.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, message)
        return data


class EnergyForm(forms.ModelForm):
    """Electricity, heat and one quantity per fuel (physical units, carbon.models.Fuel)."""

    class Meta:
        model = AnnualReport
        fields = ELECTRICITY_FIELDS

    def __init__(self, *args, fuel_uses=(), **kwargs):
        super().__init__(*args, **kwargs)
        initial = {u.fuel: u.quantity for u in fuel_uses}
        for fuel, label in Fuel.choices:
            self.fields[f"fuel_{fuel}"] = forms.DecimalField(
                label=f"{label}{parenthesised(unit_for(fuel))}",
                required=False,
                max_digits=14,
                decimal_places=3,
                initial=initial.get(fuel),
            )

    def fuel_fields(self):
        return [self[f"fuel_{fuel}"] for fuel in Fuel.values]

    def data_fields(self):
        return [self[name] for name in ELECTRICITY_FIELDS]

    def quantities(self) -> dict:
        return {fuel: self.cleaned_data.get(f"fuel_{fuel}") for fuel in Fuel.values}

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, Decimal) and value < 0:
                self.add_error(name, NON_NEGATIVE)
        green, grid = data.get("green_power_10k_kwh"), data.get("grid_purchase_10k_kwh")
        if green and (grid is None or green > grid):
            self.add_error("green_power_10k_kwh", gettext("绿电交易电量不能大于电网购入电量。"))
        exported, local = data.get("exported_10k_kwh"), data.get("local_generation_10k_kwh")
        if exported and (local is None or exported > local):
            self.add_error("exported_10k_kwh", gettext("上网外送电量不能大于本地发电量。"))
        return data


class TasksForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = TASK_FIELDS

    def clean_funds_used_10k_yuan(self):
        value = self.cleaned_data.get("funds_used_10k_yuan")
        if value is not None and value < 0:
            raise ValidationError(NON_NEGATIVE)
        return value


class ActualsForm(forms.Form):
    """One group of fields per target of the pilot's ledger (value, source, quality, explanation, evidence)."""

    def __init__(self, *args, paths: dict, actuals: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = paths
        for code, path in paths.items():
            actual = actuals.get(code)
            self.fields[f"v_{code}"] = forms.DecimalField(
                label=gettext("%(name)s实际值（%(unit)s）")
                % {"name": path.indicator.name, "unit": path.indicator.unit},
                required=False,
                max_digits=14,
                decimal_places=4,
                initial=actual.value if actual else None,
            )
            self.fields[f"s_{code}"] = forms.CharField(
                label=_("数据来源"),
                required=False,
                max_length=128,
                initial=actual.data_source if actual else "",
            )
            self.fields[f"q_{code}"] = forms.ChoiceField(
                label=_("数据质量"),
                required=False,
                choices=[("", "—")] + list(Quality.choices),
                initial=actual.quality if actual else "",
            )
            self.fields[f"e_{code}"] = forms.CharField(
                label=_("变化说明"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=actual.explanation if actual else "",
            )
            self.fields[f"f_{code}"] = forms.FileField(label=_("佐证材料"), required=False)

    def groups(self):
        return [
            (path, [self[f"{p}_{code}"] for p in ("v", "s", "q", "e", "f")])
            for code, path in self.paths.items()
        ]

    def clean(self):
        data = super().clean()
        self.evidence = {}
        for code, path in self.paths.items():
            value = data.get(f"v_{code}")
            if value is None:
                continue
            message = range_error(path.indicator, value)
            if message:
                self.add_error(f"v_{code}", message)
            if not data.get(f"q_{code}"):
                self.add_error(f"q_{code}", gettext("请选择数据质量。"))
            upload = data.get(f"f_{code}")
            if upload:
                try:
                    content_type, extension = validate_upload(upload)
                except ValidationError as error:
                    self.add_error(f"f_{code}", error)
                else:
                    self.evidence[code] = (upload, upload.name, content_type, extension)
        return data


class ProgressForm(forms.Form):
    def __init__(self, *args, projects: list, progress: dict, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = projects
        for project in projects:
            done = progress.get(project.pk)
            self.fields[f"met_{project.pk}"] = forms.BooleanField(
                label=_("年度节点已完成"), required=False, initial=done.milestone_met if done else False
            )
            self.fields[f"note_{project.pk}"] = forms.CharField(
                label=_("进展说明"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=done.note if done else "",
            )
            self.fields[f"inv_{project.pk}"] = forms.DecimalField(
                label=_("本年度完成投资（万元）"),
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=done.investment_10k_yuan if done else None,
            )
        self.year = year

    def groups(self):
        return [
            (
                p,
                (p.milestones or {}).get(str(self.year), ""),
                [self[f"met_{p.pk}"], self[f"note_{p.pk}"], self[f"inv_{p.pk}"]],
            )
            for p in self.projects
        ]


class CaseForm(forms.Form):
    title = forms.CharField(label=_("案例名称"), max_length=200)
    text = forms.CharField(label=_("案例介绍"), widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.FileField(label=_("照片（JPG或PNG）"), required=False)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        content_type, extension = validate_upload(upload)
        if content_type not in IMAGES:
            raise ValidationError(gettext("照片只接受 JPG 或 PNG 图片（按文件内容识别）。"))
        return (upload, content_type, extension)


class CreateForm(forms.Form):
    pilot = forms.ModelChoiceField(label=_("试点单位"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2023, max_value=2100)

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("市级意见"), widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(label=_("评估等次"), choices=ReportEvaluation.Rating.choices)
    opinion = forms.CharField(label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 3}))
