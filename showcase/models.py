"""The public showcase (示范展示) of the accepted pilots: one page per pilot, written by the pilot (or its
entrusted agency) and published only after the province approves the text.

A page has numbered versions. A version is drafted, submitted, then published or returned (with a reason);
a published version can be unpublished. Editing a published page starts a new draft (a copy): the published
version stays public until the new one is approved, which supersedes it. The public reads only a version
in the state `published` (at most one per page, a database constraint). Decisions are rows of their own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission


def _perm(name):
    return lazy_permission("showcase.permissions", name)


class ShowcasePage(models.Model):
    """The showcase of one accepted pilot (one per pilot)."""

    pilot = models.OneToOneField("pilots.Pilot", on_delete=models.PROTECT, related_name="showcase_page")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("示范展示页")
        verbose_name_plural = _("示范展示页")
        ordering = ["pilot__organisation__review_unit__order", "pilot__organisation__name"]

    def __str__(self) -> str:
        return gettext("%(name)s示范展示页") % {"name": self.pilot.organisation.name}


class ShowcaseVersion(FSMModelMixin, models.Model):
    """One version of a page's text, figures and cases."""

    class State(models.TextChoices):
        DRAFT = "draft", _("编制中")
        SUBMITTED = "submitted", _("待省级审核")
        RETURNED = "returned", _("已退回（需修改）")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已由新版本替代")
        UNPUBLISHED = "unpublished", _("已撤下")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)

    page = models.ForeignKey(ShowcasePage, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    summary = models.TextField(_("主要做法和成效"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("示范展示页版本")
        verbose_name_plural = _("示范展示页版本")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_showcase_version_number"),
            models.UniqueConstraint(
                fields=["page"], condition=Q(state="published"), name="one_published_showcase_version"
            ),
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name="one_open_showcase_version",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s示范展示页（第%(number)s版）") % {
            "name": self.page.pilot.organisation.name,
            "number": self.number,
        }

    @property
    def pilot(self):
        return self.page.pilot

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @guard(gettext_lazy("须填写标题和主要做法和成效后方可报送。"))
    def has_text(self) -> bool:
        return bool(self.title.strip() and self.summary.strip())

    @guard(gettext_lazy("只有已通过验收并命名的试点单位可以发布示范展示页。"))
    def pilot_accepted(self) -> bool:
        from pilots.models import Pilot

        return self.page.pilot.state == Pilot.State.ACCEPTED

    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[has_text, pilot_accepted],
        permission=_perm("can_submit_version"),
        custom={"label": gettext_lazy("报送省生态环境厅审核")},
    )
    def submit(self, *, by=None, reason=""):
        from django.utils import timezone

        self.submitted_at = timezone.now()

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.PUBLISHED,
        conditions=[pilot_accepted],
        permission=_perm("can_decide_version"),
        custom={"label": gettext_lazy("审核通过并发布")},
    )
    def publish(self, *, by=None, reason=""):
        from django.utils import timezone

        self.published_at = timezone.now()

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("can_decide_version"),
        custom={
            "label": gettext_lazy("退回修改"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将退回修改，须重新报送。确认退回？"),
        },
    )
    def return_version(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLISHED,
        target=State.UNPUBLISHED,
        permission=_perm("can_decide_version"),
        custom={
            "label": gettext_lazy("撤下展示页"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将从公开页面撤下。确认撤下？"),
        },
    )
    def unpublish(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.PUBLISHED,
        target=State.SUPERSEDED,
        permission=_perm("can_decide_version"),
        custom={"label": gettext_lazy("由新版本替代")},
    )
    def supersede(self, *, by=None, reason=""):
        pass


class ShowcaseFigure(models.Model):
    """A key figure chosen from the pilot's annual reports: the report row it came from and its values
    copied when chosen (the report may change later; the province approved these)."""

    version = models.ForeignKey(ShowcaseVersion, on_delete=models.CASCADE, related_name="figures")
    actual = models.ForeignKey(
        "reports.IndicatorActual", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("指标"), max_length=200)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("关键数据")
        verbose_name_plural = _("关键数据")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


def _photo_path(instance, filename):
    return f"showcase/{instance.version.page_id}/cases/{instance.token}{instance.extension}"


class ShowcaseCase(models.Model):
    """A typical case (典型案例) chosen from the pilot's annual reports, its text and photo copied when
    chosen (the photo checked again by its content: PNG or JPEG)."""

    version = models.ForeignKey(ShowcaseVersion, on_delete=models.CASCADE, related_name="cases")
    source = models.ForeignKey(
        "reports.TypicalCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("案例名称"), max_length=200)
    text = models.TextField(_("案例介绍"))
    token = models.CharField(max_length=32, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)
    photo_type = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ShowcaseDecision(models.Model):
    """The province's decision on a version: a row of its own, kept whatever happens next."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("审核通过并发布")
        RETURNED = "returned", _("退回修改")
        UNPUBLISHED = "unpublished", _("撤下")

    version = models.ForeignKey(ShowcaseVersion, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("决定"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("理由/意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("示范展示页审核意见")
        verbose_name_plural = _("示范展示页审核意见")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_kind_display()}"
