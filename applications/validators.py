"""统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and the capital letters without I, O, Z, S
and V; characters 3-8 are the registering authority's administrative division code; the 18th is a
check character computed from the first 17 (weights 3^i mod 31)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formats import enumeration_comma

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位（当前为%(n)s位）。"), params={"n": len(code)})
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise ValidationError(
            _("统一社会信用代码中不能含有字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            params={"chars": enumeration_comma().join(wrong)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）。"))
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对后重新填写。"))
