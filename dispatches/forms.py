from django import forms
from django.utils.translation import gettext_lazy

from indicators.models import Indicator
from organisations.models import Organisation

from .models import Dispatch, Question


class DispatchForm(forms.ModelForm):
    scope_kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            ("", "—"),
            (Organisation.Kind.COUNTY, gettext_lazy("县（区）")),
            (Organisation.Kind.PARK, gettext_lazy("园区")),
        ],
        required=False,
    )

    class Meta:
        model = Dispatch
        fields = [
            "title",
            "period",
            "year",
            "due_date",
            "instructions",
            "scope",
            "scope_batch",
            "scope_kind",
            "scope_review_unit",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Dispatch.Scope.BATCH and not data.get("scope_batch"):
            self.add_error("scope_batch", gettext_lazy("按批次调度须选择批次。"))
        if scope == Dispatch.Scope.KIND and not data.get("scope_kind"):
            self.add_error("scope_kind", gettext_lazy("按类型调度须选择县（区）或园区。"))
        if scope == Dispatch.Scope.CITY and not data.get("scope_review_unit"):
            self.add_error("scope_review_unit", gettext_lazy("按市（区）调度须选择市（区）。"))
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Question.Kind.choices)
    text = forms.CharField(
        label=gettext_lazy("问题"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("选择目录指标时可留空，取指标名称"),
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("目录指标（数值问题可选）"),
        queryset=Indicator.objects.filter(active=True).exclude(code="other"),
        required=False,
    )
    unit = forms.CharField(label=gettext_lazy("单位（自定数值问题）"), max_length=32, required=False)
    min_value = forms.DecimalField(
        label=gettext_lazy("合理范围下限"), max_digits=18, decimal_places=4, required=False
    )
    max_value = forms.DecimalField(
        label=gettext_lazy("合理范围上限"), max_digits=18, decimal_places=4, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("必填"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Question.Kind.TEXT and data.get("indicator"):
            self.add_error("indicator", gettext_lazy("文字问题不能关联目录指标。"))
        if not data.get("indicator") and not (data.get("text") or "").strip():
            self.add_error("text", gettext_lazy("请填写问题内容。"))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", gettext_lazy("合理范围下限不能大于上限。"))
        return data


def answer_field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """One field per question. The values are checked by the service (validation.clean_answer, the same
    validator as the Excel import); its messages are put back next to each field."""

    def __init__(self, *args, questions, answers, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            answer = answers.get(question.pk)
            if question.is_figure:
                initial = (
                    format(answer.number_value.normalize(), "f")
                    if answer and answer.number_value is not None
                    else ""
                )
                widget = forms.TextInput(attrs={"inputmode": "decimal"})
                help_text = (
                    gettext_lazy("合理范围：%(range)s") % {"range": question.range_text}
                    if question.range_text
                    else ""
                )
            else:
                initial = answer.text_value if answer else ""
                widget = forms.Textarea(attrs={"rows": 3})
                help_text = ""
            self.fields[answer_field_name(question)] = forms.CharField(
                label=f"{question.code}. {question.label}",
                required=False,
                initial=initial,
                widget=widget,
                help_text=help_text,
                disabled=disabled,
            )

    def raw_values(self) -> dict[int, str]:
        return {q.pk: self.data.get(answer_field_name(q), "") for q in self.questions}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的Excel模板"))


class CircularForm(forms.Form):
    document_no = forms.CharField(
        label=gettext_lazy("文号"), max_length=64, help_text=gettext_lazy("如 陕环办发〔2026〕12号")
    )
    issued_on = forms.DateField(
        label=gettext_lazy("成文日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    remarks = forms.CharField(
        label=gettext_lazy("通报意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
