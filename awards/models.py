"""Awards (奖补) to accepted pilots, recorded by the provincial finance department (省财政厅): the caps per
pilot type (and grade), each award with its basis document and fund source, and its instalments
(分期拨付) from planned to disbursed or cancelled. Every change is a row of its own and an audit entry
(`awards.*`); the rules live in services.py."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import lazy_permission

ZERO = Decimal("0")


def _perm(name):
    return lazy_permission("awards.permissions", name)


class PilotType(models.TextChoices):
    """The kind of pilot a cap applies to: its organisation's kind (county government or park)."""

    COUNTY = "county", _("县（区）")
    PARK = "park", _("园区")


class FundSource(models.TextChoices):
    PROVINCIAL_ECOLOGY = "provincial_ecology", _("省级生态环境保护专项资金")
    CENTRAL_BUDGET = "central_budget", _("中央预算内投资")
    PROVINCIAL_FISCAL = "provincial_fiscal", _("省级财政资金")
    OTHER = "other", _("其他")


class AwardCap(models.Model):
    """The most one pilot of a type (and, when set, of an acceptance grade) may be awarded in total, in
    万元, from a date on. A change is a new row with its own effective date: the old one stays, as the
    caps that applied to earlier awards."""

    pilot_type = models.CharField(_("试点类型"), max_length=16, choices=PilotType.choices)
    grade = models.CharField(
        _("验收等级"),
        max_length=16,
        blank=True,
        choices=[("excellent", _("优秀")), ("passed", _("通过"))],
        help_text=_("留空表示适用于各验收等级"),
    )
    amount = models.DecimalField(_("奖补上限（万元）"), max_digits=12, decimal_places=2)
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("依据或说明"), max_length=255, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("奖补上限")
        verbose_name_plural = _("奖补上限")
        ordering = ["pilot_type", "grade", "-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot_type", "grade", "effective_from"],
                name="one_award_cap_per_type_grade_day",
                violation_error_message=_("该类型自该日起已有奖补上限，请另选生效日期。"),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="award_cap_positive",
                violation_error_message=_("奖补上限须大于零。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(type)s%(grade)s奖补上限%(amount)s万元（%(date)s起）") % {
            "type": self.get_pilot_type_display(),
            "grade": self.get_grade_display() if self.grade else "",
            "amount": self.amount,
            "date": self.effective_from.isoformat(),
        }


class Award(models.Model):
    """An award to one accepted pilot on one basis document (e.g. 陕财办资环〔2026〕12号): at most one per
    pilot and document."""

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(_("奖补金额（万元）"), max_digits=12, decimal_places=2)
    basis_number = models.CharField(_("依据文号"), max_length=64)
    basis_date = models.DateField(_("文件日期"))
    fund_source = models.CharField(_("资金来源"), max_length=32, choices=FundSource.choices)
    fund_source_other = models.CharField(_("其他资金来源"), max_length=128, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("奖补")
        verbose_name_plural = _("奖补")
        ordering = ["-basis_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "basis_number"],
                name="one_award_per_pilot_basis",
                violation_error_message=_("该试点单位依据同一文件的奖补已登记，同一文件不能重复登记。"),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="award_positive",
                violation_error_message=_("奖补金额须大于零。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s奖补（%(basis)s）") % {
            "name": self.pilot.organisation.name,
            "basis": self.basis_number,
        }

    STATUS_LABELS = {
        "unpaid": _("未拨付"),
        "partial": _("部分拨付"),
        "paid": _("已全部拨付"),
    }

    @property
    def status(self) -> str:
        """unpaid / partial / paid, from the disbursed instalments (`disbursed` as the list selector
        annotates it, else summed here)."""
        disbursed = getattr(self, "disbursed", None)
        if disbursed is None:
            disbursed = sum(
                (i.amount for i in self.instalments.all() if i.state == Instalment.State.DISBURSED), ZERO
            )
        if not disbursed:
            return "unpaid"
        return "partial" if disbursed < self.amount else "paid"

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])

    @property
    def fund_source_label(self) -> str:
        if self.fund_source == FundSource.OTHER and self.fund_source_other:
            return self.fund_source_other
        return self.get_fund_source_display()


class Instalment(FSMModelMixin, models.Model):
    """One instalment (第N期) of an award: planned, then disbursed (with its date and paying document) or
    cancelled (with its reason). The instalments not cancelled never add up to more than the award."""

    class State(models.TextChoices):
        PLANNED = "planned", _("待拨付")
        DISBURSED = "disbursed", _("已拨付")
        CANCELLED = "cancelled", _("已取消")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("拨付金额（万元）"), max_digits=12, decimal_places=2)
    planned_date = models.DateField(_("计划拨付日期"))
    state = FSMField(_("状态"), default=State.PLANNED, choices=State.choices, protected=True, db_index=True)
    disbursed_on = models.DateField(_("拨付日期"), null=True, blank=True)
    payment_document = models.CharField(_("拨付文号"), max_length=64, blank=True)
    cancelled_on = models.DateField(_("取消日期"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消理由"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("奖补分期")
        verbose_name_plural = _("奖补分期")
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="one_instalment_number_per_award"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="instalment_positive",
                violation_error_message=_("拨付金额须大于零。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(award)s第%(number)s期") % {"award": self.award, "number": self.number}

    @transition(
        state,
        source=State.PLANNED,
        target=State.DISBURSED,
        permission=_perm("can_manage_awards"),
        custom={"label": gettext_lazy("登记拨付")},
    )
    def disburse(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PLANNED,
        target=State.CANCELLED,
        permission=_perm("can_manage_awards"),
        custom={
            "label": gettext_lazy("取消分期"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将取消，其金额不再计入拨付计划。确认取消？"),
        },
    )
    def cancel(self, *, by=None, reason=""):
        self.cancel_reason = reason
