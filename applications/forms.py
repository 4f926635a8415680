from django import forms
from django.core.exceptions import ValidationError

from core.uploads import validate_upload

from .models import Application, Attachment, Batch

PDF_OR_IMAGE = {"application/pdf", "image/png", "image/jpeg"}


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
            self.add_error("application_deadline", "申报截止日期不能早于开始日期。")
        if deadline and forwarding and forwarding < deadline:
            self.add_error("forwarding_deadline", "市级报送截止日期不能早于申报截止日期。")
        month, day = data.get("annual_report_due_month"), data.get("annual_report_due_day")
        if month and not 1 <= month <= 12:
            self.add_error("annual_report_due_month", "月份须在1至12之间。")
        if day and not 1 <= day <= 28:
            self.add_error("annual_report_due_day", "报送日须在1至28之间。")
        return data


class EligibilityForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["pilot_level", "declares_no_major_accident"]
        widgets = {"pilot_level": forms.RadioSelect}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Attachment.Kind.choices)
    title = forms.CharField(label="说明", max_length=128, required=False)
    file = forms.FileField(label="文件")

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
    opinion = forms.CharField(label="推荐意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    rank = forms.IntegerField(label="市内推荐排序", min_value=1, max_value=99)
