"""Role changes are security events: a membership created, changed or deleted, in the portal (the expert
pool) or in the admin, by whoever the request being served belongs to (core.security)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.security import Kind, record_security_event

from .models import Membership


def _describe(membership: Membership) -> dict:
    return {
        "membership": membership.pk,
        "subject_id": membership.user_id,
        "subject": membership.user.get_username() if membership.user_id else "",
        "organisation_id": membership.organisation_id,
        "organisation": str(membership.organisation) if membership.organisation_id else "",
        "role": membership.role,
        "title": membership.title,
    }


def _record(action: str, membership: Membership, before: dict | None = None) -> None:
    detail = {"action": action, **_describe(membership)}
    if before:
        detail["before"] = before
    record_security_event(
        Kind.ROLE_CHANGE,
        summary=f"{action} {detail['subject']} {membership.role} {detail['organisation']}"[:255],
        detail=detail,
    )


@receiver(pre_save, sender=Membership, dispatch_uid="organisations.membership.before")
def _remember(sender, instance: Membership, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = Membership.objects.filter(pk=instance.pk).select_related("user", "organisation").first()
    instance._security_before = _describe(old) if old is not None else None


@receiver(post_save, sender=Membership, dispatch_uid="organisations.membership.saved")
def _saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_security_before", None)
    if created:
        _record("grant", instance)
    elif before != _describe(instance):
        _record("change", instance, before)


@receiver(post_delete, sender=Membership, dispatch_uid="organisations.membership.deleted")
def _deleted(sender, instance: Membership, **kwargs):
    _record("revoke", instance)
