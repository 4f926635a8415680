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


def notify_many(messages: Iterable[dict], *, send_email: bool = True) -> int:
    """The bulk form of `notify` with a dedupe key, for a sweep over many recipients: `messages` are
    dicts of notify's arguments (recipients, kind, title, body, url, dedupe_key; the key is required).

    The keys already stored are read in one query, the missing notices inserted in bulk (a notice that
    a concurrent run stored meanwhile is skipped by the unique dedupe key), and the new ones read back
    in one more query for their e-mails, queued after commit. Returns the number of notices created."""
    rows: dict[str, Notification] = {}
    for message in messages:
        for user in {u.pk: u for u in message["recipients"] if u is not None and u.is_active}.values():
            key = f"{message['dedupe_key']}:u{user.pk}"
            rows[key] = Notification(
                recipient=user,
                kind=message["kind"],
                title=message["title"],
                body=message.get("body", ""),
                url=message.get("url", ""),
                send_email=send_email,
                dedupe_key=key,
            )
    if not rows:
        return 0
    for key in Notification.objects.filter(dedupe_key__in=list(rows)).values_list("dedupe_key", flat=True):
        del rows[key]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows.values(), batch_size=500, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(dedupe_key__in=list(rows), emailed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "recipient__email")
    )
    if send_email:
        from .tasks import send_notification_email

        for pk, email in created:
            if email:
                enqueue_on_commit(send_notification_email, pk)
    return len(created)


def render_email(notification: Notification) -> tuple[str, str]:
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "base_url": settings.PORTAL_BASE_URL,
    }
    subject = f"【陕西低碳试点】{notification.title}"
    body = render_to_string("emails/notification.txt", context)
    return subject, body
