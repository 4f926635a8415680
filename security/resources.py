"""The auditor's exports (core.xlsx; each one is itself recorded as an `export` security event)."""

from django.utils.translation import gettext, gettext_lazy

from core import xlsx
from core.audit import translate_stored


def security_events_xlsx(events, *, filters):
    sheet = xlsx.Sheet(
        name=gettext("安全事件"),
        title=gettext("安全事件记录"),
        scope=xlsx.filter_summary(filters),
        columns=[
            xlsx.Column(gettext_lazy("时间"), lambda e: e.created_at, kind=xlsx.DATETIME),
            xlsx.Column(gettext_lazy("类型"), lambda e: e.get_kind_display()),
            xlsx.Column(gettext_lazy("用户名"), lambda e: e.username),
            xlsx.Column(gettext_lazy("地址"), lambda e: e.ip),
            xlsx.Column(gettext_lazy("请求路径"), lambda e: e.path),
            xlsx.Column(gettext_lazy("摘要"), lambda e: e.summary, width=50),
            xlsx.Column(gettext_lazy("记录编号"), lambda e: e.pk, kind=xlsx.INT),
            xlsx.Column(gettext_lazy("哈希"), lambda e: e.hash),
        ],
        rows=events.iterator(chunk_size=2000),
    )
    return xlsx.xlsx_response(sheet, filename=gettext("安全事件.xlsx"))


def audit_entries_xlsx(entries, *, filters):
    sheet = xlsx.Sheet(
        name=gettext("操作记录"),
        title=gettext("业务操作记录"),
        scope=xlsx.filter_summary(filters),
        columns=[
            xlsx.Column(gettext_lazy("时间"), lambda e: e.created_at, kind=xlsx.DATETIME),
            xlsx.Column(gettext_lazy("操作人"), lambda e: e.actor.display_name if e.actor else ""),
            xlsx.Column(gettext_lazy("对象"), lambda e: e.object_repr),
            xlsx.Column(gettext_lazy("操作"), lambda e: translate_stored(e.action_label) or e.action),
            xlsx.Column(gettext_lazy("操作代码"), lambda e: e.action),
            xlsx.Column(gettext_lazy("原状态"), lambda e: e.from_state),
            xlsx.Column(gettext_lazy("新状态"), lambda e: e.to_state),
            xlsx.Column(gettext_lazy("说明/理由"), lambda e: e.reason, width=50),
            xlsx.Column(gettext_lazy("记录编号"), lambda e: e.pk, kind=xlsx.INT),
            xlsx.Column(gettext_lazy("哈希"), lambda e: e.hash),
        ],
        rows=entries.iterator(chunk_size=2000),
    )
    return xlsx.xlsx_response(sheet, filename=gettext("操作记录.xlsx"))
