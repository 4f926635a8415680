"""The acceptance decision (验收决定): the grades the ecology department proposes and the DRC confirms (the
two-key decision of selection, reused), their publicity (公示) and the naming certificate (命名证书)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission
from reviews.models import DecisionStep


def _perm(name):
    return lazy_permission("naming.permissions", name)


class AcceptanceDecision(DecisionStep):
    """One step of the joint acceptance decision on an acceptance round (the selection's two-key decision,
    `reviews.models.DecisionStep`, with its own kinds).

    The ecology department proposes a grade for every pilot of the round (`propose`: per pilot 优秀, 通过
    or 不通过 with its reason, the panel's grade copied for the record, in `items`); the DRC confirms it
    (`confirm`, optional opinion), or either department returns it (`return`, opinion required), and a
    returned proposal is revised and proposed again. The rows are the history both read.

    `items` of a proposal: [{"pilot": pk, "name": …, "city": …, "grade": "excellent"|"passed"|"fail",
    "reason": …, "panel_grade": "passed"|"", "panel_reason": …}]"""

    class Kind(models.TextChoices):
        PROPOSE = "propose", _("提出验收等级建议")
        CONFIRM = "confirm", _("会签确认")
        RETURN = "return", _("退回修改")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        PASSED = "passed", _("通过")
        FAIL = "fail", _("不通过")

    round = models.ForeignKey(
        "reviews.ReviewRound", on_delete=models.CASCADE, related_name="acceptance_decisions"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)

    class Meta(DecisionStep.Meta):
        verbose_name = _("验收决定记录")
        verbose_name_plural = _("验收决定记录")

    @property
    def rows(self) -> list[dict]:
        """The items with their grade's label, for the pages."""
        labels = dict(self.Grade.choices)
        return [{**item, "grade_label": labels.get(item.get("grade"), "")} for item in self.items]


class NamingPublicity(FSMModelMixin, models.Model):
    """The publicity (公示) of a confirmed acceptance decision, and its conclusion: at the end of the period,
    with no objection pending, the province names the passed pilots and records the failed ones."""

    class State(models.TextChoices):
        OPEN = "open", _("公示中")
        CONCLUDED = "concluded", _("已确定验收结果")

    round = models.OneToOneField(
        "reviews.ReviewRound", on_delete=models.PROTECT, related_name="naming_publicity"
    )
    decision = models.ForeignKey(
        AcceptanceDecision, on_delete=models.PROTECT, related_name="+", verbose_name=_("会签确认的建议")
    )
    state = FSMField(_("状态"), default=State.OPEN, choices=State.choices, protected=True)
    start = models.DateField(_("公示开始日期"))
    end = models.DateField(_("公示截止日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    contact = models.CharField(_("异议受理联系人及电话"), max_length=128)
    document_no = models.CharField(_("命名文件文号"), max_length=64, blank=True)
    # Pilots taken out of this naming by an upheld objection (their result is decided again).
    held = models.JSONField(_("异议成立暂缓确定的试点单位"), default=list, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateField(_("确定日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("验收结果公示")
        verbose_name_plural = _("验收结果公示")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("%(round)s验收结果公示") % {"round": self.round}

    @guard(gettext_lazy("公示期未满，期满后方可确定验收结果。"))
    def period_over(self) -> bool:
        from django.utils import timezone

        return timezone.localdate() > self.end

    @guard(gettext_lazy("尚有公示异议未处理完毕，不能确定验收结果。"))
    def no_pending_objection(self) -> bool:
        from reviews.models import Objection

        return not Objection.objects.filter(
            item__round_id=self.round_id, outcome=Objection.Outcome.PENDING
        ).exists()

    @transition(
        state,
        source=State.OPEN,
        target=State.CONCLUDED,
        conditions=[period_over, no_pending_objection],
        permission=_perm("can_decide_acceptance"),
        custom={"label": gettext_lazy("确定验收结果并命名")},
    )
    def conclude(self, *, by=None, reason=""):
        from django.utils import timezone

        self.concluded_at = timezone.localdate()


def certificate_path(instance: "NamingCertificate", filename: str) -> str:
    # Never a guessable name: the file is served only through a checked view.
    return f"naming/{instance.pilot_id}/{instance.token}.pdf"


class NamingCertificate(models.Model):
    """The naming certificate (命名证书) of a pilot that passed acceptance: requested when the results are
    concluded, rendered once by naming.tasks.render_certificate and stored; views only serve the file."""

    pilot = models.OneToOneField("pilots.Pilot", on_delete=models.PROTECT, related_name="naming_certificate")
    publicity = models.ForeignKey(NamingPublicity, on_delete=models.PROTECT, related_name="certificates")
    document_no = models.CharField(_("文号"), max_length=64)
    grade = models.CharField(_("验收等级"), max_length=16)
    issued_on = models.DateField(_("命名日期"))
    token = models.CharField(max_length=32, editable=False)
    file = models.FileField(_("文件"), upload_to=certificate_path, blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("命名证书")
        verbose_name_plural = _("命名证书")

    def __str__(self) -> str:
        return gettext("%(name)s命名证书") % {"name": self.pilot.organisation.name}
