"""Forms of the officers' review screens. Each form checks what a person can get wrong in a field;
the rules of the programme (weights total 100, frozen criteria, conflicts, load limits) live in the
services, which refuse with a message."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from applications.forms import row_formset
from applications.models import Batch
from organisations.models import Division, Organisation, ReviewUnit

from .models import CriteriaSet, Expert, ReviewRound

PHONE = re.compile(r"^1\d{10}$")
SEPARATORS = re.compile(r"[,，、;；\s]+")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _phone(value) -> str:
    """A phone number as typed, or as Excel stores it (13800000000 may arrive as a number)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = re.sub(r"[\s-]", "", str(value or ""))
    if not PHONE.match(value):
        raise ValidationError(gettext("请填写11位手机号码。"))
    return value


class RoundForm(forms.ModelForm):
    tie_break = forms.CharField(
        label=gettext_lazy("同分排序规则"),
        required=False,
        help_text=gettext_lazy(
            "主得分相同时依次比较，如：median, criterion:feasibility, min（可选键：mean 平均分、"
            "trimmed_mean 截尾平均、median 中位数、zscore 标准化得分、min 最低专家评分、criterion:<指标代码> "
            "该指标均分）。留空则并列保留，由审定会议决定。"
        ),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "name",
            "batch",
            "criteria_set",
            "experts_per_item",
            "max_per_expert",
            "scoring_deadline",
            "aggregation_method",
            "tie_break",
            "disagreement_threshold",
            "departure_threshold",
        ]
        widgets = {"scoring_deadline": DATE}
        labels = {"batch": gettext_lazy("批次")}  # the model field has no Chinese name of its own

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        purpose = self.instance.purpose or ReviewRound.Purpose.SELECTION
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(purpose=purpose).order_by(
            "name", "-version"
        )
        self.fields["batch"].queryset = Batch.objects.exclude(state=Batch.State.CLOSED)
        self.fields["scoring_deadline"].required = True
        if purpose == ReviewRound.Purpose.ACCEPTANCE:
            # An acceptance round's criteria are its indicator system's items (the set-up page).
            del self.fields["criteria_set"]
        else:
            del self.fields["departure_threshold"]
        # The keys as typed, comma-separated (a new round's empty list too: never its JSON "[]").
        self.initial["tie_break"] = ", ".join(self.instance.tie_break or [])
        if self.instance.pk:
            self.fields["batch"].disabled = True

    def clean_tie_break(self) -> list[str]:
        return [k for k in SEPARATORS.split(self.cleaned_data.get("tie_break") or "") if k]

    def clean_experts_per_item(self):
        value = self.cleaned_data["experts_per_item"]
        if not 1 <= value <= 15:
            raise ValidationError(gettext("每项专家人数应在1至15之间。"))
        return value

    def clean_max_per_expert(self):
        value = self.cleaned_data["max_per_expert"]
        if value < 1:
            raise ValidationError(gettext("每位专家最多评审数至少为1。"))
        return value

    def clean_departure_threshold(self):
        value = self.cleaned_data["departure_threshold"]
        if not Decimal(0) < value <= Decimal(100):
            raise ValidationError(gettext("偏离自评分说明阈值应大于0且不超过100%。"))
        return value

    def clean_disagreement_threshold(self):
        value = self.cleaned_data["disagreement_threshold"]
        if not Decimal(0) < value <= Decimal(100):
            raise ValidationError(gettext("分歧阈值应大于0且不超过100分。"))
        return value


class CriteriaSetForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=128)
    purpose = forms.ChoiceField(label=gettext_lazy("用途"), choices=ReviewRound.Purpose.choices)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CriterionForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("代码"), max_length=32)
    name = forms.CharField(label=gettext_lazy("评分项"), max_length=128)
    description = forms.CharField(
        label=gettext_lazy("评分要点"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.DecimalField(
        label=gettext_lazy("权重（分）"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    scale_max = forms.IntegerField(label=gettext_lazy("满分"), min_value=1, max_value=100, initial=10)
    allow_na = forms.BooleanField(label=gettext_lazy("允许“不适用”"), required=False)
    levels = forms.CharField(
        label=gettext_lazy("各档说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一档，分值区间与说明用冒号分隔，如：9–10：充分满足，有突出亮点"),
    )

    def clean_levels(self) -> list[dict]:
        levels = []
        for line in (self.cleaned_data.get("levels") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.match(r"^(.+?)[:：](.+)$", line)
            if not match:
                raise ValidationError(gettext("“%(line)s”：请按“分值区间：说明”填写。") % {"line": line})
            levels.append({"range": match.group(1).strip(), "text": match.group(2).strip()})
        return levels


CRITERIA_LIMIT = 30  # criteria of one set, at most
CriterionFormSet = row_formset(CriterionForm, CRITERIA_LIMIT, extra=2)


def levels_text(levels) -> str:
    return "\n".join(f"{level.get('range', '')}：{level.get('text', '')}" for level in levels or [])


class ExpertForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "name",
            "employer",
            "employer_organisation",
            "review_unit",
            "division",
            "title",
            "specialities",
            "phone",
            "email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_organisation"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.COUNTY, Organisation.Kind.PARK, Organisation.Kind.AGENCY]
        ).order_by("kind", "name")
        self.fields["division"].queryset = Division.objects.filter(level=Division.Level.COUNTY)

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone"))

    def clean(self):
        data = super().clean()
        unit, division = data.get("review_unit"), data.get("division")
        if unit and division and not unit.divisions.filter(pk=division.pk).exists():
            self.add_error(
                "division", gettext("%(name)s不属于%(name2)s。") % {"name": division.name, "name2": unit.name}
            )
        if division and not unit:
            data["review_unit"] = ReviewUnit.objects.filter(divisions=division).first()
        if not data.get("employer_organisation") and data.get("employer"):
            data["employer_organisation"] = Organisation.objects.filter(
                name=data["employer"].strip(),
                kind__in=[Organisation.Kind.COUNTY, Organisation.Kind.PARK, Organisation.Kind.AGENCY],
            ).first()
        return data


class PlaceLookups:
    """The places and organisations an import names, each looked up once per file (a thousand rows
    naming the same few cities cost a handful of queries, not three thousand)."""

    def __init__(self) -> None:
        self._cache: dict = {}

    def _get(self, key, find):
        if key not in self._cache:
            self._cache[key] = find()
        return self._cache[key]

    def unit(self, city: str):
        return self._get(
            ("unit", city), lambda: ReviewUnit.objects.filter(Q(name=city) | Q(name=f"{city}市")).first()
        )

    def division(self, county: str, unit):
        def find():
            divisions = Division.objects.filter(level=Division.Level.COUNTY, name=county)
            if unit is not None:
                divisions = divisions.filter(review_units=unit)
            return divisions.first()

        return self._get(("division", county, getattr(unit, "pk", None)), find)

    def unit_of(self, division):
        return self._get(
            ("unit_of", division.pk), lambda: ReviewUnit.objects.filter(divisions=division).first()
        )

    def organisation(self, employer: str):
        return self._get(
            ("organisation", employer),
            lambda: Organisation.objects.filter(
                name=employer,
                kind__in=[Organisation.Kind.COUNTY, Organisation.Kind.PARK, Organisation.Kind.AGENCY],
            ).first(),
        )


class ExpertRowForm(forms.Form):
    """One row of the expert import: the same checks as the form, with places given by name."""

    def __init__(self, *args, lookups: PlaceLookups | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups or PlaceLookups()

    name = forms.CharField(label=gettext_lazy("姓名"), max_length=32)
    employer = forms.CharField(label=gettext_lazy("工作单位"), max_length=128)
    city = forms.CharField(label=gettext_lazy("所在市（区）"), required=False)
    county = forms.CharField(label=gettext_lazy("所在县（市、区）"), required=False)
    title = forms.CharField(label=gettext_lazy("职称/职务"), max_length=64, required=False)
    specialities = forms.CharField(label=gettext_lazy("专业领域"), max_length=255, required=False)
    phone = forms.CharField(label=gettext_lazy("手机"))
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)

    def clean_phone(self) -> str:
        return _phone(self.data.get("phone"))

    def clean(self):
        data = super().clean()
        city, county = (data.get("city") or "").strip(), (data.get("county") or "").strip()
        unit = division = None
        if city:
            unit = self.lookups.unit(city)
            if unit is None:
                self.add_error("city", gettext("“%(city)s”不是陕西省的市（区）。") % {"city": city})
        if county:
            division = self.lookups.division(county, unit)
            if division is None:
                if unit is not None:
                    message = gettext("“%(county)s”不是%(unit)s的县（市、区）。") % {
                        "county": county,
                        "unit": unit.name,
                    }
                else:
                    message = gettext("“%(county)s”不是县（市、区）。") % {"county": county}
                self.add_error("county", message)
            elif unit is None:
                unit = self.lookups.unit_of(division)
        employer = (data.get("employer") or "").strip()
        return {
            "name": (data.get("name") or "").strip(),
            "employer": employer,
            "employer_organisation": self.lookups.organisation(employer),
            "review_unit": unit,
            "division": division,
            "title": (data.get("title") or "").strip(),
            "specialities": (data.get("specialities") or "").strip(),
            "phone": data.get("phone", ""),
            "email": (data.get("email") or "").strip(),
        }


# The expert import's bounds, stated on the page and checked before the workbook is parsed: the file's
# size, what it unpacks to (an .xlsx is a zip: a small file can unpack to gigabytes) and the rows read.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
IMPORT_MAX_ROWS = 1000


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


class ExpertImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("专家名单（Excel .xlsx）"))

    def clean_file(self):
        import zipfile

        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise ValidationError(gettext("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        if uploaded.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("文件不得超过 %(size)s MB（本文件 %(actual)s MB），请分成多个文件导入。")
                % {"size": _megabytes(IMPORT_MAX_BYTES), "actual": f"{uploaded.size / 1024 / 1024:.1f}"}
            )
        try:
            with zipfile.ZipFile(uploaded) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ValidationError(gettext("无法读取该文件，请使用导入模板（.xlsx）填写后上传。")) from None
        finally:
            uploaded.seek(0)
        if unpacked > IMPORT_MAX_UNPACKED_BYTES:
            raise ValidationError(
                gettext("文件内容过大（解压后超过 %(size)s MB），请只保留专家名单一个工作表后重新上传。")
                % {"size": _megabytes(IMPORT_MAX_UNPACKED_BYTES)}
            )
        return uploaded


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("排除理由（必填，记入办理记录）"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    expert = forms.IntegerField()
    item = forms.IntegerField()


class PublicityForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("公示开始日期"), widget=DATE)
    working_days = forms.IntegerField(
        label=gettext_lazy("公示期（工作日）"),
        min_value=1,
        max_value=30,
        initial=5,
        help_text=gettext_lazy("按法定工作日计算，含调休上班日。"),
    )
    contact = forms.CharField(label=gettext_lazy("异议受理联系人及电话"), max_length=128)
    address = forms.CharField(label=gettext_lazy("书面材料寄送地址"), max_length=255, required=False)


class ObjectionForm(forms.Form):
    application = forms.IntegerField(label=gettext_lazy("被异议的申报单位"))
    received_on = forms.DateField(label=gettext_lazy("收到日期"), widget=DATE, initial=timezone.localdate)
    objector = forms.CharField(label=gettext_lazy("异议人（单位）"), max_length=128)
    contact = forms.CharField(label=gettext_lazy("联系方式"), max_length=64)
    content = forms.CharField(label=gettext_lazy("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionHandleForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("核查结论"),
        choices=[("0", gettext_lazy("异议不成立")), ("1", gettext_lazy("异议成立（不予入选）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    handling = forms.CharField(label=gettext_lazy("核查处理情况"), widget=forms.Textarea(attrs={"rows": 2}))
