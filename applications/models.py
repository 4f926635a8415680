import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission, registered_rules
from indicators.models import Indicator
from organisations.models import Organisation


def _perm(name):
    return lazy_permission("applications.permissions", name)


@guard(gettext_lazy("尚有申报单位处于公示中：须先确定其入选或不予入选，方可公布名单。"))
def no_application_in_publicity(batch) -> bool:
    return not batch.applications.filter(state="in_publicity").exists()


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
    publicity_contact = models.CharField(
        _("异议受理联系人及电话"),
        max_length=128,
        blank=True,
        help_text=_("如 省生态环境厅应对气候变化处 王某 029-xxxxxxxx"),
    )
    objection_address = models.CharField(_("异议书面材料寄送地址"), max_length=255, blank=True)
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

    @guard(gettext_lazy("须先设置申报截止日期和市级报送截止日期，且报送截止不早于申报截止。"))
    def has_dates(self) -> bool:
        return bool(
            self.application_deadline
            and self.forwarding_deadline
            and self.forwarding_deadline >= self.application_deadline
        )

    @guard(gettext_lazy("须先设置公示起止日期。"))
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
        custom={"label": gettext_lazy("开放申报")},
    )
    def open(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.OPEN,
        target=State.CITY_SCREENING,
        permission=_perm("can_manage_batches"),
        custom={"label": gettext_lazy("截止申报，转入市级初审")},
    )
    def close_applications(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.CITY_SCREENING,
        target=State.PROVINCIAL_REVIEW,
        permission=_perm("can_manage_batches"),
        custom={"label": gettext_lazy("转入省级评审")},
    )
    def start_provincial_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PROVINCIAL_REVIEW,
        target=State.PUBLICITY,
        conditions=[has_publicity_dates],
        permission=_perm("can_manage_batches"),
        custom={"label": gettext_lazy("发布拟入选名单公示")},
    )
    def start_publicity(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLICITY,
        target=State.PUBLISHED,
        conditions=[no_application_in_publicity, registered_rules("publish")],
        permission=_perm("can_manage_batches"),
        custom={"label": gettext_lazy("公布试点名单")},
    )
    def publish(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLISHED,
        target=State.CLOSED,
        permission=_perm("can_manage_batches"),
        custom={"label": gettext_lazy("结束批次")},
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
    # 申报范围与边界
    pilot_scope = models.CharField(
        _("试点范围"), max_length=16, choices=[("whole", _("全域")), ("part", _("部分区域"))], default="whole"
    )
    boundary_area_km2 = models.DecimalField(
        _("边界面积（平方千米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    boundary_description = models.TextField(_("边界范围说明"), blank=True, max_length=2000)
    statistical_boundary_clear = models.BooleanField(_("具有清晰的地理和统计边界"), default=False)
    enterprises_count = models.PositiveIntegerField(_("入驻企业数（园区）"), null=True, blank=True)
    above_scale_enterprises_count = models.PositiveIntegerField(
        _("规上企业数（园区）"), null=True, blank=True
    )
    leading_industries = models.CharField(_("主导产业（园区）"), max_length=255, blank=True)
    # 优先支持条件 (the work plan's priorities; evidence uploaded as attachments)
    priority_eco_civilisation = models.BooleanField(_("生态文明建设示范区"), default=False)
    priority_two_mountains = models.BooleanField(_("“绿水青山就是金山银山”实践创新基地"), default=False)
    priority_low_carbon_city = models.BooleanField(_("国家低碳试点城市范围内"), default=False)
    priority_eco_industrial_park = models.BooleanField(_("国家生态工业示范园区"), default=False)
    priority_green_industrial_park = models.BooleanField(_("绿色工业园区"), default=False)
    priority_circular_park = models.BooleanField(_("园区循环化改造示范/试点"), default=False)
    priority_other = models.CharField(_("其他优先条件"), max_length=255, blank=True)
    # 工作基础
    work_foundation = models.TextField(_("低碳工作基础与成效"), blank=True, max_length=3000)
    existing_policies = models.TextField(_("已有低碳/减污降碳相关规划政策"), blank=True, max_length=3000)
    organisation_setup = models.TextField(_("组织机构情况"), blank=True, max_length=3000)
    factor_set = models.ForeignKey(
        "carbon.EmissionFactorSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("排放因子集"),
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
    def is_park(self) -> bool:
        return self.organisation.kind == Organisation.Kind.PARK

    @property
    def in_fenwei_priority_city(self) -> bool:
        """Derived from the division: 西安、咸阳、渭南 (the work plan's Fenwei priority)."""
        unit = self.organisation.review_unit
        return bool(unit and unit.is_fenwei_priority)

    @property
    def baseline_years(self) -> list[int]:
        base = self.batch.base_year
        return [base - 2, base - 1, base]

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    def confirm_context(self) -> dict:
        """What the confirmation of a transition names (see custom["confirm"])."""
        unit = self.organisation.review_unit
        return {
            "version": self.submission_count + 1,
            "bureau": unit.bureau_name if unit else _("市级生态环境局"),
            "organisation": self.organisation.name,
        }

    def missing_for_submission(self) -> list[str]:
        """What still stops submission, in the applicant's words."""
        from .completeness import missing_items

        return missing_items(self)

    # Guards -----------------------------------------------------------------------------------
    @guard(gettext_lazy("申报批次未开放或已过申报截止日期，不能提交。"))
    def batch_accepting(self) -> bool:
        return self.batch.is_accepting

    @guard(gettext_lazy("申报书尚未填写完整，不能提交：请按页面提示补齐后再提交。"))
    def form_complete(self) -> bool:
        return not self.missing_for_submission()

    @guard(gettext_lazy("已过市级报送截止日期，不能报送。"))
    def before_forwarding_deadline(self) -> bool:
        deadline = self.batch.forwarding_deadline
        return deadline is None or timezone.localdate() <= deadline

    @guard(gettext_lazy("须填写推荐意见和市内推荐排序。"))
    def has_city_recommendation(self) -> bool:
        return bool(self.city_opinion.strip()) and bool(self.city_rank)

    @guard(gettext_lazy("须由省生态环境厅先提出入选建议。"))
    def proposed_shortlist(self) -> bool:
        return self.decision_proposal == self.Proposal.SHORTLIST

    @guard(gettext_lazy("须由省生态环境厅先提出不予入选建议。"))
    def proposed_decline(self) -> bool:
        return self.decision_proposal == self.Proposal.DECLINE

    # Transitions: bodies only set fields. ---------------------------------------------------
    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[batch_accepting, form_complete],
        permission=_perm("can_submit_application"),
        custom={
            "label": gettext_lazy("提交申报书"),
            "confirm": _(
                "提交后，申报书将冻结为第%(version)s版（提交后不能修改，被退回后方可修改），"
                "报送%(bureau)s审核，并生成申报表PDF。确认提交？"
            ),
        },
    )
    def submit(self, *, by=None, reason=""):
        self.submitted_at = timezone.now()
        self.submission_count += 1

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.WITHDRAWN,
        permission=_perm("can_submit_application"),
        custom={
            "label": gettext_lazy("撤回申报"),
            "destructive": True,
            "confirm": _(
                "撤回后申报书不再进入%(bureau)s审核；如需参加本批次申报，须修改后重新提交。确认撤回？"
            ),
        },
    )
    def withdraw(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.SUBMITTED, State.RETURNED_TO_CITY],
        target=State.RETURNED,
        permission=_perm("can_screen_application"),
        custom={
            "label": gettext_lazy("退回修改"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("申报书将退回%(organisation)s修改，须由其重新提交。确认退回？"),
        },
    )
    def return_for_revision(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.NOT_RECOMMENDED,
        permission=_perm("can_screen_application"),
        custom={
            "label": gettext_lazy("不予推荐"),
            "reason_required": True,
            "destructive": True,
            "confirm": _(
                "%(organisation)s的申报书将不予推荐，本批次不再报送省生态环境厅。此操作不能撤销，确认不予推荐？"
            ),
        },
    )
    def reject(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RECOMMENDED,
        conditions=[has_city_recommendation],
        permission=_perm("can_screen_application"),
        custom={"label": gettext_lazy("推荐")},
    )
    def recommend(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=[State.RECOMMENDED, State.RETURNED_TO_CITY],
        target=State.FORWARDED,
        conditions=[before_forwarding_deadline],
        permission=_perm("can_screen_application"),
        custom={"label": gettext_lazy("报送省生态环境厅")},
    )
    def forward(self, *, by=None, reason=""):
        self.forwarded_at = timezone.now()

    @transition(
        state,
        source=State.FORWARDED,
        target=State.RETURNED_TO_CITY,
        permission=_perm("can_run_selection"),
        custom={
            "label": gettext_lazy("退回市级（材料不全）"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("申报书将退回%(bureau)s补正材料。确认退回？"),
        },
    )
    def return_to_city(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.FORWARDED,
        target=State.IN_EXPERT_REVIEW,
        permission=_perm("can_run_selection"),
        custom={"label": gettext_lazy("提交专家评审")},
    )
    def start_expert_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_EXPERT_REVIEW,
        target=State.REVIEWED,
        conditions=[registered_rules("finish_review")],
        permission=_perm("can_run_selection"),
        custom={"label": gettext_lazy("评审完成")},
    )
    def finish_review(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.REVIEWED,
        target=State.SHORTLISTED,
        conditions=[proposed_shortlist],
        permission=_perm("can_confirm_selection"),
        custom={"label": gettext_lazy("会签确认拟入选")},
    )
    def shortlist(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.REVIEWED,
        target=State.NOT_SELECTED,
        conditions=[proposed_decline],
        permission=_perm("can_confirm_selection"),
        custom={"label": gettext_lazy("会签确认不予入选")},
    )
    def decline(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SHORTLISTED,
        target=State.IN_PUBLICITY,
        permission=_perm("can_run_selection"),
        custom={"label": gettext_lazy("列入公示")},
    )
    def publicise(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_PUBLICITY,
        target=State.SELECTED,
        conditions=[registered_rules("select")],
        permission=_perm("can_run_selection"),
        custom={"label": gettext_lazy("公示期满，确定入选")},
    )
    def select(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.IN_PUBLICITY,
        target=State.NOT_SELECTED,
        conditions=[registered_rules("uphold_objection")],
        permission=_perm("can_run_selection"),
        custom={
            "label": gettext_lazy("异议成立，不予入选"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(organisation)s将因异议成立不予入选。此操作不能撤销，确认？"),
        },
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
    content_type = models.CharField(_("文件类型"), max_length=128)
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
        return gettext("%(kind)s：%(original_name)s") % {
            "kind": self.get_kind_display(),
            "original_name": self.original_name,
        }


class Contact(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("单位负责人")
        CONTACT = "contact", _("联系人")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("类别"), max_length=16, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=32)
    title = models.CharField(_("职务"), max_length=64)
    unit = models.CharField(_("工作单位/部门"), max_length=128, blank=True)
    mobile = models.CharField(_("手机"), max_length=11)
    phone = models.CharField(_("座机"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class AnnualBaseline(models.Model):
    """Socio-economic and energy data of one year (the base year and the two before it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="baselines")
    year = models.PositiveSmallIntegerField(_("年份"))
    data_source = models.CharField(
        _("数据来源"), max_length=128, blank=True, help_text=_("如 统计年鉴、统计公报、部门数据")
    )
    resident_population_10k = models.DecimalField(
        _("常住人口（万人）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    gdp_100m = models.DecimalField(
        _("地区生产总值（亿元，当年价）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gdp_constant_100m = models.DecimalField(
        _("地区生产总值（亿元，基准年可比价）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    primary_share = models.DecimalField(
        _("第一产业占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    secondary_share = models.DecimalField(
        _("第二产业占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    tertiary_share = models.DecimalField(
        _("第三产业占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    industrial_value_added_100m = models.DecimalField(
        _("工业增加值（亿元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    electricity_10k_kwh = models.DecimalField(
        _("全社会用电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    green_power_10k_kwh = models.DecimalField(
        _("其中：绿电交易/绿证电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    purchased_heat_gj = models.DecimalField(
        _("外购热力（吉焦）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    generation_pv_10k_kwh = models.DecimalField(
        _("本地光伏发电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    generation_wind_10k_kwh = models.DecimalField(
        _("本地风电发电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    generation_hydro_10k_kwh = models.DecimalField(
        _("本地水电发电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    generation_biomass_10k_kwh = models.DecimalField(
        _("本地生物质发电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    generation_thermal_10k_kwh = models.DecimalField(
        _("本地火电发电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_pv_mw = models.DecimalField(
        _("光伏装机（兆瓦）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    capacity_wind_mw = models.DecimalField(
        _("风电装机（兆瓦）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    capacity_hydro_mw = models.DecimalField(
        _("水电装机（兆瓦）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    capacity_biomass_mw = models.DecimalField(
        _("生物质装机（兆瓦）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    non_fossil_share = models.DecimalField(
        _("非化石能源消费占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    forest_coverage = models.DecimalField(
        _("森林覆盖率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    pm25 = models.DecimalField(
        _("PM2.5年均浓度（μg/m³）"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    good_air_days_ratio = models.DecimalField(
        _("空气质量优良天数比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    solid_waste_utilisation = models.DecimalField(
        _("一般工业固废综合利用率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("基础数据")
        verbose_name_plural = _("基础数据")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="one_baseline_per_year")]

    def __str__(self) -> str:
        return gettext("%(year)s年基础数据") % {"year": self.year}


class EnergyUse(models.Model):
    """Energy consumed in a baseline year, by fuel, in physical units (the unit comes with the fuel)."""

    baseline = models.ForeignKey(AnnualBaseline, on_delete=models.CASCADE, related_name="energy_uses")
    fuel = models.CharField(_("能源品种"), max_length=32)
    quantity = models.DecimalField(_("消费量（实物量）"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("分品种能源消费")
        verbose_name_plural = _("分品种能源消费")
        constraints = [models.UniqueConstraint(fields=["baseline", "fuel"], name="one_row_per_fuel")]

    def __str__(self) -> str:
        return f"{self.fuel} {self.quantity}"


class PilotTask(models.TextChoices):
    """The four pilot tasks of the work plan (二、试点任务)."""

    MANAGEMENT = "management", _("建立降碳管理机制")
    ENERGY = "energy", _("促进能源低碳转型")
    EFFICIENCY = "efficiency", _("推动节能低碳发展")
    SYNERGY = "synergy", _("增强降碳减污协同")


class ApplicationTarget(models.Model):
    """A target of the application: an entry of the indicator catalogue (the current set for application
    targets), or 其他 with the applicant's own name for it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="application_targets", verbose_name=_("指标")
    )
    custom_name = models.CharField(_("指标名称（其他）"), max_length=128, blank=True)
    base_value = models.DecimalField(_("基准年值"), max_digits=14, decimal_places=4, null=True, blank=True)
    target_value = models.DecimalField(_("目标年目标值"), max_digits=14, decimal_places=4)
    is_binding = models.BooleanField(_("约束性"), default=False)

    class Meta:
        verbose_name = _("目标指标")
        verbose_name_plural = _("目标指标")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.custom_name or str(self.indicator)


class KeyProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("谋划")
        PREPARING = "preparing", _("前期")
        BUILDING = "building", _("在建")
        COMPLETED = "completed", _("建成")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=128)
    task = models.CharField(_("所属试点任务"), max_length=16, choices=PilotTask.choices)
    subtype = models.CharField(
        _("项目类别"), max_length=32, blank=True, help_text=_("如 光伏、储能、清洁取暖、节能改造")
    )
    owner_unit = models.CharField(_("实施主体"), max_length=128)
    location = models.CharField(_("建设地点"), max_length=128, blank=True)
    content = models.TextField(_("建设内容"), max_length=2000)
    start_year = models.PositiveSmallIntegerField(_("开工年份"))
    end_year = models.PositiveSmallIntegerField(_("完工年份"))
    status = models.CharField(_("项目状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=12, decimal_places=2)
    fund_central = models.DecimalField(_("中央资金（万元）"), max_digits=12, decimal_places=2, default=0)
    fund_provincial = models.DecimalField(_("省级资金（万元）"), max_digits=12, decimal_places=2, default=0)
    fund_local = models.DecimalField(_("市县财政（万元）"), max_digits=12, decimal_places=2, default=0)
    fund_bonds = models.DecimalField(_("地方政府专项债（万元）"), max_digits=12, decimal_places=2, default=0)
    fund_enterprise = models.DecimalField(
        _("企业自筹/社会资本（万元）"), max_digits=12, decimal_places=2, default=0
    )
    fund_green_finance = models.DecimalField(
        _("绿色信贷/绿色债券（万元）"), max_digits=12, decimal_places=2, default=0
    )
    fund_other = models.DecimalField(_("其他（万元）"), max_digits=12, decimal_places=2, default=0)
    expected_co2_reduction_t = models.DecimalField(
        _("预计年减排二氧化碳（吨）"), max_digits=12, decimal_places=2
    )
    expected_energy_saving_tce = models.DecimalField(
        _("预计年节能量（吨标准煤）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    calculation_note = models.TextField(_("减排量测算依据"), blank=True, max_length=2000)

    FUND_FIELDS = (
        "fund_central",
        "fund_provincial",
        "fund_local",
        "fund_bonds",
        "fund_enterprise",
        "fund_green_finance",
        "fund_other",
    )
    # What the applicant fills in (form) and what a submission freezes (snapshot), in form order.
    FORM_FIELDS = (
        "name",
        "task",
        "subtype",
        "owner_unit",
        "location",
        "content",
        "start_year",
        "end_year",
        "status",
        "total_investment",
        *FUND_FIELDS,
        "expected_co2_reduction_t",
        "expected_energy_saving_tce",
        "calculation_note",
    )

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["task", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def funding_total(self):
        return sum((getattr(self, f) or 0) for f in self.FUND_FIELDS)


class FundingPlan(models.Model):
    class Source(models.TextChoices):
        CENTRAL = "central", _("中央资金")
        PROVINCIAL = "provincial", _("省级资金（申请）")
        LOCAL = "local", _("市县财政")
        BONDS = "bonds", _("地方政府专项债")
        ENTERPRISE = "enterprise", _("企业自筹/社会资本")
        GREEN_FINANCE = "green_finance", _("绿色信贷/绿色债券")
        OTHER = "other", _("其他")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=16, choices=Source.choices)
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2)
    use = models.CharField(_("主要用途"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("资金筹措")
        verbose_name_plural = _("资金筹措")
        ordering = ["year", "source"]

    def __str__(self) -> str:
        return gettext("%(year)s %(source)s %(amount)s万元") % {
            "year": self.year,
            "source": self.get_source_display(),
            "amount": self.amount,
        }


def snapshot_pdf_path(instance: "ApplicationSnapshot", filename: str) -> str:
    return f"applications/{instance.application_id}/pdf/annex1-v{instance.number}-{instance.token}.pdf"


class ApplicationSnapshot(models.Model):
    """The frozen content of one submission: kept for ever, compared across resubmissions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveSmallIntegerField(_("版本"))
    data = models.JSONField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)
    token = models.CharField(max_length=32, editable=False)
    pdf = models.FileField(_("申报表PDF"), upload_to=snapshot_pdf_path, blank=True, max_length=255)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提交版本")
        verbose_name_plural = _("提交版本")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_snapshot_number")
        ]

    def __str__(self) -> str:
        return gettext("%(application)s 第%(number)s版") % {
            "application": self.application,
            "number": self.number,
        }


def draft_pdf_path(instance: "DraftPdf", filename: str) -> str:
    return f"applications/{instance.application_id}/pdf/draft-{instance.token}.pdf"


class DraftPdf(models.Model):
    """A draft rendering requested by the applicant (marked 草稿 / 非正式文本)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="draft_pdfs")
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, editable=False)
    pdf = models.FileField(upload_to=draft_pdf_path, blank=True, max_length=255)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return gettext("%(application)s 草稿PDF") % {"application": self.application}


def letter_path(instance: "CityForwarding", filename: str) -> str:
    return f"forwardings/{instance.batch_id}/{instance.review_unit_id}/{instance.token}{instance.extension}"


class CityForwarding(models.Model):
    """The city bureau's recommendation list sent to the province, with its cover letter."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="forwardings")
    review_unit = models.ForeignKey(
        "organisations.ReviewUnit", on_delete=models.PROTECT, related_name="forwardings"
    )
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    letter_text = models.TextField(_("报送函正文"), blank=True, max_length=4000)
    letter = models.FileField(_("报送函"), upload_to=letter_path, blank=True, max_length=255)
    letter_is_generated = models.BooleanField(default=False)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, default=".pdf", editable=False)
    applications = models.ManyToManyField(Application, related_name="forwardings")
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("市级报送")
        verbose_name_plural = _("市级报送")
        ordering = ["-forwarded_at"]

    def __str__(self) -> str:
        return f"{self.review_unit} · {self.batch}"
