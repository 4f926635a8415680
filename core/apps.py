from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = gettext_lazy("平台基础")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import auth_state, checks, signals  # noqa: F401  (receivers and system checks)
        from .text import refuse_overlong_values

        # Every model, every app: an over-long value is refused with a message, not a database error.
        pre_save.connect(refuse_overlong_values, dispatch_uid="core.refuse_overlong_values")
        connection_created.connect(_register_sqlite_functions, dispatch_uid="core.sqlite_audit_guard")


def _register_sqlite_functions(sender, connection, **kwargs):
    """The SQLite triggers of the audit tables ask `portal_audit_may_delete` (core.security)."""
    if connection.vendor == "sqlite":
        from .security import sqlite_may_delete

        connection.connection.create_function(
            "portal_audit_may_delete", 2, sqlite_may_delete, deterministic=False
        )
