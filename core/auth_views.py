"""Sign-in pages: login (with the lockout message), the second factor (set-up, verification, backup
codes), the password change page, throttled password reset, and the session's idle-timeout status.

docs/security.md, "Authentication and sessions", describes the rules these pages apply.
"""

import io
from base64 import b32encode
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import auth_state

LOCKED_MESSAGE = gettext_lazy(
    "登录失败次数过多，已暂时锁定，请 %(minutes)d 分钟后再试；如需立即解锁，请联系系统管理员。"
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the lockout. Behind the load balancer (production sets
    SECURE_PROXY_SSL_HEADER) it is the entry of X-Forwarded-For that the balancer appended: the last one
    with one proxy (PORTAL_TRUSTED_PROXIES), so a client cannot choose it by sending the header itself.
    Else REMOTE_ADDR."""
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    proxies = getattr(settings, "PORTAL_TRUSTED_PROXIES", 1)
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and proxies > 0:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR") or None


def _lock_message() -> str:
    return LOCKED_MESSAGE % {"minutes": settings.PORTAL_LOGIN_LOCKOUT_MINUTES}


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers while the user name or the address is locked: the login page with one
    message, the same whether the account exists or not (AXES_LOCKOUT_CALLABLE)."""
    from django.contrib.auth.forms import AuthenticationForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_message": _lock_message(), "next": request.POST.get("next", "")}
    context.update(_login_context())
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _login_context() -> dict:
    from .sso import sso_enabled

    return {"two_factor_disabled": not settings.PORTAL_2FA_REQUIRED, "sso_enabled": sso_enabled()}


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        """After the password, straight on to the second step when it is owed (with the page asked for)."""
        response = super().form_valid(form)
        if auth_state.otp_owed(self.request):
            step = "otp_verify" if auth_state.has_confirmed_device(self.request.user) else "otp_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_login_context())
        if self.request.GET.get("expired") == "idle":
            context["expired_message"] = _("由于长时间未操作，您已自动退出登录，请重新登录。")
        elif self.request.GET.get("expired") == "max":
            context["expired_message"] = _("本次登录已超过最长时限，请重新登录。")
        return context


# Password change: keeps the current session (update_session_auth_hash), ends every other one --------
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        auth_state.password_changed(self.request, self.request.user)
        messages.success(self.request, _("密码已修改。您在其他设备上的登录已全部退出。"))
        return response

    def get_success_url(self):
        return reverse(settings.LOGIN_REDIRECT_URL)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        auth_state.clear_must_change(form.user)
        return response


# Password reset requests: throttled like logins -------------------------------------------------
class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        from .models import PasswordResetAttempt

        email = form.cleaned_data["email"].strip().lower()
        ip = client_ip(self.request)
        since = timezone.now() - timedelta(minutes=settings.PORTAL_LOGIN_LOCKOUT_MINUTES)
        recent = PasswordResetAttempt.objects.filter(created_at__gte=since)
        limit = settings.PORTAL_LOGIN_FAILURE_LIMIT
        if recent.filter(email=email).count() >= limit or (
            ip and recent.filter(ip_address=ip).count() >= limit
        ):
            form.add_error(
                None,
                _("找回密码请求过于频繁，已暂时锁定，请 %(minutes)d 分钟后再试。")
                % {"minutes": settings.PORTAL_LOGIN_LOCKOUT_MINUTES},
            )
            response = self.form_invalid(form)
            response.status_code = settings.AXES_HTTP_RESPONSE_CODE
            return response
        PasswordResetAttempt.objects.create(email=email, ip_address=ip)
        return super().form_valid(form)


# Two-factor authentication ---------------------------------------------------------------------
class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态验证码或备用码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def qr_svg(text: str) -> str:
    """The QR code of `text` as inline SVG, drawn on the server (no script, no external service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app: the QR code and its secret, then a first code to confirm it; the
    10 backup codes are shown once, on the page that answers the confirmation."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if auth_state.has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('otp_verify')}?next={_safe_next(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("身份验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = auth_state.confirm_device(request.user, device)
            otp_login(request, device)
            auth_state.mark_verified(request)
            return render(
                request, "registration/otp_backup_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        form.add_error("token", _("验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。"))
    context = {
        "form": form,
        "qr_svg": qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
        "next": _safe_next(request),
        "required": auth_state.two_factor_required(request.user),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of the login: a code of the authenticator app, or one backup code (used once)."""
    from django_otp import login as otp_login
    from django_otp import match_token

    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not auth_state.has_confirmed_device(request.user):
        return redirect(f"{reverse('otp_setup')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            auth_state.mark_verified(request)
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确、已使用或已过期，请重新输入。"))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _safe_next(request)})


# Session status for the idle-timeout warning (static/js/session-timeout.js) -----------------------
@require_http_methods(["GET", "POST"])
def session_status(request):
    """GET: the seconds left before the idle timeout (does not count as activity). POST: stay signed in."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "remaining": 0})
    if request.method == "POST":
        auth_state.touch(request, force=True)
    return JsonResponse({"authenticated": True, "remaining": auth_state.idle_remaining(request)})
