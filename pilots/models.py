from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission
from organisations.models import Organisation


class Pilot(FSMModelMixin, models.Model):
    """A selected pilot (试点单位), from selection to acceptance or disqualification."""

    class State(models.TextChoices):
        SELECTED = "selected", _("已入选")
        PLAN_DRAFTING = "plan_drafting", _("方案编制中")
        PLAN_SUBMITTED = "plan_submitted", _("方案已报送")
        PLAN_RETURNED = "plan_returned", _("方案已退回（需修改）")
        PLAN_FILED = "plan_filed", _("方案已备案")
        IMPLEMENTING = "implementing", _("建设实施中")
        ACCEPTANCE_REQUESTED = "acceptance_requested", _("已申请验收")
        ACCEPTANCE_FORWARDED = "acceptance_forwarded", _("验收申请已报省")
        IN_ACCEPTANCE_REVIEW = "in_acceptance_review", _("验收评审中")
        ACCEPTED = "accepted", _("已通过验收（命名）")
        ACCEPTANCE_FAILED = "acceptance_failed", _("验收未通过")
        DISQUALIFIED = "disqualified", _("已取消试点资格")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        PASSED = "passed", _("通过")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pilots")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="pilot", null=True, blank=True
    )
    batch = models.ForeignKey("applications.Batch", on_delete=models.PROTECT, related_name="pilots")
    state = FSMField(_("状态"), default=State.SELECTED, choices=State.choices, protected=True, db_index=True)
    pilot_level = models.CharField(_("试点类型"), max_length=16, blank=True)
    delegated_agencies = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="delegated_pilots",
        verbose_name=_("委托技术服务机构"),
        limit_choices_to={"kind": Organisation.Kind.AGENCY},
    )
    acceptance_grade = models.CharField(_("验收等级"), max_length=16, choices=Grade.choices, blank=True)
    named_at = models.DateField(_("命名日期"), null=True, blank=True)
    # An extension of the construction period granted to this pilot (a decision on the disqualification
    # clock's proposal); the batch's construction_end otherwise.
    construction_extended_to = models.DateField(_("建设期延至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("试点单位")
        verbose_name_plural = _("试点单位")
        ordering = ["organisation__review_unit__order", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "batch"], name="one_pilot_per_batch")]

    def __str__(self) -> str:
        return gettext("%(name)s（%(name2)s）") % {"name": self.organisation.name, "name2": self.batch.name}

    @property
    def public_status(self):
        """The one status word the public list shows, on the page and in its Excel file: a pilot is
        建设中 until it is named after acceptance or its title is taken away (the internal stages are not
        published)."""
        if self.state == self.State.DISQUALIFIED:
            return _("已取消试点资格")
        if self.state != self.State.ACCEPTED:
            return _("建设中")
        if self.acceptance_grade == self.Grade.EXCELLENT:
            return _("已通过验收并命名（优秀）")
        return _("已通过验收并命名")

    @property
    def construction_end(self):
        """The last day of this pilot's construction period: an extension granted to it, else its batch's."""
        return self.construction_extended_to or self.batch.construction_end

    # Guards -----------------------------------------------------------------------------------
    @guard(gettext_lazy("建设期尚未结束，不能取消试点资格。"))
    def construction_period_over(self) -> bool:
        from django.utils import timezone

        return self.construction_end is not None and timezone.localdate() > self.construction_end

    @guard(gettext_lazy("建设期已结束，不能提出验收申请（如获批延期，可在延长的建设期内申请）。"))
    def construction_period_open(self) -> bool:
        """Acceptance is requested within the construction period (an extension granted moves its end): a
        first request, and a failed pilot's second one. After the end the disqualification clock decides
        (pilots.disqualification): the province disqualifies the pilot or extends the period."""
        return not self.construction_period_over()

    @guard(gettext_lazy("须选择验收等级（优秀或通过）。"))
    def has_grade(self) -> bool:
        return bool(self.acceptance_grade)

    # Transitions: bodies only set fields; services do the rest. -------------------------------
    # The plan stages (start_plan … record_local_approval) are run by plans.services together with the
    # plan's own (the plan, its filing number and the local approval's meeting, minutes and issuing
    # document live in plans.models.Plan); the pilot page shows them on the plan page, not as buttons.
    def _perm(name):  # noqa: N805 - a class-body helper, deleted below
        return lazy_permission("pilots.permissions", name)

    @transition(
        state,
        source=State.SELECTED,
        target=State.PLAN_DRAFTING,
        permission=_perm("can_act_for_pilot"),
        custom={"label": gettext_lazy("开始编制建设方案")},
    )
    def start_plan(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.PLAN_DRAFTING, State.PLAN_RETURNED],
        target=State.PLAN_SUBMITTED,
        permission=_perm("can_act_for_pilot"),
        custom={"label": gettext_lazy("报送建设方案")},
    )
    def submit_plan(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PLAN_SUBMITTED,
        target=State.PLAN_RETURNED,
        permission=_perm("can_manage_pilots"),
        custom={
            "label": gettext_lazy("退回建设方案"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("建设方案将退回%(object)s修改，须重新报送。确认退回？"),
        },
    )
    def return_plan(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PLAN_SUBMITTED,
        target=State.PLAN_FILED,
        permission=_perm("can_manage_pilots"),
        custom={"label": gettext_lazy("建设方案审核备案")},
    )
    def file_plan(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PLAN_FILED,
        target=State.IMPLEMENTING,
        permission=_perm("can_act_for_pilot"),
        custom={"label": gettext_lazy("登记方案审议印发，进入实施")},
    )
    def record_local_approval(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.IMPLEMENTING, State.ACCEPTANCE_FAILED],
        target=State.ACCEPTANCE_REQUESTED,
        conditions=[construction_period_open],
        permission=_perm("can_act_for_pilot"),
        custom={"label": gettext_lazy("提出验收申请")},
    )
    def request_acceptance(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.ACCEPTANCE_REQUESTED,
        target=State.ACCEPTANCE_FORWARDED,
        permission=_perm("can_screen_pilot"),
        custom={"label": gettext_lazy("验收申请报省")},
    )
    def forward_acceptance(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.ACCEPTANCE_REQUESTED,
        target=State.IMPLEMENTING,
        permission=_perm("can_screen_pilot"),
        custom={
            "label": gettext_lazy("退回验收申请"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("验收申请将退回%(object)s，须重新提出。确认退回？"),
        },
    )
    def return_acceptance(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.ACCEPTANCE_FORWARDED,
        target=State.IN_ACCEPTANCE_REVIEW,
        permission=_perm("can_manage_pilots"),
        custom={"label": gettext_lazy("组织验收评审")},
    )
    def start_acceptance_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_ACCEPTANCE_REVIEW,
        target=State.ACCEPTED,
        conditions=[has_grade],
        permission=_perm("can_manage_pilots"),
        custom={"label": gettext_lazy("通过验收并命名")},
    )
    def accept(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_ACCEPTANCE_REVIEW,
        target=State.ACCEPTANCE_FAILED,
        permission=_perm("can_manage_pilots"),
        custom={
            "label": gettext_lazy("验收不通过"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将记为验收不通过。此操作不能撤销，确认？"),
        },
    )
    def fail_acceptance(self, *, by=None, reason=""):
        self.acceptance_grade = ""

    @transition(
        state,
        source=[
            State.SELECTED,
            State.PLAN_DRAFTING,
            State.PLAN_SUBMITTED,
            State.PLAN_RETURNED,
            State.PLAN_FILED,
            State.IMPLEMENTING,
            State.ACCEPTANCE_REQUESTED,
            State.ACCEPTANCE_FORWARDED,
            State.ACCEPTANCE_FAILED,
        ],
        target=State.DISQUALIFIED,
        conditions=[construction_period_over],
        permission=_perm("can_manage_pilots"),
        custom={
            "label": gettext_lazy("取消试点资格"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将被取消试点资格，并在试点名单中注明。此操作不能撤销，确认取消？"),
        },
    )
    def disqualify(self, *, by=None, reason=""):
        pass

    del _perm


class DisqualificationProposal(FSMModelMixin, models.Model):
    """The clock's proposal to take a pilot's title away (取消试点资格), made once per end of its construction
    period by the daily job (pilots.disqualification), and the province's decision on it, in the same row:
    confirmed (the pilot is disqualified, with a reason) or an extension granted (a new end, with a reason;
    the clock proposes again only after that end). Nothing is disqualified without a person's decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("待决定")
        CONFIRMED = "confirmed", _("已确认取消资格")
        EXTENDED = "extended", _("已准予延期")
        LAPSED = "lapsed", _("已失效（试点已通过验收或已取消资格）")

    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="disqualification_proposals")
    period_end = models.DateField(_("建设期截止日期"))
    proposed_on = models.DateField(_("提出日期"))
    state = FSMField(_("状态"), default=State.PENDING, choices=State.choices, protected=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    extended_to = models.DateField(_("建设期延至"), null=True, blank=True)

    class Meta:
        verbose_name = _("取消试点资格提议")
        verbose_name_plural = _("取消试点资格提议")
        ordering = ["-proposed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "period_end"], name="one_proposal_per_period_end"),
            models.CheckConstraint(
                condition=~models.Q(state="extended") | models.Q(extended_to__gt=models.F("period_end")),
                name="extension_after_the_period_end",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(pilot)s取消试点资格提议") % {"pilot": self.pilot.organisation.name}

    def _perm(name):  # noqa: N805 - a class-body helper, deleted below
        return lazy_permission("pilots.permissions", name)

    @transition(
        state,
        source=State.PENDING,
        target=State.CONFIRMED,
        permission=_perm("can_decide_disqualification"),
        custom={"label": gettext_lazy("确认取消试点资格"), "reason_required": True, "destructive": True},
    )
    def confirm(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PENDING,
        target=State.EXTENDED,
        permission=_perm("can_decide_disqualification"),
        custom={"label": gettext_lazy("准予延期"), "reason_required": True},
    )
    def extend(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PENDING,
        target=State.LAPSED,
        permission=_perm("can_decide_disqualification"),
        custom={"label": gettext_lazy("提议失效")},
    )
    def lapse(self, *, by=None, reason=""):
        pass

    del _perm
