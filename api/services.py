"""Writes of the API app: making and revoking a user's token (audited, never the key itself)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from core.audit import record

from .models import ApiToken, digest


def token_issue(*, user) -> str:
    """Make (or replace) the user's token; returns the key, which is stored nowhere."""
    key = ApiToken.new_key()
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        token = ApiToken.objects.create(user=user, digest=digest(key), hint=key[-4:])
        record(
            token, actor=user, action="issue", label=gettext_noop("生成接口令牌"), data={"hint": token.hint}
        )
    return key


def token_revoke(*, user) -> bool:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user).first()
        if token is None:
            return False
        record(
            token, actor=user, action="revoke", label=gettext_noop("撤销接口令牌"), data={"hint": token.hint}
        )
        token.delete()
    return True
