"""System checks of core's settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def security_event_retention(app_configs, **kwargs):
    from .security import MIN_RETENTION_DAYS

    days = getattr(settings, "PORTAL_SECURITY_EVENT_RETENTION_DAYS", 400)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"PORTAL_SECURITY_EVENT_RETENTION_DAYS is {days!r}: security events must be kept at least "
                f"{MIN_RETENTION_DAYS} days (6 months, GB/T 22239-2019).",
                hint=f"Set it to {MIN_RETENTION_DAYS} or more (default 400).",
                id="core.E101",
            )
        ]
    return []


# The environment variable that sets each setting single sign-on needs (config/settings/base.py).
OIDC_ENVIRONMENT = {
    "OIDC_RP_CLIENT_ID": "PORTAL_OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "PORTAL_OIDC_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "PORTAL_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "PORTAL_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "PORTAL_OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "PORTAL_OIDC_JWKS_ENDPOINT",
}


@register()
def single_sign_on_settings(app_configs, **kwargs):
    """Single sign-on is either off (none of its settings) or fully configured: a half-configured one
    would show no button and fail silently."""
    from .sso import missing_settings

    missing = missing_settings()
    if not missing or len(missing) == len(OIDC_ENVIRONMENT):
        return []
    names = ", ".join(OIDC_ENVIRONMENT.get(name, name) for name in missing)
    return [
        Error(
            f"Single sign-on is partly configured: {names} missing.",
            hint="Set every PORTAL_OIDC_* variable of docs/deployment.md, or none of them.",
            id="core.E102",
        )
    ]
