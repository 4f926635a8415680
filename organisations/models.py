"""The organisations foundation: administrative divisions, the 12 municipal review units, organisations,
the roles and each user's memberships. Imports only `core`; every other app builds on it.

The models moved here from `pilots` (issue 9) and keep their tables (`Meta.db_table`), rows and keys:
see migrations/0001_initial.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        db_table = "pilots_division"  # the table kept its name (moved from pilots, issue 9)
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
        db_table = "pilots_reviewunit"  # the table kept its name (moved from pilots, issue 9)
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
        db_table = "pilots_organisation"  # the table kept its name (moved from pilots, issue 9)
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
    # Reads the security events and the audit trail, and nothing else (security app; 等保 审计管理员).
    AUDITOR = "auditor", _("安全审计员")


class Membership(models.Model):
    """A user's role within an organisation; one user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    title = models.CharField(_("职务"), max_length=64, blank=True)

    class Meta:
        db_table = "pilots_membership"  # the table kept its name (moved from pilots, issue 9)
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
