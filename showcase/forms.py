from django import forms
from django.utils.translation import gettext_lazy

from .services import MAX_CASES, MAX_FIGURES


class ShowcaseForm(forms.Form):
    """The editor: the text, and the report rows chosen as key figures and typical cases (their choices
    are the pilot's submitted reports' rows, selectors.source_actuals / source_cases)."""

    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("主要做法和成效"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("纯文本，空行分段。"),
    )
    actuals = forms.MultipleChoiceField(
        label=gettext_lazy("关键数据（取自年度自评报告）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cases = forms.MultipleChoiceField(
        label=gettext_lazy("典型案例（取自年度自评报告）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actuals, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actuals"].choices = [
            (a.pk, f"{a.report.year} · {a.indicator.name} {a.value.normalize():f}{a.indicator.unit}")
            for a in actuals
        ]
        self.fields["cases"].choices = [(c.pk, f"{c.report.year} · {c.title}") for c in cases]

    def clean_actuals(self):
        value = [int(v) for v in self.cleaned_data["actuals"]]
        if len(value) > MAX_FIGURES:
            raise forms.ValidationError(
                gettext_lazy("关键数据最多选择%(n)s项。"), params={"n": MAX_FIGURES}, code="too_many"
            )
        return value

    def clean_cases(self):
        value = [int(v) for v in self.cleaned_data["cases"]]
        if len(value) > MAX_CASES:
            raise forms.ValidationError(
                gettext_lazy("典型案例最多选择%(n)s个。"), params={"n": MAX_CASES}, code="too_many"
            )
        return value
