import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard
from pilots.models import Organisation


def _perm(name):
    """Resolve a permission function lazily (permissions import models)."""

    def check(instance, user):
        from applications import permissions

        return getattr(permissions, name)(user, instance)

    check.__name__ = name
    return check


class Batch(FSMModelMixin, models.Model):
    """申报批次: a call for applications and the dates that govern it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        OPEN = "open", _("申报中")
        CITY_SCREENING = "city_screening", _("市级初审")
        PROVINCIAL_REVIEW = "provincial_review", _("省级评审")
        PUBLICITY = "publicity", _("公示中")
        PUBLISHED = "published", _("已公布")
        CLOSED = "closed", _("已结束")

    name = models.CharField(_("批次名称"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    document_no = models.CharField(_("文号"), max_length=64, blank=True, help_text=_("如 陕环发〔2023〕48号"))
    base_year = models.PositiveSmallIntegerField(_("基准年"), default=2022)
    target_year = models.PositiveSmallIntegerField(_("目标年"), default=2025)
    application_start = models.DateField(_("申报开始日期"), null=True, blank=True)
    application_deadline = models.DateField(_("申报截止日期"), null=True, blank=True)
    forwarding_deadline = models.DateField(_("市级报送截止日期"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    construction_end = models.DateField(_("建设期截止日期"), default=datetime.date(2025, 12, 31))
    annual_report_due_month = models.PositiveSmallIntegerField(_("年度自评报告报送月份"), default=12)
    annual_report_due_day = models.PositiveSmallIntegerField(
        _("年度自评报告报送日"), default=10, help_text=_("“12月上旬”即12月10日前")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accepting(self) -> bool:
        today = timezone.localdate()
        return self.state == self.State.OPEN and (
            self.application_deadline is None or today <= self.application_deadline
        )

    @guard("须先设置申报截止日期和市级报送截止日期，且报送截止不早于申报截止。")
    def has_dates(self) -> bool:
        return bool(
            self.application_deadline
            and self.forwarding_deadline
            and self.forwarding_deadline >= self.application_deadline
        )

    @guard("须先设置公示起止日期。")
    def has_publicity_dates(self) -> bool:
        return bool(
            self.publicity_start and self.publicity_end and self.publicity_end >= self.publicity_start
        )

    @transition(
        state,
        source=State.DRAFT,
        target=State.OPEN,
        conditions=[has_dates],
        permission=_perm("can_manage_batches"),
        custom={"label": "开放申报"},
    )
    def open(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.OPEN,
        target=State.CITY_SCREENING,
        permission=_perm("can_manage_batches"),
        custom={"label": "截止申报，转入市级初审"},
    )
    def close_applications(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.CITY_SCREENING,
        target=State.PROVINCIAL_REVIEW,
        permission=_perm("can_manage_batches"),
        custom={"label": "转入省级评审"},
    )
    def start_provincial_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PROVINCIAL_REVIEW,
        target=State.PUBLICITY,
        conditions=[has_publicity_dates],
        permission=_perm("can_manage_batches"),
        custom={"label": "发布拟入选名单公示"},
    )
    def start_publicity(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLICITY,
        target=State.PUBLISHED,
        permission=_perm("can_manage_batches"),
        custom={"label": "公布试点名单"},
    )
    def publish(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLISHED,
        target=State.CLOSED,
        permission=_perm("can_manage_batches"),
        custom={"label": "结束批次"},
    )
    def close(self, *, by=None, reason=""):
        pass


class Application(FSMModelMixin, models.Model):
    """试点示范建设申报书 (Annex 1): one per organisation per batch."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待提交")
        SUBMITTED = "submitted", _("已提交（市级审核中）")
        RETURNED = "returned", _("已退回（需修改）")
        WITHDRAWN = "withdrawn", _("已撤回")
        NOT_RECOMMENDED = "not_recommended", _("市级未推荐")
        RECOMMENDED = "recommended", _("市级已推荐")
        FORWARDED = "forwarded", _("已报送省厅")
        RETURNED_TO_CITY = "returned_to_city", _("省厅退回市级")
        IN_EXPERT_REVIEW = "in_expert_review", _("专家评审中")
        REVIEWED = "reviewed", _("评审完成")
        SHORTLISTED = "shortlisted", _("拟入选")
        NOT_SELECTED = "not_selected", _("未入选")
        IN_PUBLICITY = "in_publicity", _("公示中")
        SELECTED = "selected", _("已入选")

    class PilotLevel(models.TextChoices):
        LOW_CARBON = "low_carbon", _("低碳试点")
        NEAR_ZERO = "near_zero", _("近零碳试点")

    class Proposal(models.TextChoices):
        SHORTLIST = "shortlist", _("拟入选")
        DECLINE = "decline", _("不予入选")

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="applications", verbose_name=_("批次")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报单位")
    )
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    pilot_level = models.CharField(
        _("申报类型"), max_length=16, choices=PilotLevel.choices, default=PilotLevel.LOW_CARBON
    )
    delegated_agencies = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="delegated_applications",
        verbose_name=_("委托技术服务机构"),
        limit_choices_to={"kind": Organisation.Kind.AGENCY},
    )
    declares_no_major_accident = models.BooleanField(
        _("近3年未发生重大环境污染和生态破坏事故"), default=False
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    city_opinion = models.TextField(_("市级推荐意见"), blank=True)
    city_rank = models.PositiveSmallIntegerField(_("市级推荐排序"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("报送省厅时间"), null=True, blank=True)
    decision_proposal = models.CharField(
        _("生态环境厅建议"), max_length=16, choices=Proposal.choices, blank=True
    )
    decision_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("申报书")
        verbose_name_plural = _("申报书")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "organisation"], name="one_application_per_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.batch.name}"

    @property
    def review_unit_id(self):
        return self.organisation.review_unit_id

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    def missing_for_submission(self) -> list[str]:
        """What still stops submission, in the applicant's words. Extended as the form grows."""
        missing = []
        if not self.declares_no_major_accident:
            missing.append("未作出“近3年未发生重大环境污染和生态破坏事故”声明")
        if not self.attachments.filter(kind=Attachment.Kind.COMMITMENT_LETTER).exists():
            missing.append("未上传签字盖章的承诺书")
        return missing

    # Guards -----------------------------------------------------------------------------------
    @guard("申报批次未开放或已过申报截止日期，不能提交。")
    def batch_accepting(self) -> bool:
        return self.batch.is_accepting

    @guard("申报书尚未填写完整（须作出无重大事故声明并上传承诺书），不能提交。")
    def form_complete(self) -> bool:
        return not self.missing_for_submission()

    @guard("已过市级报送截止日期，不能报送。")
    def before_forwarding_deadline(self) -> bool:
        deadline = self.batch.forwarding_deadline
        return deadline is None or timezone.localdate() <= deadline

    @guard("须填写推荐意见和市内推荐排序。")
    def has_city_recommendation(self) -> bool:
        return bool(self.city_opinion.strip()) and bool(self.city_rank)

    @guard("须由省生态环境厅先提出入选建议。")
    def proposed_shortlist(self) -> bool:
        return self.decision_proposal == self.Proposal.SHORTLIST

    @guard("须由省生态环境厅先提出不予入选建议。")
    def proposed_decline(self) -> bool:
        return self.decision_proposal == self.Proposal.DECLINE

    # Transitions: bodies only set fields. ---------------------------------------------------
    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[batch_accepting, form_complete],
        permission=_perm("can_submit_application"),
        custom={"label": "提交申报书"},
    )
    def submit(self, *, by=None, reason=""):
        self.submitted_at = timezone.now()
        self.submission_count += 1

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.WITHDRAWN,
        permission=_perm("can_submit_application"),
        custom={"label": "撤回申报"},
    )
    def withdraw(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.SUBMITTED, State.RETURNED_TO_CITY],
        target=State.RETURNED,
        permission=_perm("can_screen_application"),
        custom={"label": "退回修改", "reason_required": True},
    )
    def return_for_revision(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.NOT_RECOMMENDED,
        permission=_perm("can_screen_application"),
        custom={"label": "不予推荐", "reason_required": True},
    )
    def reject(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RECOMMENDED,
        conditions=[has_city_recommendation],
        permission=_perm("can_screen_application"),
        custom={"label": "推荐"},
    )
    def recommend(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.RECOMMENDED, State.RETURNED_TO_CITY],
        target=State.FORWARDED,
        conditions=[before_forwarding_deadline],
        permission=_perm("can_screen_application"),
        custom={"label": "报送省生态环境厅"},
    )
    def forward(self, *, by=None, reason=""):
        self.forwarded_at = timezone.now()

    @transition(
        state,
        source=State.FORWARDED,
        target=State.RETURNED_TO_CITY,
        permission=_perm("can_run_selection"),
        custom={"label": "退回市级（材料不全）", "reason_required": True},
    )
    def return_to_city(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.FORWARDED,
        target=State.IN_EXPERT_REVIEW,
        permission=_perm("can_run_selection"),
        custom={"label": "提交专家评审"},
    )
    def start_expert_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_EXPERT_REVIEW,
        target=State.REVIEWED,
        permission=_perm("can_run_selection"),
        custom={"label": "评审完成"},
    )
    def finish_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.REVIEWED,
        target=State.SHORTLISTED,
        conditions=[proposed_shortlist],
        permission=_perm("can_confirm_selection"),
        custom={"label": "会签确认拟入选"},
    )
    def shortlist(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.REVIEWED,
        target=State.NOT_SELECTED,
        conditions=[proposed_decline],
        permission=_perm("can_confirm_selection"),
        custom={"label": "会签确认不予入选"},
    )
    def decline(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SHORTLISTED,
        target=State.IN_PUBLICITY,
        permission=_perm("can_run_selection"),
        custom={"label": "列入公示"},
    )
    def publicise(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_PUBLICITY,
        target=State.SELECTED,
        permission=_perm("can_run_selection"),
        custom={"label": "公示期满，确定入选"},
    )
    def select(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_PUBLICITY,
        target=State.NOT_SELECTED,
        permission=_perm("can_run_selection"),
        custom={"label": "异议成立，不予入选", "reason_required": True},
    )
    def uphold_objection(self, *, by=None, reason=""):
        pass


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploader's file name: it is only kept as metadata.
    return f"applications/{instance.application_id}/{instance.kind}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        COMMITMENT_LETTER = "commitment_letter", _("承诺书（签字盖章）")
        BOUNDARY_MAP = "boundary_map", _("边界范围图")
        STATISTICS = "statistics", _("近3年统计公报/能源统计")
        EMISSION_REPORT = "emission_report", _("基准年碳排放核算报告")
        PRIORITY_EVIDENCE = "priority_evidence", _("优先支持条件证明材料")
        OTHER = "other", _("其他")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("说明"), max_length=128, blank=True)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"
