"""Who acted: a person, or the portal itself.

Automatic steps (Celery beat reminders, sweeps, a rule that finishes an item once every sheet is in)
act as the system user: a dedicated account created by migration core 0003, which cannot log in
(unusable password, inactive) and holds no role. The audit trail records it as the actor, so no
person is ever credited with what the portal did on its own.
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"
SYSTEM_FULL_NAME = "系统"


def system_user():
    """The system actor (created by the data migration; re-created here if a test flushed it)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": SYSTEM_FULL_NAME, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not getattr(user, "is_active", True)
