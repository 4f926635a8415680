from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission


def _perm(name):
    return lazy_permission("reports.permissions", name)


class AnnualReport(FSMModelMixin, models.Model):
    """年度自评报告: each December, to the province and the finance department."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待提交")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回（需修改）")
        RECEIVED = "received", _("已接收")

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    summary = models.TextField(_("总体进展概述"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度自评报告")
        verbose_name_plural = _("年度自评报告")
        ordering = ["-year", "pilot__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["pilot", "year"], name="one_report_per_pilot_year")]

    def __str__(self) -> str:
        return gettext("%(name)s %(year)s年度自评报告") % {
            "name": self.pilot.organisation.name,
            "year": self.year,
        }

    @guard(gettext_lazy("须填写总体进展概述后方可提交。"))
    def has_summary(self) -> bool:
        return bool(self.summary.strip())

    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[has_summary],
        permission=_perm("can_submit_report"),
        custom={"label": gettext_lazy("提交年度自评报告")},
    )
    def submit(self, *, by=None, reason=""):
        self.submitted_at = timezone.now()

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("can_receive_report"),
        custom={"label": gettext_lazy("退回修改"), "reason_required": True},
    )
    def return_for_revision(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RECEIVED,
        permission=_perm("can_receive_report"),
        custom={"label": gettext_lazy("接收")},
    )
    def receive(self, *, by=None, reason=""):
        pass
