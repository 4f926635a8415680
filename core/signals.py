"""Security events from Django's own signals: logins, failures, logouts, administrator changes.
Connected in CoreConfig.ready()."""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .security import Kind, record_security_event
from .sso import is_sso_attempt, login_detail

ADMIN_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(user_logged_in, dispatch_uid="core.security.login")
def _logged_in(sender, request, user, **kwargs):
    detail = login_detail(request) if is_sso_attempt(request) else {}
    record_security_event(Kind.LOGIN, user=user, request=request, detail=detail)


@receiver(user_logged_out, dispatch_uid="core.security.logout")
def _logged_out(sender, request, user, **kwargs):
    record_security_event(Kind.LOGOUT, user=user, request=request)


@receiver(user_locked_out, dispatch_uid="core.security.lockout")
def _locked_out(sender, request, username, ip_address=None, **kwargs):
    tried = str(username or "")[:150]
    record_security_event(Kind.LOCKOUT, request=request, username=tried, summary=tried)


@receiver(user_login_failed, dispatch_uid="core.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if is_sso_attempt(request):  # recorded by the single sign-on callback with its reason (core.sso)
        return
    # `credentials` has the password already masked by Django; only the name that was tried is kept.
    tried = str(credentials.get("username", ""))[:150]
    record_security_event(Kind.LOGIN_FAILED, request=request, username=tried, summary=tried)


@receiver(post_save, sender=LogEntry, dispatch_uid="core.security.admin_change")
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    action = ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag))
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label_lower if model else ""
    record_security_event(
        Kind.ADMIN_CHANGE,
        user=instance.user,
        summary=f"{action} {label} {instance.object_repr}"[:255],
        detail={
            "action": action,
            "model": label,
            "object_id": instance.object_id,
            "object": instance.object_repr,
            "change": instance.get_change_message(),
        },
    )
