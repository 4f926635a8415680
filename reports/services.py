from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from pilots.permissions import can_act_for_pilot

from .models import AnnualReport


def report_create(*, pilot: Pilot, year: int, by) -> AnnualReport:
    if not can_act_for_pilot(by, pilot):
        raise ActionNotPermitted()
    with transaction.atomic():
        if AnnualReport.objects.filter(pilot=pilot, year=year).exists():
            raise DomainError(gettext("%(year)s年度自评报告已存在。") % {"year": year})
        report = AnnualReport.objects.create(pilot=pilot, year=year)
        record(
            report, actor=by, action="create", label=gettext_noop("创建年度自评报告"), to_state=report.state
        )
    return report


def report_transition(*, report: AnnualReport, name: str, by, reason: str = "") -> AnnualReport:
    if name not in {"submit", "return_for_revision", "receive"}:
        raise DomainError(gettext("未知的操作。"))
    with transaction.atomic():
        report = perform_transition(AnnualReport, report.pk, name, by=by, reason=reason)
        url = reverse("reports:detail", args=[report.pk])
        if name == "submit":
            recipients = users_with_role([Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER])
            with translation.override("zh-hans"):
                title = f"{report}已提交"
            notify(recipients, kind="report_submitted", title=title, url=url)
        else:
            staff = users_with_role(Role.APPLICANT, organisation=report.pilot.organisation_id)
            with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
                title = f"{report}：{report.get_state_display()}"
            notify(staff, kind="report_" + name, title=title, url=url)
    return report
