from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from applications.forms import row_formset
from core.uploads import validate_upload
from reviews.models import Expert

from .models import GuidanceVisit, WorkPlan


class DateInput(forms.DateInput):
    input_type = "date"


class WorkPlanCreateForm(forms.Form):
    pilot = forms.ModelChoiceField(label=gettext_lazy("试点单位"), queryset=None)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots


class WorkPlanForm(forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class TaskForm(forms.Form):
    task = forms.CharField(label=gettext_lazy("任务"), max_length=500)
    responsible_unit = forms.CharField(label=gettext_lazy("责任单位"), max_length=128)
    deadline = forms.DateField(label=gettext_lazy("完成时限"), widget=DateInput)


TaskFormSet = row_formset(TaskForm, 100, extra=3)


def cleaned_tasks(formset) -> list[dict]:
    """The rows kept: every filled row (an existing task posted back unchanged included), minus those
    ticked for deletion; blank extra rows have no cleaned data."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class VisitForm(forms.Form):
    pilot = forms.ModelChoiceField(label=gettext_lazy("试点单位"), queryset=None)
    visit_date = forms.DateField(label=gettext_lazy("督导日期"), widget=DateInput)
    people = forms.CharField(label=gettext_lazy("督导人员"), max_length=255)
    findings = forms.CharField(label=gettext_lazy("督导发现"), widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(
        label=gettext_lazy("存在问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    rectification_deadline = forms.DateField(label=gettext_lazy("整改时限"), widget=DateInput, required=False)

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots


class UploadForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("说明"), max_length=128, required=False)
    file = forms.FileField(label=gettext_lazy("文件"))

    def clean(self):
        data = super().clean()
        uploaded = data.get("file")
        if uploaded is not None:
            try:
                data["content_type"], data["extension"] = validate_upload(uploaded)
            except ValidationError as error:
                self.add_error("file", error)
        return data


class ResponseForm(forms.Form):
    response = forms.CharField(label=gettext_lazy("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=128)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    experts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("专家"),
        queryset=Expert.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )


class GuidanceVisitForm(forms.Form):
    pilot = forms.ModelChoiceField(label=gettext_lazy("试点单位"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("形式"), choices=GuidanceVisit.Kind.choices)
    visit_date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput)
    experts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加专家"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    advice = forms.CharField(label=gettext_lazy("指导意见"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = group.pilots.select_related("organisation")
        self.fields["experts"].queryset = group.experts.all()


class GuidanceResponseForm(ResponseForm):
    response = forms.CharField(label=gettext_lazy("落实情况"), widget=forms.Textarea(attrs={"rows": 4}))
