from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = gettext_lazy("平台基础")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks, signals  # noqa: F401  (registers the receivers and system checks)

        connection_created.connect(_register_sqlite_functions, dispatch_uid="core.sqlite_audit_guard")


def _register_sqlite_functions(sender, connection, **kwargs):
    """The SQLite triggers of the audit tables ask `portal_audit_may_delete` (core.security)."""
    if connection.vendor == "sqlite":
        from .security import sqlite_may_delete

        connection.connection.create_function(
            "portal_audit_may_delete", 2, sqlite_may_delete, deterministic=False
        )
