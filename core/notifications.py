"""In-app notices and their e-mails. Called by services inside their transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string

from .models import Notification
from .queue import enqueue_on_commit


def notify(
    recipients: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    send_email: bool = True,
) -> list[Notification]:
    """Create one notice per recipient; e-mails are queued after commit.

    With `dedupe_key`, a notice that already exists for that recipient and key is not created again:
    this is what makes reminders idempotent under retries and duplicated beat runs.
    """
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        if key:
            notification, was_created = Notification.objects.get_or_create(
                dedupe_key=key,
                defaults={
                    "recipient": user,
                    "kind": kind,
                    "title": title,
                    "body": body,
                    "url": url,
                    "send_email": send_email,
                },
            )
            if not was_created:
                continue
        else:
            notification = Notification.objects.create(
                recipient=user, kind=kind, title=title, body=body, url=url, send_email=send_email
            )
        created.append(notification)
        if send_email and user.email:
            from .tasks import send_notification_email

            enqueue_on_commit(send_notification_email, notification.pk)
    return created


def render_email(notification: Notification) -> tuple[str, str]:
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "base_url": settings.PORTAL_BASE_URL,
    }
    subject = f"【陕西低碳试点】{notification.title}"
    body = render_to_string("emails/notification.txt", context)
    return subject, body
