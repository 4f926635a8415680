"""The sign-in pages (core.auth_views), mounted under accounts/ before django.contrib.auth.urls, whose
names they keep (login, password_change, password_reset, password_reset_confirm)."""

from django.urls import path

from . import auth_views, sso

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("two-factor/setup/", auth_views.otp_setup, name="otp_setup"),
    path("two-factor/verify/", auth_views.otp_verify, name="otp_verify"),
    path("session/", auth_views.session_status, name="session_status"),
    # Single sign-on with the province's identity platform (core.sso): 404 while not configured.
    path("sso/login/", sso.SSOStartView.as_view(), name="oidc_authentication_init"),
    path("sso/callback/", sso.SSOCallbackView.as_view(), name="oidc_authentication_callback"),
]
