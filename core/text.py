"""Free text as it arrives from a form or a raw POST: one owner of what is cleaned and what is refused.

- Control characters (NUL and the other C0 codes but tab, line feed and carriage return) are never
  meaningful in a reason, an opinion or a document number; PostgreSQL refuses NUL outright (a 500 and the
  text lost). They are removed from every submitted value by core.middleware.CleanInputMiddleware.
- A value longer than its column is refused with a message naming the field (`check_lengths`, run for every
  model save by the pre_save hook registered in CoreConfig.ready), on SQLite as on PostgreSQL, instead of a
  database error.
"""

import re

from django.db import models
from django.utils.translation import gettext

from .errors import DomainError

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: str) -> str:
    return _CONTROL.sub("", value)


def check_lengths(instance: models.Model) -> None:
    """Refuse, with the field's name, a character value longer than its column."""
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, models.CharField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > limit:
            raise DomainError(
                gettext("「%(field)s」最多%(limit)s个字符，现有%(length)s个，请删减后再提交。")
                % {"field": field.verbose_name, "limit": limit, "length": len(value)},
                code="too_long",
            )


def refuse_overlong_values(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures and migrations load what they load
        check_lengths(instance)
