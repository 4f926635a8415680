from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.utils.translation import gettext_lazy

from . import auth_state
from .models import AuditEntry, IssuedDocument, Notification, PasswordResetAttempt, PasswordState, User


class PortalAdminPasswordChangeForm(AdminPasswordChangeForm):
    """A password an administrator sets must be changed by its user at the next login."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        auth_state.set_must_change(user)
        return user


class PortalUserCreationForm(AdminUserCreationForm):
    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            auth_state.set_must_change(user)
        else:
            self._portal_must_change = user.has_usable_password()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (gettext_lazy("平台信息"), {"fields": ("full_name", "phone", "sso_subject")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "sso_subject")
    change_password_form = PortalAdminPasswordChangeForm
    add_form = PortalUserCreationForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "_portal_must_change", False):
            auth_state.set_must_change(obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("created_at", "actor", "object_repr", "action_label", "from_state", "to_state")
    list_filter = ("content_type", "action")
    search_fields = ("object_repr", "reason", "actor__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-only: the registry is written by core.signing.record_issued only."""

    list_display = ("issued_at", "title", "document_no", "issuer", "development")
    list_filter = ("kind", "department", "development")
    search_fields = ("title", "document_no", "sha256")
    date_hierarchy = "issued_at"


@admin.register(PasswordResetAttempt)
class PasswordResetAttemptAdmin(admin.ModelAdmin):
    """Password reset requests, throttled like logins; delete the rows to lift the throttle at once."""

    list_display = ("created_at", "email", "ip_address")
    search_fields = ("email", "ip_address")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PasswordState)
class PasswordStateAdmin(admin.ModelAdmin):
    list_display = ("user", "must_change", "changed_at")
    list_filter = ("must_change",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user",)
