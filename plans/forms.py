"""Forms of the plan pages. A form with an error re-renders with what was typed; messages are Chinese."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from applications.forms import row_formset
from applications.models import FundingPlan, PilotTask
from carbon.models import Fuel
from core.filters import ListFilter
from indicators.models import IndicatorSet
from indicators.selectors import current_indicators
from organisations.models import ReviewUnit

from .models import ChangeRequest, Chapter, DueKind, Plan

DEC = {"max_digits": 14, "decimal_places": 4}
BINDING_CHOICES = [("1", gettext_lazy("约束性")), ("0", gettext_lazy("预期性"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def plan_indicators(keep=()):
    return current_indicators(IndicatorSet.Purpose.PLAN, keep=keep)


class GeneralForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("方案名称"), max_length=200)
    form = forms.ChoiceField(
        label=gettext_lazy("编制方式"), choices=Plan.Form.choices, widget=forms.RadioSelect
    )


class ChapterForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "rich-text"}),
        help_text=gettext_lazy(
            "可使用标题（h2–h4）、段落、列表、表格与加粗等格式；脚本、样式、图片与链接保存时会被移除。"
        ),
    )


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("方案文本（PDF或Word）"),
        help_text=gettext_lazy("按文件内容识别类型，仅接受 PDF 或 DOCX，单个文件不超过 20 MB。"),
    )


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label=gettext_lazy("指标"), queryset=None)
    # The select shows its first option on a blank row: the same value as initial, so that a blank
    # row is "unchanged" and skipped (空行不会保存) instead of refused field by field.
    binding = forms.ChoiceField(label=gettext_lazy("属性"), choices=BINDING_CHOICES, initial="1")
    base_value = forms.DecimalField(label=gettext_lazy("基准年值"), **DEC)
    data_source = forms.CharField(label=gettext_lazy("数据来源"), max_length=128, required=False)

    def __init__(self, *args, years=(), keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.fields["indicator"].queryset = plan_indicators(keep=keep)
        for year in self.years:
            self.fields[f"y{year}"] = forms.DecimalField(label=str(year), required=True, **DEC)

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "binding": data["binding"] == "1",
            "base_value": data["base_value"],
            "values": {y: data[f"y{y}"] for y in self.years},
            "data_source": data.get("data_source", ""),
        }


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, form_kwargs=None, **kwargs):
        super().__init__(*args, form_kwargs=form_kwargs, **kwargs)

    def rows(self) -> list[dict]:
        return [f.row() for f in self.forms if f.has_changed() and not self._should_delete_form(f)]


TargetFormSet = row_formset(TargetForm, 60, extra=2, formset=BaseRowFormSet)


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=128)
    task = forms.ChoiceField(
        label=gettext_lazy("所属试点任务"), choices=PilotTask.choices, initial=PilotTask.values[0]
    )
    location = forms.CharField(label=gettext_lazy("建设地点"), max_length=128, required=False)
    owner_unit = forms.CharField(label=gettext_lazy("实施主体"), max_length=128, required=False)
    content = forms.CharField(
        label=gettext_lazy("建设内容与规模"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_reduction_t = forms.DecimalField(
        label=gettext_lazy("预计年减排二氧化碳（吨）"), max_digits=12, decimal_places=2, min_value=0
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            self.fields[f"invest_{year}"] = forms.DecimalField(
                label=gettext("%(year)s年投资（万元）") % {"year": year},
                max_digits=12,
                decimal_places=2,
                min_value=0,
                required=False,
            )
            self.fields[f"source_{year}"] = forms.CharField(
                label=gettext("%(year)s年资金来源") % {"year": year}, max_length=64, required=False
            )
            self.fields[f"milestone_{year}"] = forms.CharField(
                label=gettext("%(year)s年节点目标") % {"year": year}, max_length=255, required=False
            )

    def clean(self):
        data = super().clean()
        for year in self.years:
            if data.get(f"source_{year}") and data.get(f"invest_{year}") is None:
                self.add_error(f"invest_{year}", gettext("填写了资金来源，请同时填写投资额。"))
        return data

    def row(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "task": d["task"],
            "location": d.get("location", ""),
            "owner_unit": d.get("owner_unit", ""),
            "content": d.get("content", ""),
            "expected_reduction_t": d["expected_reduction_t"],
            "investment_by_year": {
                str(y): {"amount": str(d[f"invest_{y}"]), "source": d.get(f"source_{y}", "")}
                for y in self.years
                if d.get(f"invest_{y}") is not None
            },
            "milestones": {str(y): d[f"milestone_{y}"] for y in self.years if d.get(f"milestone_{y}")},
        }


ProjectFormSet = row_formset(ProjectForm, 200, extra=1, formset=BaseRowFormSet)


class FundingForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(
        label=gettext_lazy("资金来源"),
        choices=FundingPlan.Source.choices,
        initial=FundingPlan.Source.values[0],
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（万元）"), max_digits=12, decimal_places=2, min_value=0
    )
    use = forms.CharField(label=gettext_lazy("主要用途"), max_length=255, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.years and year not in self.years:
            raise ValidationError(
                gettext("年度须在建设期内（%(first)s—%(last)s年）。")
                % {"first": self.years[0], "last": self.years[-1]}
            )
        return year

    def row(self) -> dict:
        d = self.cleaned_data
        return {"year": d["year"], "source": d["source"], "amount": d["amount"], "use": d.get("use", "")}


FundingFormSet = row_formset(FundingForm, 100, extra=2, formset=BaseRowFormSet)


class BaselineForm(forms.Form):
    data_source = forms.CharField(label=gettext_lazy("数据来源"), max_length=128, required=False)
    resident_population_10k = forms.DecimalField(
        label=gettext_lazy("常住人口（万人）"), max_digits=8, decimal_places=2, min_value=0, required=False
    )
    gdp_100m = forms.DecimalField(
        label=gettext_lazy("地区生产总值（亿元，当年价）"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    gdp_constant_100m = forms.DecimalField(
        label=gettext_lazy("地区生产总值（亿元，基准年可比价）"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    industrial_value_added_100m = forms.DecimalField(
        label=gettext_lazy("工业增加值（亿元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    electricity_10k_kwh = forms.DecimalField(
        label=gettext_lazy("全社会用电量（万千瓦时）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    green_power_10k_kwh = forms.DecimalField(
        label=gettext_lazy("绿电交易电量（万千瓦时）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    purchased_heat_gj = forms.DecimalField(
        label=gettext_lazy("外购热力（吉焦）"), max_digits=14, decimal_places=2, min_value=0, required=False
    )

    FIELDS = (
        "data_source",
        "resident_population_10k",
        "gdp_100m",
        "gdp_constant_100m",
        "industrial_value_added_100m",
        "electricity_10k_kwh",
        "green_power_10k_kwh",
        "purchased_heat_gj",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fuel, label in Fuel.choices:
            self.fields[f"fuel_{fuel}"] = forms.DecimalField(
                label=label, max_digits=14, decimal_places=3, min_value=0, required=False
            )

    def clean(self):
        data = super().clean()
        green, total = data.get("green_power_10k_kwh"), data.get("electricity_10k_kwh")
        if green and (total is None or green > total):
            self.add_error("green_power_10k_kwh", gettext("绿电交易电量不能大于全社会用电量。"))
        return data

    def values(self) -> tuple[dict, dict]:
        d = self.cleaned_data
        fields = {k: d.get(k) for k in self.FIELDS}
        fields["data_source"] = fields["data_source"] or ""
        energy = {fuel: d.get(f"fuel_{fuel}") for fuel in Fuel.values if d.get(f"fuel_{fuel}")}
        return fields, energy


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("总体意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in Chapter.choices:
            self.fields[f"chapter_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
            )

    def clean(self):
        data = super().clean()
        if not data.get("comment") and not any(data.get(f"chapter_{k}") for k in Chapter.values):
            raise ValidationError(gettext("退回须填写总体意见或至少一个章节的修改意见。"))
        return data

    def chapter_comments(self) -> dict:
        return {k: self.cleaned_data.get(f"chapter_{k}", "") for k in Chapter.values}


class FileForm(forms.Form):
    filing_number = forms.CharField(
        label=gettext_lazy("备案编号"), max_length=64, help_text=gettext_lazy("如 陕环试点备〔2024〕3号")
    )
    comment = forms.CharField(
        label=gettext_lazy("备案意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class LocalApprovalForm(forms.Form):
    meeting_kind = forms.ChoiceField(label=gettext_lazy("审议会议类型"), choices=Plan.MeetingKind.choices)
    meeting_name = forms.CharField(
        label=gettext_lazy("会议名称"),
        max_length=128,
        required=False,
        help_text=gettext_lazy("如 石泉县人民政府第12次常务会议"),
    )
    meeting_date = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE)
    minutes = forms.FileField(label=gettext_lazy("会议纪要（PDF或图片）"))
    issuing_document_no = forms.CharField(
        label=gettext_lazy("印发文号"), max_length=64, help_text=gettext_lazy("如 石政发〔2024〕5号")
    )
    issued_on = forms.DateField(label=gettext_lazy("印发日期"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("meeting_date") and data.get("issued_on") and data["issued_on"] < data["meeting_date"]:
            self.add_error("issued_on", gettext("印发日期不能早于会议日期。"))
        return data


class TargetChangeForm(forms.Form):
    indicator = forms.ModelChoiceField(label=gettext_lazy("指标"), queryset=None)
    binding = forms.ChoiceField(label=gettext_lazy("属性"), choices=BINDING_CHOICES)
    reasons = forms.CharField(
        label=gettext_lazy("申请理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.FileField(label=gettext_lazy("证明材料"), required=False)

    def __init__(self, *args, paths=None, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        from indicators.models import Indicator

        self.years = list(years)
        self.fields["indicator"].queryset = Indicator.objects.filter(code__in=list(paths or {}))
        for year in self.years:
            self.fields[f"y{year}"] = forms.DecimalField(label=str(year), required=False, **DEC)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"y{y}") is not None for y in self.years):
            raise ValidationError(gettext("请至少填写一个年度的调整后目标值。"))
        return data

    def values(self) -> dict:
        return {
            str(y): self.cleaned_data[f"y{y}"]
            for y in self.years
            if self.cleaned_data.get(f"y{y}") is not None
        }


class ProjectChangeForm(forms.Form):
    project = forms.ModelChoiceField(label=gettext_lazy("重点项目"), queryset=None)
    content = forms.CharField(
        label=gettext_lazy("调整后的建设内容与规模"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    expected_reduction_t = forms.DecimalField(
        label=gettext_lazy("调整后预计年减排二氧化碳（吨）"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    reasons = forms.CharField(
        label=gettext_lazy("申请理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.FileField(label=gettext_lazy("证明材料"), required=False)

    def __init__(self, *args, projects=None, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.fields["project"].queryset = projects
        for year in self.years:
            self.fields[f"invest_{year}"] = forms.DecimalField(
                label=gettext("%(year)s年投资（万元）") % {"year": year},
                max_digits=12,
                decimal_places=2,
                min_value=0,
                required=False,
            )
            self.fields[f"milestone_{year}"] = forms.CharField(
                label=gettext("%(year)s年节点目标") % {"year": year}, max_length=255, required=False
            )

    def changes(self) -> dict:
        d = self.cleaned_data
        project = d["project"]
        changes = {}
        if d.get("content"):
            changes["content"] = d["content"]
        if d.get("expected_reduction_t") is not None:
            changes["expected_reduction_t"] = str(d["expected_reduction_t"])
        invest = {y: d.get(f"invest_{y}") for y in self.years if d.get(f"invest_{y}") is not None}
        if invest:
            merged = dict(project.investment_by_year or {})
            for y, amount in invest.items():
                source = (merged.get(str(y)) or {}).get("source", "")
                merged[str(y)] = {"amount": str(amount), "source": source}
            changes["investment_by_year"] = merged
        milestones = {str(y): d[f"milestone_{y}"] for y in self.years if d.get(f"milestone_{y}")}
        if milestones:
            changes["milestones"] = {**(project.milestones or {}), **milestones}
        return changes

    def clean(self):
        data = super().clean()
        if data.get("project") and not self.changes():
            raise ValidationError(gettext("请填写调整内容（建设内容、投资、进度或减排量）。"))
        return data


class ExtensionForm(forms.Form):
    due_kind = forms.ChoiceField(label=gettext_lazy("延期事项"), choices=DueKind.choices)
    due_year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    new_due_date = forms.DateField(label=gettext_lazy("申请延至"), widget=DATE)
    reasons = forms.CharField(
        label=gettext_lazy("申请理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.FileField(label=gettext_lazy("证明材料"), required=False)


class OpinionForm(forms.Form):
    supports = forms.ChoiceField(
        label=gettext_lazy("意见"),
        choices=[("1", gettext_lazy("同意")), ("0", gettext_lazy("不同意"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=gettext_lazy("市级意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("审批结果"),
        choices=[("approve", gettext_lazy("批准")), ("refuse", gettext_lazy("不予批准"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("审批意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason"):
            self.add_error("reason", gettext("不予批准须填写理由。"))
        return data


class PlanFilter(ListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("方案状态"),
        choices=[("", gettext_lazy("全部状态"))] + Plan.State.choices,
        required=False,
    )
    review_unit = forms.ModelChoiceField(
        label=gettext_lazy("所属市（区）"), queryset=ReviewUnit.objects.all(), required=False
    )
    batch = forms.ModelChoiceField(label=gettext_lazy("批次"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from applications.models import Batch

        self.fields["batch"].queryset = Batch.objects.filter(pilots__isnull=False).distinct()

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_review_unit(self, queryset, value):
        return queryset.filter(pilot__organisation__review_unit=value)

    def filter_batch(self, queryset, value):
        return queryset.filter(pilot__batch=value)


class ChangeFilter(ListFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态"))] + ChangeRequest.State.choices,
        required=False,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("申请类型"),
        choices=[("", gettext_lazy("全部类型"))] + ChangeRequest.Kind.choices,
        required=False,
    )

    def filter_state(self, queryset, value):
        return queryset.filter(state=value)

    def filter_kind(self, queryset, value):
        return queryset.filter(kind=value)


ZERO = Decimal(0)
