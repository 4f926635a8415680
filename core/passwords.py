"""Password rules of 等保 level 3 (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求), with Chinese messages.

At least settings.PORTAL_PASSWORD_MIN_LENGTH characters (10), at least three of the four character
classes (upper case, lower case, digits, symbols), not like the user name, name or e-mail, not one of
the 20,000 common passwords, not all digits. Applied wherever a password is chosen: the change page,
the reset page, the admin's forms (docs/security.md, Authentication).
"""

import re

from django.contrib.auth import password_validation as base
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    (re.compile(r"[A-Z]"), "upper"),
    (re.compile(r"[a-z]"), "lower"),
    (re.compile(r"[0-9]"), "digit"),
    (re.compile(r"[^A-Za-z0-9]"), "symbol"),
)


def character_classes(password: str) -> int:
    return sum(1 for pattern, _name in CLASSES if pattern.search(password))


class MinimumLengthValidator(base.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "密码太短：至少需要 %(min_length)d 个字符。",
                    "密码太短：至少需要 %(min_length)d 个字符。",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类中的至少 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("包含大写字母、小写字母、数字、符号四类中的至少 %(n)d 类。") % {"n": self.min_classes}


class NotLikeUsernameValidator(base.UserAttributeSimilarityValidator):
    """Not like the user name, name or e-mail, and not containing the user name (in either direction)."""

    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "first_name", "last_name", "email")

    def validate(self, password, user=None):
        if user is None:
            return
        message = _("密码与用户名、姓名或邮箱过于相似，请换一个。")
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if len(username) >= 3 and (username in lowered or lowered in username or username[::-1] in lowered):
            raise ValidationError(message, code="password_too_similar")
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(message, code="password_too_similar") from None

    def get_help_text(self):
        return _("不能与用户名、姓名或邮箱相似。")


class CommonPasswordValidator(base.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("这是一个常见密码，很容易被猜中，请换一个。"), code="password_too_common"
            ) from None

    def get_help_text(self):
        return _("不能是常见密码。")


class NumericPasswordValidator(base.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError(_("密码不能全是数字。"), code="password_entirely_numeric")

    def get_help_text(self):
        return _("不能全是数字。")
