from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, digest


class PortalTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`; the key is looked up by its digest. An inactive user's token fails."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销。"))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most every 5 minutes
        return token.user, token
