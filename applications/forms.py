from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from carbon.models import Fuel
from core.uploads import validate_upload
from indicators.models import IndicatorSet
from indicators.selectors import current_indicators

from .figures import FigureField, figure_field
from .models import (
    AnnualBaseline,
    Application,
    ApplicationTarget,
    Attachment,
    Batch,
    Contact,
    FundingPlan,
    KeyProject,
)
from .validators import normalise_credit_code, validate_credit_code

PDF_OR_IMAGE = {"application/pdf", "image/png", "image/jpeg"}


class SectionForm(forms.ModelForm):
    """A form of the Annex 1: decimals accept and show thousands separators (figures.FigureField),
    required fields say so to assistive technology as well as with the visible mark."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if type(field) is forms.DecimalField:
                self.fields[name] = figure_field(field)
        self.prepare_fields()
        mark_required(self)

    def prepare_fields(self) -> None:
        """Adjust fields before the required marks and the empty choice are set (a narrower queryset)."""


def mark_required(form) -> None:
    """aria-required on required fields (the template shows the visible mark), and "请选择" instead of
    Django's "---------" as the empty choice."""
    for field in form.fields.values():
        if field.required:
            field.widget.attrs["aria-required"] = "true"
        choices = getattr(field, "choices", None)
        if choices and isinstance(field.widget, forms.Select) and list(choices)[0][0] == "":
            field.choices = [("", _("请选择")), *list(choices)[1:]]


def display_rows(form) -> list[dict]:
    """A form's fields as label and text, for the read-only view of a frozen section."""
    rows = []
    for bound in form:
        if bound.name == "DELETE":
            continue
        field, value = bound.field, bound.initial
        if isinstance(field, forms.BooleanField):
            text = _("是") if value else _("否")
        elif isinstance(field, FigureField):
            text = field.widget.format_value(value) or ""
        elif getattr(field, "choices", None) is not None and not isinstance(field, forms.ModelChoiceField):
            text = dict(field.choices).get(value, value) if value not in (None, "") else ""
        else:
            text = "" if value is None else value
        rows.append({"label": bound.label, "text": text, "long": isinstance(field.widget, forms.Textarea)})
    return rows


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = [
            "name",
            "year",
            "document_no",
            "base_year",
            "target_year",
            "application_start",
            "application_deadline",
            "forwarding_deadline",
            "publicity_start",
            "publicity_end",
            "construction_end",
            "annual_report_due_month",
            "annual_report_due_day",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in [
                "application_start",
                "application_deadline",
                "forwarding_deadline",
                "publicity_start",
                "publicity_end",
                "construction_end",
            ]
        }

    def clean(self):
        data = super().clean()
        start, deadline, forwarding = (
            data.get("application_start"),
            data.get("application_deadline"),
            data.get("forwarding_deadline"),
        )
        if start and deadline and deadline < start:
            self.add_error("application_deadline", gettext("申报截止日期不能早于开始日期。"))
        if deadline and forwarding and forwarding < deadline:
            self.add_error("forwarding_deadline", gettext("市级报送截止日期不能早于申报截止日期。"))
        month, day = data.get("annual_report_due_month"), data.get("annual_report_due_day")
        if month and not 1 <= month <= 12:
            self.add_error("annual_report_due_month", gettext("月份须在1至12之间。"))
        if day and not 1 <= day <= 28:
            self.add_error("annual_report_due_day", gettext("报送日须在1至28之间。"))
        return data


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Attachment.Kind.choices)
    title = forms.CharField(label=gettext_lazy("说明"), max_length=128, required=False)
    file = forms.FileField(label=gettext_lazy("文件"))

    def clean(self):
        data = super().clean()
        uploaded = data.get("file")
        if uploaded is None:
            return data
        allowed = PDF_OR_IMAGE if data.get("kind") == Attachment.Kind.COMMITMENT_LETTER else None
        try:
            data["content_type"], data["extension"] = validate_upload(uploaded, allowed=allowed)
        except ValidationError as error:
            self.add_error("file", error)
        return data


class RecommendForm(forms.Form):
    opinion = forms.CharField(
        label=gettext_lazy("推荐意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    rank = forms.IntegerField(label=gettext_lazy("市内推荐排序"), min_value=1, max_value=99)


# Annex 1 sections ------------------------------------------------------------------------------

BASELINE_FIELDS = [
    f.name for f in AnnualBaseline._meta.concrete_fields if f.name not in ("id", "application", "year")
]
PERCENT_FIELDS = {
    "primary_share",
    "secondary_share",
    "tertiary_share",
    "non_fossil_share",
    "forest_coverage",
    "good_air_days_ratio",
    "solid_waste_utilisation",
}


def _non_negative(form, names):
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None and value < 0:
            form.add_error(name, gettext("不能为负数。"))


class BasicInfoForm(SectionForm):
    """Section 一/二 of the Annex 1. The unified social credit code and the postal address belong to
    the applicant organisation; they are asked here because the form prints them."""

    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        validators=[validate_credit_code],
        help_text=_("18位，含校验位（GB 32100-2015）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}),
    )
    address = forms.CharField(label=_("通讯地址"), max_length=255)
    ORGANISATION_FIELDS = ("credit_code", "address")

    class Meta:
        model = Application
        fields = [
            "pilot_level",
            "pilot_scope",
            "boundary_area_km2",
            "boundary_description",
            "statistical_boundary_clear",
            "enterprises_count",
            "above_scale_enterprises_count",
            "leading_industries",
            "work_foundation",
            "existing_policies",
            "organisation_setup",
        ]
        widgets = {
            "pilot_level": forms.RadioSelect,
            "pilot_scope": forms.RadioSelect,
            "boundary_description": forms.Textarea(attrs={"rows": 3}),
            "work_foundation": forms.Textarea(attrs={"rows": 5}),
            "existing_policies": forms.Textarea(attrs={"rows": 4}),
            "organisation_setup": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "work_foundation": gettext_lazy("不超过3000字。"),
            "boundary_area_km2": gettext_lazy("单位：平方千米。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        for name in self.ORGANISATION_FIELDS:
            self.fields[name].initial = getattr(organisation, name)
        self.order_fields(["credit_code", "address"])
        if not self.instance.is_park:
            for name in (
                "statistical_boundary_clear",
                "enterprises_count",
                "above_scale_enterprises_count",
                "leading_industries",
            ):
                self.fields.pop(name)

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def organisation_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ORGANISATION_FIELDS}

    def application_fields(self) -> dict:
        return {n: v for n, v in self.cleaned_data.items() if n not in self.ORGANISATION_FIELDS}

    def clean_boundary_area_km2(self):
        value = self.cleaned_data.get("boundary_area_km2")
        if value is not None and not Decimal("0.01") <= value <= Decimal("30000"):
            raise forms.ValidationError(gettext("边界面积应在0.01至30000平方千米之间。"))
        return value

    def clean(self):
        data = super().clean()
        total, above = data.get("enterprises_count"), data.get("above_scale_enterprises_count")
        if total is not None and above is not None and above > total:
            self.add_error("above_scale_enterprises_count", gettext("规上企业数不能多于入驻企业数。"))
        return data


class EligibilitySectionForm(SectionForm):
    class Meta:
        model = Application
        fields = [
            "declares_no_major_accident",
            "priority_eco_civilisation",
            "priority_two_mountains",
            "priority_low_carbon_city",
            "priority_eco_industrial_park",
            "priority_green_industrial_park",
            "priority_circular_park",
            "priority_other",
        ]
        labels = {
            "declares_no_major_accident": gettext_lazy(
                "本单位郑重声明：近3年内未发生重大环境污染和生态破坏事故"
            )
        }


class ContactForm(SectionForm):
    class Meta:
        model = Contact
        fields = ["role", "name", "title", "unit", "mobile", "phone", "email"]

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        if not (len(mobile) == 11 and mobile.isdigit() and mobile.startswith("1")):
            raise forms.ValidationError(gettext("请填写11位手机号码。"))
        return mobile


class BaselineForm(SectionForm):
    """One year of baseline data plus energy use by fuel (fields fuel_<code>)."""

    class Meta:
        model = AnnualBaseline
        fields = BASELINE_FIELDS

    def __init__(self, *args, energy: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from carbon.accounting import unit_for

        for code, label in Fuel.choices:
            self.fields[f"fuel_{code}"] = FigureField(
                unit="quantity",
                label=gettext("%(label)s（%(unit_for)s）") % {"label": label, "unit_for": unit_for(code)},
                required=False,
                max_digits=14,
                decimal_places=3,
                initial=(energy or {}).get(code),
            )

    @property
    def fuel_fields(self):
        return [self[f"fuel_{code}"] for code, _ in Fuel.choices]

    @property
    def data_fields(self):
        return [f for f in self if not f.name.startswith("fuel_")]

    def clean(self):
        data = super().clean()
        numeric = [n for n, f in self.fields.items() if isinstance(f, forms.DecimalField)]
        _non_negative(self, numeric)
        for name in PERCENT_FIELDS:
            value = data.get(name)
            if value is not None and value > 100:
                self.add_error(name, gettext("百分比应在0至100之间。"))
        shares = [data.get(n) for n in ("primary_share", "secondary_share", "tertiary_share")]
        if all(v is not None for v in shares) and abs(sum(shares) - 100) > Decimal("0.5"):
            self.add_error(
                "tertiary_share",
                gettext("三次产业占比之和应为100%%（当前为%(sum)s%%）。") % {"sum": sum(shares)},
            )
        electricity, green = data.get("electricity_10k_kwh"), data.get("green_power_10k_kwh")
        if electricity is not None and green is not None and green > electricity:
            self.add_error("green_power_10k_kwh", gettext("绿电交易电量不能大于全社会用电量。"))
        gdp, iva = data.get("gdp_100m"), data.get("industrial_value_added_100m")
        if gdp is not None and iva is not None and iva > gdp:
            self.add_error("industrial_value_added_100m", gettext("工业增加值不能大于地区生产总值。"))
        return data

    def energy(self) -> dict:
        return {
            code: self.cleaned_data[f"fuel_{code}"]
            for code, _ in Fuel.choices
            if self.cleaned_data.get(f"fuel_{code}") is not None
        }


class TargetForm(SectionForm):
    class Meta:
        model = ApplicationTarget
        fields = ["indicator", "custom_name", "base_value", "target_value", "is_binding"]

    def __init__(self, *args, base_year: int | None = None, target_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The batch's own years, as the Annex 1 prints them (2029 for the 2027 batch, not 2025).
        if base_year:
            self.fields["base_value"].label = _("基准年（%(year)s年）值") % {"year": base_year}
        if target_year:
            self.fields["target_value"].label = _("%(year)s年目标值") % {"year": target_year}

    def prepare_fields(self) -> None:
        # The entries of the current set for application targets (the row's own entry stays offered);
        # posted by code, as the former enum was.
        field = self.fields["indicator"]
        field.to_field_name = "code"
        field.queryset = current_indicators(
            IndicatorSet.Purpose.APPLICATION_TARGETS, keep=[self.initial.get("indicator")]
        )

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator")
        if indicator is not None and indicator.is_other and not data.get("custom_name"):
            self.add_error("custom_name", gettext("选择“其他”时须填写指标名称。"))
        unit = indicator.unit if indicator is not None else ""
        for name in ("base_value", "target_value"):
            value = data.get(name)
            if value is not None and "%" in unit and not Decimal(-100) <= value <= Decimal(100):
                self.add_error(name, gettext("百分比指标应在-100至100之间。"))
        return data


class ProjectForm(SectionForm):
    class Meta:
        model = KeyProject
        fields = list(KeyProject.FORM_FIELDS)
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "calculation_note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        money = [
            "total_investment",
            *KeyProject.FUND_FIELDS,
            "expected_co2_reduction_t",
            "expected_energy_saving_tce",
        ]
        _non_negative(self, money)
        start, end = data.get("start_year"), data.get("end_year")
        for name in ("start_year", "end_year"):
            value = data.get(name)
            if value is not None and not 2015 <= value <= 2035:
                self.add_error(name, gettext("年份应在2015至2035之间。"))
        if start and end and end < start:
            self.add_error("end_year", gettext("完工年份不能早于开工年份。"))
        total = data.get("total_investment")
        funds = [data.get(f) for f in KeyProject.FUND_FIELDS]
        if total is not None and all(f is not None for f in funds):
            funded = sum(funds)
            if abs(funded - total) > Decimal("0.01"):
                self.add_error(
                    "fund_other",
                    gettext("资金来源合计（%(funded)s 万元）应等于总投资（%(total)s 万元）。")
                    % {"funded": funded, "total": total},
                )
        return data


class FundingForm(SectionForm):
    class Meta:
        model = FundingPlan
        fields = ["year", "source", "amount", "use"]

    def clean(self):
        data = super().clean()
        _non_negative(self, ["amount"])
        if data.get("year") is not None and not 2023 <= data["year"] <= 2035:
            self.add_error("year", gettext("年度应在2023至2035之间。"))
        return data


class CappedFormSet(forms.BaseFormSet):
    """A formset of at most `max_num` rows (row_formset), refused with a Chinese message beyond it."""

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "最多只能填写%(num)d行，请删除多余的行后再保存。",
            "最多只能填写%(num)d行，请删除多余的行后再保存。",
            "num",
        ),
    }


def row_formset(form, max_num: int, extra: int = 0, formset: type[forms.BaseFormSet] = forms.BaseFormSet):
    """A repeating section. Rows are added in place (htmx, or a submit button without JS), so no blank
    rows are offered in advance. `absolute_max` equal to `max_num`: a forged TOTAL_FORMS of a million
    (or 10^26) builds at most `max_num` forms, and `validate_max` refuses it with a message. Every formset
    of the portal is built here (`formset` for a base class of its own)."""
    base = CappedFormSet
    if not issubclass(CappedFormSet, formset):
        base = type(f"Capped{formset.__name__}", (CappedFormSet, formset), {})
    return forms.formset_factory(
        form,
        formset=base,
        extra=extra,
        can_delete=True,
        max_num=max_num,
        absolute_max=max_num,
        validate_max=True,
    )


ROW_LIMITS = {"contacts": 10, "targets": 30, "funding": 60}  # rows per repeating section, at most
