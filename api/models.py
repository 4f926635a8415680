import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "sxlc_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A user's API token. Only its SHA-256 digest is stored: the key is shown once, when it is made, and
    a database copy cannot be replayed. One per user; making a new one replaces the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token", verbose_name=_("用户")
    )
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    hint = models.CharField(_("末四位"), max_length=4)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} · …{self.hint}"

    @staticmethod
    def new_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
