from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission

from .aggregation import METHOD_CHOICES


def _perm(name):
    return lazy_permission("reviews.permissions", name)


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
    max_per_expert = models.PositiveSmallIntegerField(_("每位专家最多评审数"), default=30)
    criteria_set = models.ForeignKey(
        "CriteriaSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("评分标准"),
    )
    aggregation_method = models.CharField(
        _("汇总方法"),
        max_length=16,
        default="trimmed_mean",
        choices=METHOD_CHOICES,  # labels owned by reviews.aggregation
    )
    tie_break = models.JSONField(
        _("同分排序规则"),
        default=list,
        blank=True,
        help_text=_("依次比较的键，如 median、criterion:feasibility、min"),
    )
    disagreement_threshold = models.DecimalField(
        _("分歧阈值（分）"), max_digits=5, decimal_places=1, default=20
    )
    scoring_deadline = models.DateField(_("打分截止日期"), null=True, blank=True)
    criteria_frozen_at = models.DateTimeField(_("评分标准冻结时间"), null=True, blank=True)
    # An acceptance round scores against one frozen version of an acceptance indicator system (one kind:
    # county or park); its criteria are the system's items (services.round_use_acceptance_system).
    acceptance_system = models.ForeignKey(
        "indicators.AcceptanceSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_rounds",
        verbose_name=_("验收评价指标体系"),
    )
    departure_threshold = models.DecimalField(
        _("偏离自评分说明阈值（%）"),
        max_digits=5,
        decimal_places=1,
        default=20,
        help_text=_("专家评分与自评分之差超过该指标分值的此百分比时，须说明理由"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @guard(gettext_lazy("须先设置打分截止日期。"))
    def has_deadline(self) -> bool:
        return self.scoring_deadline is not None

    @guard(gettext_lazy("须先选择评分标准，且各项权重合计为100。"))
    def has_valid_criteria(self) -> bool:
        return self.criteria_set is not None and self.criteria_set.is_valid

    @guard(gettext_lazy("尚有评审任务未完成打分。"))
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
        conditions=[has_deadline, has_valid_criteria],
        permission=_perm("can_manage_round"),
        custom={"label": gettext_lazy("冻结评分标准，开始利益冲突申报")},
    )
    def freeze_criteria(self, *, by=None, reason=""):
        from django.utils import timezone

        self.criteria_frozen_at = timezone.now()

    @transition(
        state,
        source=State.DECLARING,
        target=State.ASSIGNING,
        permission=_perm("can_manage_round"),
        custom={"label": gettext_lazy("结束冲突申报，分配任务")},
    )
    def close_declarations(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.ASSIGNING,
        target=State.SCORING,
        permission=_perm("can_manage_round"),
        custom={"label": gettext_lazy("开始打分")},
    )
    def open_scoring(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SCORING,
        target=State.AGGREGATED,
        conditions=[all_scores_in],
        permission=_perm("can_manage_round"),
        custom={"label": gettext_lazy("揭示并汇总评分")},
    )
    def aggregate(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SCORING,
        target=State.AGGREGATED,
        permission=_perm("can_manage_round"),
        custom={
            "label": gettext_lazy("评分未齐，经说明后汇总"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("尚有专家未提交评分，将按已提交的评分汇总，未提交的评分不再计入。确认汇总？"),
        },
    )
    def aggregate_incomplete(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.AGGREGATED,
        target=State.DECIDED,
        permission=_perm("can_manage_round"),
        custom={"label": gettext_lazy("形成评审结论")},
    )
    def decide(self, *, by=None, reason=""):
        pass


class ReviewItem(models.Model):
    """What a round reviews: one subject, an application (selection) or a pilot (acceptance).

    Conflicts, declarations, assignments (and through them scores and versions), objections and results
    point at the item, never at the subject: the engine is the same for every subject. This class is the
    one place that knows which subject an item has (`subject`, `organisation`, `display_name`); the
    database refuses an item with both subjects or with neither."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_items",
    )
    pilot = models.ForeignKey(
        "pilots.Pilot", null=True, blank=True, on_delete=models.PROTECT, related_name="review_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The order of the lists by city (review unit) and name; a round's items all have the same kind of
    # subject, so the other kind's keys are all null and change nothing.
    BY_CITY_AND_NAME = (
        "application__organisation__review_unit__order",
        "pilot__organisation__review_unit__order",
        "application__organisation__name",
        "pilot__organisation__name",
    )

    class Meta:
        verbose_name = _("评审对象")
        verbose_name_plural = _("评审对象")
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(application__isnull=False, pilot__isnull=True)
                    | models.Q(application__isnull=True, pilot__isnull=False)
                ),
                name="review_item_exactly_one_subject",
            ),
            models.UniqueConstraint(
                fields=["round", "application"],
                condition=models.Q(application__isnull=False),
                name="one_item_per_application",
            ),
            models.UniqueConstraint(
                fields=["round", "pilot"], condition=models.Q(pilot__isnull=False), name="one_item_per_pilot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.display_name}"

    @property
    def subject(self):
        """The application or the pilot under review (the only branch on the kind of subject)."""
        return self.application if self.application_id is not None else self.pilot

    @property
    def organisation(self):
        return self.subject.organisation

    @property
    def display_name(self) -> str:
        return self.organisation.name

    def same_subject(self, prefix: str = "") -> models.Q:
        """A filter for rows about the same subject as this item (in any round): prefix "item__" for
        conflicts, assignments and objections."""
        if self.application_id is not None:
            return models.Q(**{f"{prefix}application_id": self.application_id})
        return models.Q(**{f"{prefix}pilot_id": self.pilot_id})

    @property
    def material_url(self) -> str:
        """Where the subject's material is read (the application's or the pilot's page)."""
        from django.urls import reverse

        if self.application_id is not None:
            return reverse("applications:detail", args=[self.application_id])
        return reverse("pilots:detail", args=[self.pilot_id])

    @property
    def delegated_agencies(self):
        """The technical agencies that prepared the subject's material (prefetched by the rules)."""
        return self.subject.delegated_agencies.all()


class ReviewAssignment(models.Model):
    """One expert's task in a round: one item (an application in selection, a pilot in acceptance)."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("已分配")
        ACCEPTED = "accepted", _("已确认")
        DECLINED = "declined", _("已谢绝")
        SUBMITTED = "submitted", _("已提交评分")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="assignments")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(_("利益冲突声明时间"), null=True, blank=True)
    decline_reason = models.TextField(_("谢绝理由"), blank=True)
    overall_opinion = models.TextField(_("综合意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交评分时间"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("评分版本"), default=0)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            models.UniqueConstraint(fields=["round", "expert", "item"], name="one_assignment_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.expert}"


class Expert(models.Model):
    """A member of the provincial expert pool (专家库); each has a portal account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    name = models.CharField(_("姓名"), max_length=32)
    employer = models.CharField(_("工作单位"), max_length=128)
    employer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("工作单位（平台内组织）"),
        help_text=_("如专家就职于某申报单位或技术服务机构，用于利益冲突判断"),
    )
    division = models.ForeignKey(
        "organisations.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在县（市、区）"),
    )
    review_unit = models.ForeignKey(
        "organisations.ReviewUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在市（区）"),
    )
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    specialities = models.CharField(_("专业领域"), max_length=255, blank=True)
    phone = models.CharField(_("手机"), max_length=11)
    email = models.EmailField(_("电子邮箱"), blank=True)
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name"]

    def __str__(self) -> str:
        return gettext("%(name)s（%(employer)s）") % {"name": self.name, "employer": self.employer}


class CriteriaSet(models.Model):
    """A versioned set of scoring criteria (selection) or indicators (acceptance)."""

    name = models.CharField(_("名称"), max_length=128)
    purpose = models.CharField(_("用途"), max_length=16, choices=ReviewRound.Purpose.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    description = models.TextField(_("说明"), blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_criteria_version")]

    def __str__(self) -> str:
        return gettext("%(name)s（第%(version)s版）") % {"name": gettext(self.name), "version": self.version}

    @property
    def is_valid(self) -> bool:
        from .aggregation import validate_criteria

        return not validate_criteria([c.as_spec() for c in self.criteria.all()])


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("评分项"), max_length=128)
    description = models.TextField(_("评分要点"), blank=True)
    weight = models.DecimalField(_("权重（分）"), max_digits=5, decimal_places=2)
    scale_max = models.PositiveSmallIntegerField(_("满分"), default=10)
    levels = models.JSONField(
        _("各档说明"), default=list, blank=True, help_text=_('如 [{"range": "9-10", "text": "…"}]')
    )
    allow_na = models.BooleanField(_("允许“不适用”"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["criteria_set", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: seeded criteria are in the catalog (reviews.seeded)."""
        return gettext(self.name) if self.name else self.name

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.description else self.description

    @property
    def display_levels(self) -> list[dict]:
        return [
            {**level, "text": gettext(level["text"]) if level.get("text") else ""}
            for level in self.levels or []
        ]

    def as_spec(self):
        from .aggregation import Criterion as Spec

        return Spec(
            code=self.code,
            name=self.name,
            weight=self.weight,
            scale_max=self.scale_max,
            allow_na=self.allow_na,
        )


class Conflict(models.Model):
    """A conflict of interest between an expert and an item: proposed by rule or declared.

    A conflict blocks assignment and every view of the item, unless an officer overrides it with a
    logged reason."""

    class Kind(models.TextChoices):
        SAME_COUNTY = "same_county", _("专家所在县（区）与申报单位相同")
        SAME_CITY = "same_city", _("专家所在市（区）与申报单位相同")
        EMPLOYER = "employer", _("专家就职于申报单位")
        AGENCY = "agency", _("专家就职于为其编制材料的技术服务机构")
        RELATIVE = "relative", _("近亲属关系")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        RULE = "rule", _("规则自动识别")
        DECLARED = "declared", _("专家声明")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_conflicts"
    )
    item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="conflicts")
    kind = models.CharField(_("冲突类型"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    detail = models.CharField(_("说明"), max_length=255, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(_("排除理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("利益冲突")
        verbose_name_plural = _("利益冲突")
        constraints = [
            models.UniqueConstraint(fields=["round", "expert", "item", "kind"], name="unique_conflict"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.item.display_name} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.overridden_by_id is None


class Declaration(models.Model):
    """An expert's declaration for a round, made from the list of applicants (names only) before any
    material is opened: either no conflict, or the conflicts recorded as Conflict rows."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="declarations")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)
    no_conflict = models.BooleanField(_("无利益冲突"))

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="one_declaration_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.expert}"


class Score(models.Model):
    """One criterion's score in one assignment; value None with is_na means “不适用” (never zero)."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_na = models.BooleanField(_("不适用"), default=False)
    comment = models.TextField(_("评语"), blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'不适用' if self.is_na else self.value}"


class ScoreVersion(models.Model):
    """Every submission (and resubmission) of an expert's sheet, kept for the officer to see."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    data = models.JSONField()
    total = models.DecimalField(_("加权总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("修改理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assignment", "number"]
        constraints = [models.UniqueConstraint(fields=["assignment", "number"], name="unique_score_version")]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.number}"


class Objection(models.Model):
    """An objection received during publicity (公示), and how it was handled: about an application's item
    in its batch's selection round."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("处理中")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    objector = models.CharField(_("异议人（单位）"), max_length=128)
    contact = models.CharField(_("联系方式"), max_length=64)
    content = models.TextField(_("异议内容"))
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    handling = models.TextField(_("核查处理情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.item.display_name} · {self.objector}"


def document_path(instance: "ReviewDocument", filename: str) -> str:
    return f"reviews/{instance.batch_id}/{instance.kind}/{instance.token}.pdf"


class ReviewDocument(models.Model):
    """A PDF the review produces: an expert's score sheet for signature, the publicity notice (公示),
    the published pilot list. Requested by a service, rendered once by reviews.tasks.render_document
    and stored; views only serve the stored file.

    `key` names the document (one score sheet per round and expert; one publicity notice per batch and
    list version; one pilot list per batch) so a repeated request never renders twice. `data` holds the
    list as it stood when requested, so the PDF shows exactly what was published then."""

    class Kind(models.TextChoices):
        SCORE_SHEET = "score_sheet", _("专家评分表")
        PUBLICITY_LIST = "publicity_list", _("拟入选名单公示")
        PILOT_LIST = "pilot_list", _("试点名单")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64, unique=True)
    batch = models.ForeignKey("applications.Batch", on_delete=models.PROTECT, related_name="review_documents")
    round = models.ForeignKey(
        ReviewRound, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    data = models.JSONField(default=dict, blank=True)
    token = models.CharField(max_length=32, editable=False)
    file = models.FileField(_("文件"), upload_to=document_path, blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审文书")
        verbose_name_plural = _("评审文书")
        ordering = ["kind", "-version", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key}"


class DecisionStep(models.Model):
    """One step of a two-key decision on a round (联合决定), kept as a row of its own: a proposal, or an
    answer to it (`proposal`) confirming or returning it with an opinion. The selection's decision below
    and the acceptance decision (`naming.AcceptanceDecision`) are the same rows with their own kinds."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    opinion = models.TextField(_("意见"), blank=True)
    proposal = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("所答复的建议"),
    )
    items = models.JSONField(_("逐项建议"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()}"


class SelectionDecision(DecisionStep):
    """One step of the joint decision on a selection round (联合决定), kept as a row of its own.

    The ecology department proposes from the ranking (`propose`: every application's proposal, the
    reason recorded for it and whether it departs from the ranking, in `items`); the finance department
    either confirms the proposal (`confirm`, with an optional opinion) or returns it (`return`, with a
    required opinion), and a returned proposal is revised and proposed again. The rows are the history
    both departments read; the audit log records the same steps on the round.

    `items` of a proposal: [{"application": pk, "name": …, "proposal": "shortlist"|"decline",
    "reason": …, "rank": n|None, "score": "78.00"|"", "departs": bool}]"""

    class Kind(models.TextChoices):
        PROPOSE = "propose", _("提出入选建议")
        CONFIRM = "confirm", _("会签确认")
        RETURN = "return", _("退回修改")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)

    class Meta(DecisionStep.Meta):
        verbose_name = _("入选决定记录")
        verbose_name_plural = _("入选决定记录")

    @property
    def departures(self) -> list[dict]:
        return [item for item in self.items if item.get("departs")]

    @property
    def shortlisted(self) -> list[dict]:
        return [item for item in self.items if item.get("proposal") == "shortlist"]


class ExpertImportJob(models.Model):
    """One Excel import of the expert pool, run by a task (reviews.tasks.import_experts) in short batches.

    The rows are checked in the request, all of them, before the job exists: a job holds only valid rows
    (Excel row number and fields, places by key). The task adds them batch by batch, each in its own short
    transaction, and counts here what is done; the progress page polls this row. A row the pool refuses
    meanwhile (the same mobile number entered by hand since) is reported, the others are imported."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("待导入行数"), default=0)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created = models.PositiveIntegerField(_("新增专家数"), default=0)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(_("未导入的行"), default=list, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专家导入任务")
        verbose_name_plural = _("专家导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("专家导入（%(file)s）") % {"file": self.file_name or self.pk}

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state == self.State.DONE


class VetoFinding(models.Model):
    """A veto item (一票否决项) of the round's acceptance system that an expert found raised for the pilot
    of the assignment, with the expert's note. The panel fails the pilot on any finding of a submitted
    sheet, as on a veto the pilot declared itself."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="veto_findings")
    code = models.SlugField(_("否决项代码"), max_length=64)
    note = models.TextField(_("说明"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专家认定的否决情形")
        verbose_name_plural = _("专家认定的否决情形")
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "code"], name="one_veto_finding_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.code}"


class SiteVisit(models.Model):
    """A site visit (现场核查) to the pilot of an acceptance item: date, place, notes and photos."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="site_visits")
    visited_on = models.DateField(_("核查日期"))
    place = models.CharField(_("地点"), max_length=128)
    notes = models.TextField(_("核查记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现场核查")
        verbose_name_plural = _("现场核查")
        ordering = ["item", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.item.display_name} · {self.visited_on}"


def site_photo_path(instance: "SitePhoto", filename: str) -> str:
    return f"reviews/site_visits/{instance.visit_id}/{instance.token}{instance.extension}"


class SitePhoto(models.Model):
    """A photo of a site visit (JPEG or PNG, checked by core.uploads), served only to those who may see
    the visit."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=site_photo_path, max_length=255)
    content_type = models.CharField(max_length=32)
    extension = models.CharField(max_length=8)
    token = models.CharField(max_length=32, editable=False)
    caption = models.CharField(_("说明"), max_length=128, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return f"{self.visit} · {self.pk}"
