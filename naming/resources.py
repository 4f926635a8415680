"""The acceptance decisions list as Excel (core.xlsx), with the same rows, filters and status words as the page."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from organisations.resources import list_scope

from .selectors import step_of


def round_list_xlsx(rounds, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("验收决定"),
        title=_("验收评审轮次的验收决定情况"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("评审轮次"), lambda r: r.name),
            xlsx.Column(_("批次"), lambda r: r.batch.name),
            xlsx.Column(_("验收决定"), step_of),
            xlsx.Column(
                _("公示截止日期"),
                lambda r: getattr(getattr(r, "naming_publicity", None), "end", None),
                kind=xlsx.DATE,
            ),
            xlsx.Column(
                _("命名文件文号"), lambda r: getattr(getattr(r, "naming_publicity", None), "document_no", "")
            ),
        ],
        rows=rounds,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("验收决定.xlsx"))
