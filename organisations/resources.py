"""The scope line of every list export (core.xlsx): whose rows a list holds, and the filters applied."""

from django.utils.translation import gettext

from core import xlsx

from .models import Organisation, ReviewUnit, Role
from .roles import scope_of


def scope_label(user) -> str:
    """Whose objects a list holds, in words: 全省, the officer's cities, or the user's organisations."""
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        return gettext("全省")
    names = list(ReviewUnit.objects.filter(pk__in=scope.review_units).values_list("name", flat=True))
    org_ids = scope.orgs(Role.APPLICANT) | scope.orgs(Role.AGENCY)
    names += list(Organisation.objects.filter(pk__in=org_ids).values_list("name", flat=True))
    return "、".join(names) or gettext("本账号可查看的记录")


def list_scope(user, filters) -> str:
    """范围 (the user's scope) and the filters applied, for the title rows of a list export."""
    parts = [gettext("范围：%(scope)s") % {"scope": scope_label(user)}]
    if summary := xlsx.filter_summary(filters):
        parts.append(gettext("筛选条件：%(filters)s") % {"filters": summary})
    return gettext("；").join(parts)
