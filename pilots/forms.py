from django import forms
from django.utils.translation import gettext_lazy


class DisqualificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("决定"),
        choices=[("confirm", gettext_lazy("确认取消试点资格")), ("extend", gettext_lazy("准予延期"))],
        widget=forms.RadioSelect,
    )
    extended_to = forms.DateField(
        label=gettext_lazy("建设期延至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("仅准予延期时填写。"),
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "extend" and not data.get("extended_to"):
            self.add_error("extended_to", gettext_lazy("准予延期须填写延至日期。"))
        return data
