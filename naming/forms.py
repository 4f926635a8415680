from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AcceptanceDecision


class ProposeForm(forms.Form):
    """One grade and one reason per pilot of the round (grade_<pk>, reason_<pk>), pre-filled from the panel."""

    note = forms.CharField(
        label=_("修改说明（重新提出时填写）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, pilots, suggested: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.pilots = pilots
        choices = [("", _("请选择")), *AcceptanceDecision.Grade.choices]
        for pilot in pilots:
            grade, reason = suggested.get(pilot.pk, ("", ""))
            self.fields[f"grade_{pilot.pk}"] = forms.ChoiceField(
                label=_("验收等级"), choices=choices, initial=grade, required=True
            )
            self.fields[f"reason_{pilot.pk}"] = forms.CharField(
                label=_("理由"), initial=reason, required=True, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(p, self[f"grade_{p.pk}"], self[f"reason_{p.pk}"]) for p in self.pilots]

    def grades(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"grade_{p.pk}"] for p in self.pilots}

    def reasons(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"reason_{p.pk}"] for p in self.pilots}


class PublicityForm(forms.Form):
    start = forms.DateField(
        label=_("公示开始日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    working_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=1, max_value=30, initial=5)
    contact = forms.CharField(label=_("异议受理联系人及电话"), max_length=128)


class ObjectionForm(forms.Form):
    pilot = forms.TypedChoiceField(label=_("试点单位"), coerce=int)
    received_on = forms.DateField(
        label=_("收到日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    objector = forms.CharField(label=_("异议人（单位）"), max_length=128)
    contact = forms.CharField(label=_("联系方式"), max_length=64)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pilots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].choices = [(p["pilot"], p["name"]) for p in pilots]


class ObjectionHandleForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
        coerce=lambda v: v == "1",
    )
    handling = forms.CharField(label=_("核查处理情况"), widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(forms.Form):
    document_no = forms.CharField(
        label=_("命名文件文号"), max_length=64, help_text=_("如 陕环发〔2026〕12号")
    )
