from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard


def _perm(name):
    def check(instance, user):
        from reviews import permissions

        return getattr(permissions, name)(user, instance)

    check.__name__ = name
    return check


class ReviewRound(FSMModelMixin, models.Model):
    """评审轮次, used for selection (申报遴选) and for acceptance (验收)."""

    class Purpose(models.TextChoices):
        SELECTION = "selection", _("试点遴选评审")
        ACCEPTANCE = "acceptance", _("验收评审")

    class State(models.TextChoices):
        SETUP = "setup", _("设置中")
        DECLARING = "declaring", _("利益冲突申报")
        ASSIGNING = "assigning", _("分配评审任务")
        SCORING = "scoring", _("专家打分中")
        AGGREGATED = "aggregated", _("已汇总")
        DECIDED = "decided", _("已决定")

    name = models.CharField(_("名称"), max_length=128)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    batch = models.ForeignKey("applications.Batch", on_delete=models.PROTECT, related_name="review_rounds")
    state = FSMField(_("状态"), default=State.SETUP, choices=State.choices, protected=True, db_index=True)
    experts_per_item = models.PositiveSmallIntegerField(_("每项专家人数"), default=5)
    scoring_deadline = models.DateField(_("打分截止日期"), null=True, blank=True)
    criteria_frozen_at = models.DateTimeField(_("评分标准冻结时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @guard("须先设置打分截止日期。")
    def has_deadline(self) -> bool:
        return self.scoring_deadline is not None

    @guard("尚有评审任务未完成打分。")
    def all_scores_in(self) -> bool:
        return (
            not self.assignments.exclude(state=ReviewAssignment.State.SUBMITTED)
            .exclude(state=ReviewAssignment.State.DECLINED)
            .exists()
        )

    @transition(
        state,
        source=State.SETUP,
        target=State.DECLARING,
        conditions=[has_deadline],
        permission=_perm("can_manage_round"),
        custom={"label": "冻结评分标准，开始利益冲突申报"},
    )
    def freeze_criteria(self, *, by=None, reason=""):
        from django.utils import timezone

        self.criteria_frozen_at = timezone.now()

    @transition(
        state,
        source=State.DECLARING,
        target=State.ASSIGNING,
        permission=_perm("can_manage_round"),
        custom={"label": "结束冲突申报，分配任务"},
    )
    def close_declarations(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.ASSIGNING,
        target=State.SCORING,
        permission=_perm("can_manage_round"),
        custom={"label": "开始打分"},
    )
    def open_scoring(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SCORING,
        target=State.AGGREGATED,
        conditions=[all_scores_in],
        permission=_perm("can_manage_round"),
        custom={"label": "揭示并汇总评分"},
    )
    def aggregate(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.AGGREGATED,
        target=State.DECIDED,
        permission=_perm("can_manage_round"),
        custom={"label": "形成评审结论"},
    )
    def decide(self, *, by=None, reason=""):
        pass


class ReviewAssignment(models.Model):
    """One expert's task in a round: one application (selection) or one pilot (acceptance)."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("已分配")
        ACCEPTED = "accepted", _("已确认")
        DECLINED = "declined", _("已谢绝")
        SUBMITTED = "submitted", _("已提交评分")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    pilot = models.ForeignKey(
        "pilots.Pilot", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "expert", "application"], name="one_assignment_per_application"
            ),
            models.UniqueConstraint(fields=["round", "expert", "pilot"], name="one_assignment_per_pilot"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.expert}"
