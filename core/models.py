from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def entry_time():
    """The time an audit entry or security event is built: `timezone.now()` looked up at call time, so
    that a test (or a backdated demo step) that patches django.utils.timezone.now dates the entry as
    auto_now_add did."""
    return timezone.now()


class User(AbstractUser):
    """A person. What they may do comes from their memberships (organisations.Membership)."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True)
    # The user's identifier on the province's identity platform (the claim settings.PORTAL_OIDC_CLAIM,
    # `sub` by default), filled in by an administrator: single sign-on maps to this user only (core.sso).
    sso_subject = models.CharField(
        _("统一身份认证标识"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "该用户在省统一身份认证平台上的用户标识，由系统管理员核实后填写；留空则不能用统一身份认证登录。"
        ),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    """One row for every state change or recorded action: who, what, from, to, why, when.

    Append-only: rows are never updated or deleted by the application (enforced in save/delete
    here, and the admin is read-only).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=64)
    action_label = models.CharField(_("操作名称"), max_length=128, blank=True)
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    reason = models.TextField(_("说明/理由"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    # Set when the entry is built (not auto_now_add, which would change it after the hash is taken).
    created_at = models.DateTimeField(_("时间"), default=entry_time, db_index=True)
    # The hash chain (core.chain): the entry's place in its chain and SHA-256 over the previous entry's
    # hash and this entry's canonical form, set once when the entry is sealed (right after its commit).
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    CHAIN = "audit"
    # The fields the hash covers, in this order (core.chain.canonical).
    CHAINED_FIELDS = (
        "content_type_id",
        "object_id",
        "object_repr",
        "actor_id",
        "action",
        "action_label",
        "from_state",
        "to_state",
        "reason",
        "data",
        "created_at",
    )

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries are append-only")
        from .chain import append

        append(self, super().save, *args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only")


class ChainHead(models.Model):
    """The end of one hash chain ("audit": AuditEntry, "security": SecurityEvent). Sealing locks this
    row (select_for_update) for a moment, so entries are chained one at a time whatever the number of
    processes; `anchor_seq` / `anchor_hash` are the place and hash the oldest kept entry follows (0 and
    blank until a retention purge)."""

    name = models.CharField(max_length=16, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("哈希链")
        verbose_name_plural = _("哈希链")

    def __str__(self) -> str:
        return self.name


class SecurityEvent(models.Model):
    """A security-relevant event (等保: 安全审计): logins, failures, lockouts, denials, exports, downloads,
    administrator and role changes. Beside the business audit trail, chained the same way, append-only,
    kept at least 183 days (settings.PORTAL_SECURITY_EVENT_RETENTION_DAYS, purged by core.tasks)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        LOCKOUT = "lockout", _("账号锁定")
        DENIED = "denied", _("越权访问")
        EXPORT = "export", _("导出")
        DOWNLOAD = "download", _("下载")
        ADMIN_CHANGE = "admin_change", _("后台管理变更")
        ROLE_CHANGE = "role_change", _("角色变更")
        PURGE = "purge", _("过期清理")
        VERIFY = "verify", _("审计链校验")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, db_index=True)
    # Who acted (None: anonymous or a failed login). No database constraint: a user can still be deleted
    # without rewriting history; `username` keeps the name (for a failure: the name that was tried).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip = models.CharField(_("地址"), max_length=45, blank=True)
    path = models.CharField(_("请求路径"), max_length=255, blank=True)
    summary = models.CharField(_("摘要"), max_length=255, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=entry_time, db_index=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    CHAIN = "security"
    CHAINED_FIELDS = ("kind", "user_id", "username", "ip", "path", "summary", "detail", "created_at")

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Security events are append-only")
        from .chain import append

        append(self, super().save, *args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security events are append-only")


class Notification(models.Model):
    """An in-app message, and the outbox row for its e-mail.

    `dedupe_key` makes reminders idempotent: the same reminder (same deadline, same recipient,
    same offset) is stored once whatever the retries; `emailed_at` makes the e-mail idempotent.

    The inbox sorts messages into a few types (`Type`) derived from `kind`, which every sender
    already sets: no stored column, so old and new rows are typed the same way.
    """

    class Type(models.TextChoices):
        TASK = "task", _("待办")
        REMINDER = "reminder", _("提醒")
        RETURN = "return", _("退回")
        DECISION = "decision", _("进展与结果")
        SYSTEM = "system", _("系统")

    # kind -> type; a kind not listed here (a new one, or a test's) is a system message.
    KIND_TYPES = {
        "deadline_application": Type.REMINDER,
        "deadline_forwarding": Type.REMINDER,
        "deadline_scoring": Type.REMINDER,
        "overdue_scoring": Type.REMINDER,
        "overdue_scoring_escalation": Type.REMINDER,
        "batch_opened": Type.REMINDER,
        "scoring_open": Type.REMINDER,
        "declare_conflicts": Type.TASK,
        "assigned": Type.TASK,
        "assignment_declined": Type.TASK,
        "score_changed": Type.TASK,
        "application_submitted": Type.TASK,
        "application_withdrawn": Type.TASK,
        "decision_proposed": Type.TASK,
        "report_submitted": Type.TASK,
        "application_returned": Type.RETURN,
        "application_returned_to_city": Type.RETURN,
        "report_return_for_revision": Type.RETURN,
        "application_rejected": Type.DECISION,
        "application_recommended": Type.DECISION,
        "application_forwarded": Type.DECISION,
        "selection_outcome": Type.DECISION,
        "selected": Type.DECISION,
        "list_published": Type.DECISION,
        "report_receive": Type.DECISION,
        "pilot_stage": Type.DECISION,
    }
    # A pilot's stage notice does not name its transition; a returned plan says 退回 in its title.
    RETURNED_STAGE = models.Q(kind="pilot_stage", title__contains="退回")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    send_email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def type(self) -> str:
        if self.kind == "pilot_stage" and "退回" in self.title:
            return self.Type.RETURN
        return self.KIND_TYPES.get(self.kind, self.Type.SYSTEM)

    def get_type_display(self) -> str:
        return self.Type(self.type).label

    @classmethod
    def type_condition(cls, type_: str) -> models.Q:
        """The rows of one type, as a filter on `kind`."""
        kinds = [k for k, t in cls.KIND_TYPES.items() if t == type_]
        if type_ == cls.Type.SYSTEM:
            return ~models.Q(kind__in=list(cls.KIND_TYPES))
        if type_ == cls.Type.RETURN:
            return models.Q(kind__in=kinds) | cls.RETURNED_STAGE
        if type_ == cls.Type.DECISION:
            return models.Q(kind__in=kinds) & ~cls.RETURNED_STAGE
        return models.Q(kind__in=kinds)


class IssuedDocument(models.Model):
    """The registry of issued documents: one row per signed PDF the portal stored (core.signing.
    record_issued), read by the public verification page (/verify/). A PDF is genuine when its
    signature chains to a trusted root and its SHA-256 is here."""

    kind = models.CharField(_("类别代码"), max_length=64)
    title = models.CharField(_("文件名称"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=64, blank=True, db_index=True)
    department = models.CharField(_("签发部门代码"), max_length=64)
    issuer = models.CharField(_("签发部门"), max_length=100)
    signer_subject = models.CharField(_("签名证书主体"), max_length=255)
    signer_fingerprint = models.CharField(_("签名证书指纹"), max_length=64)
    development = models.BooleanField(_("开发用签名"), default=False)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    storage_path = models.CharField(_("存储路径"), max_length=255)
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已签发文件")
        verbose_name_plural = _("已签发文件")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.title} · {self.issuer}"


class PasswordState(models.Model):
    """Whether a user must choose a new password at their next login (an administrator set it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="password_state"
    )
    must_change = models.BooleanField(_("下次登录须修改密码"), default=False)
    changed_at = models.DateTimeField(_("最近修改密码时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self) -> str:
        return str(self.user)


class PasswordResetAttempt(models.Model):
    """One password reset request (throttled like logins: per e-mail address and per client address).

    Administrators lift a throttle by deleting the rows in the admin; they expire by themselves after
    PORTAL_LOGIN_LOCKOUT_MINUTES."""

    email = models.CharField(_("邮箱"), max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(_("网络地址"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("找回密码请求")
        verbose_name_plural = _("找回密码请求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} · {self.ip_address}"
