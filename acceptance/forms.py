from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from core.uploads import validate_upload
from pilots.models import Pilot

from .models import Attachment


class PrepareForm(forms.Form):
    pilot = forms.ModelChoiceField(label=gettext_lazy("试点单位"), queryset=Pilot.objects.none())

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = pilots


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Attachment.Kind.choices)
    line = forms.IntegerField(label=gettext_lazy("对应指标"), required=False)
    claim = forms.IntegerField(label=gettext_lazy("对应加减分项"), required=False)
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


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class RecommendForm(forms.Form):
    pilot = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("推荐理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


def _number(raw: str, label: str, errors: list[str]):
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.append(gettext("「%(name)s」：请输入数字。") % {"name": label})
        return None
    if not value.is_finite():
        errors.append(gettext("「%(name)s」：请输入数字。") % {"name": label})
        return None
    return value


def parse_edit(post, *, lines, projects, adjustments, vetoes) -> tuple[dict, list[str]]:
    """The self-evaluation form's fields as request_update's arguments, and the input errors (Chinese)."""
    errors: list[str] = []
    line_changes = {}
    for line in lines:
        name = line.item.indicator.name
        values = {"note": post.get(f"note-{line.pk}", "")}
        if line.actual_editable:
            values["actual"] = _number(post.get(f"actual-{line.pk}", ""), name, errors)
        if line.target_editable:
            values["target"] = _number(post.get(f"target-{line.pk}", ""), name, errors)
        line_changes[line.pk] = values
    project_changes = {
        p.pk: {
            "status": post.get(f"status-{p.pk}", ""),
            "actual_investment": _number(post.get(f"invest-{p.pk}", ""), p.name, errors),
            "note": post.get(f"pnote-{p.pk}", ""),
        }
        for p in projects
    }
    claims = {}
    for adjustment in adjustments:
        points = _number(post.get(f"claim-{adjustment.code}", ""), adjustment.description, errors)
        claims[adjustment.code] = (
            {"points": points, "explanation": post.get(f"claimx-{adjustment.code}", "")} if points else None
        )
    data = {
        "summary": post.get("summary", ""),
        "verifier": post.get("verifier", "").strip()[:128],
        "veto_declared": post.get("veto_declared") == "on",
        "vetoes_raised": [v.code for v in vetoes if post.get(f"veto-{v.code}") == "on"],
        "lines": line_changes,
        "projects": project_changes,
        "claims": claims,
    }
    return data, errors
