"""The public verification page (/verify/, no login): upload an issued PDF, or type its document number."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import signing
from .ratelimit import allow
from .security import client_ip
from .uploads import sniff


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=_("上传PDF文件"), required=False)
    number = forms.CharField(label=_("或输入文号"), required=False, max_length=64, strip=True)

    def clean_pdf(self):
        uploaded = self.cleaned_data.get("pdf")
        if not uploaded:
            return None
        limit = settings.PORTAL_VERIFY_MAX_BYTES
        if uploaded.size > limit:
            raise ValidationError(
                gettext("文件过大：%(size).1f MB，核验的文件不得超过 %(limit)d MB。")
                % {"size": uploaded.size / 1048576, "limit": limit // 1048576}
            )
        if uploaded.size == 0:
            raise ValidationError(gettext("文件为空。"))
        content_type, _extension = sniff(uploaded)
        if content_type != "application/pdf":
            raise ValidationError(gettext("只能核验PDF文件（按文件内容识别，而非扩展名）。"))
        return uploaded

    def clean_number(self):
        return self.cleaned_data.get("number", "").replace("\x00", "")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("pdf") and not cleaned.get("number"):
            raise ValidationError(gettext("请上传PDF文件，或输入文号。"))
        return cleaned


@require_http_methods(["GET", "POST"])
def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_mb": settings.PORTAL_VERIFY_MAX_BYTES // 1048576}
    limit, window = settings.PORTAL_VERIFY_RATE_LIMIT, settings.PORTAL_VERIFY_RATE_WINDOW
    if request.method == "POST" and not allow("verify", client_ip(request), limit=limit, window=window):
        form.is_valid()  # the typed number stays in the form
        form.add_error(
            None,
            gettext("核验请求过于频繁：同一地址每 %(minutes)d 分钟最多核验 %(limit)d 次，请稍后再试。")
            % {"minutes": max(window // 60, 1), "limit": limit},
        )
        response = render(request, "core/verify.html", context, status=429)
        response["Retry-After"] = str(window)
        return response
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data.get("pdf")
        if uploaded:
            uploaded.seek(0)
            context["verdict"] = signing.verify_pdf(uploaded.read())
            context["filename"] = uploaded.name
        else:
            context["number"] = form.cleaned_data["number"]
            context["numbered"] = list(signing.documents_numbered(form.cleaned_data["number"])[:50])
    return render(request, "core/verify.html", context)
