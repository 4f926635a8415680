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
