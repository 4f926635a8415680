from django import forms
from django.utils.translation import gettext_lazy

from .models import Award, AwardCap


class DateInput(forms.DateInput):
    input_type = "date"


class AwardForm(forms.ModelForm):
    pilot = forms.ModelChoiceField(label=gettext_lazy("试点单位"), queryset=None)

    class Meta:
        model = Award
        fields = ["pilot", "amount", "basis_number", "basis_date", "fund_source", "fund_source_other", "note"]
        widgets = {
            "basis_date": DateInput,
            "note": forms.Textarea(attrs={"rows": 3}),
            "basis_number": forms.TextInput(
                attrs={"placeholder": gettext_lazy("如：陕财办资环〔2026〕12号")}
            ),
        }
        help_texts = {"fund_source_other": gettext_lazy("资金来源为「其他」时填写")}

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots
        self.fields["amount"].min_value = 0


class InstalmentForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("拨付金额（万元）"), max_digits=12, decimal_places=2)
    planned_date = forms.DateField(label=gettext_lazy("计划拨付日期"), widget=DateInput)


class DisburseForm(forms.Form):
    disbursed_on = forms.DateField(label=gettext_lazy("拨付日期"), widget=DateInput)
    payment_document = forms.CharField(label=gettext_lazy("拨付文号"), max_length=64)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("取消理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CapForm(forms.ModelForm):
    class Meta:
        model = AwardCap
        fields = ["pilot_type", "grade", "amount", "effective_from", "note"]
        widgets = {"effective_from": DateInput}
