from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission


class Division(models.Model):
    """An administrative division: the province, a prefecture, or a county-level unit (NBS code)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        PREFECTURE = "prefecture", _("地级市")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=32)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类别"), max_length=16, blank=True)  # 市辖区 / 县级市 / 县 / 地级市

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        if self.level == self.Level.COUNTY and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class ReviewUnit(models.Model):
    """One of the 12 municipal review units: 10 设区市 + 韩城市 + 杨凌示范区."""

    code = models.CharField(_("代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=32)
    bureau_name = models.CharField(_("生态环境局名称"), max_length=64)
    divisions = models.ManyToManyField(Division, related_name="review_units", verbose_name=_("所辖县级单位"))
    is_fenwei_priority = models.BooleanField(
        _("汾渭平原重点城市"), default=False, help_text=_("工作方案优先支持：西安、咸阳、渭南")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("市级审核单位")
        verbose_name_plural = _("市级审核单位")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("县（市、区）人民政府")
        PARK = "park", _("开发区、园区管委会")
        CITY_BUREAU = "city_bureau", _("市级生态环境局")
        PROVINCE_ECOLOGY = "province_ecology", _("省生态环境厅")
        PROVINCE_FINANCE = "province_finance", _("省财政厅")
        PROVINCE_DRC = "province_drc", _("省发展和改革委员会")
        AGENCY = "agency", _("技术服务机构")
        EXPERT_HOME = "expert_home", _("专家所在单位")

    class ParkLevel(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        OTHER = "other", _("其他")

    class ParkKind(models.TextChoices):
        ETDZ = "etdz", _("经济技术开发区")
        HITECH = "hitech", _("高新技术产业开发区")
        NEW_AREA = "new_area", _("国家级新区")
        NEW_CITY = "new_city", _("新区组团（新城）")
        BONDED = "bonded", _("综合保税区")
        INDUSTRIAL = "industrial", _("工业园区")
        AGRI_HITECH = "agri_hitech", _("农业高新技术产业示范区")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=128, unique=True)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, db_index=True)
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("所在县级单位"),
    )
    host_divisions = models.ManyToManyField(
        Division, blank=True, related_name="hosted_parks", verbose_name=_("园区所涉县（市、区）")
    )
    review_unit = models.ForeignKey(
        ReviewUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("所属市级审核单位"),
    )
    park_level = models.CharField(_("园区级别"), max_length=16, choices=ParkLevel.choices, blank=True)
    park_kind = models.CharField(_("园区类型"), max_length=16, choices=ParkKind.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级园区"),
        help_text=_("如西咸新区下属新城"),
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    address = models.CharField(_("通讯地址"), max_length=255, blank=True)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)
    is_reference = models.BooleanField(
        _("参考数据"), default=False, help_text=_("随平台发布的国家级开发区等")
    )
    approved = models.BooleanField(_("已审核"), default=True, help_text=_("自行注册的园区须经管理员审核"))

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_applicant_kind(self) -> bool:
        return self.kind in (self.Kind.COUNTY, self.Kind.PARK)


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报单位")
    AGENCY = "agency", _("技术服务机构")
    CITY_OFFICER = "city_officer", _("市级生态环境局")
    PROVINCE_OFFICER = "province_officer", _("省生态环境厅")
    FINANCE_OFFICER = "finance_officer", _("省财政厅")
    DRC_OFFICER = "drc_officer", _("省发展改革委")
    EXPERT = "expert", _("评审专家")


class Membership(models.Model):
    """A user's role within an organisation; one user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    title = models.CharField(_("职务"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


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
    plan_local_approval_body = models.CharField(_("审议会议"), max_length=128, blank=True)
    plan_local_approval_date = models.DateField(_("印发日期"), null=True, blank=True)
    acceptance_grade = models.CharField(_("验收等级"), max_length=16, choices=Grade.choices, blank=True)
    named_at = models.DateField(_("命名日期"), null=True, blank=True)
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

    # Guards -----------------------------------------------------------------------------------
    @guard(gettext_lazy("须先登记县政府常务会或园区管委会专题会议审议情况（会议名称与印发日期）。"))
    def has_local_approval(self) -> bool:
        return bool(self.plan_local_approval_body and self.plan_local_approval_date)

    @guard(gettext_lazy("建设期尚未结束，不能取消试点资格。"))
    def construction_period_over(self) -> bool:
        from django.utils import timezone

        return self.batch.construction_end is not None and timezone.localdate() > self.batch.construction_end

    @guard(gettext_lazy("须选择验收等级（优秀或通过）。"))
    def has_grade(self) -> bool:
        return bool(self.acceptance_grade)

    # Transitions: bodies only set fields; services do the rest. -------------------------------
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
        conditions=[has_local_approval],
        permission=_perm("can_act_for_pilot"),
        custom={"label": gettext_lazy("登记方案审议印发，进入实施")},
    )
    def record_local_approval(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.IMPLEMENTING, State.ACCEPTANCE_FAILED],
        target=State.ACCEPTANCE_REQUESTED,
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
