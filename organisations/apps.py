from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = gettext_lazy("组织与角色")

    def ready(self):
        from core import audit

        from . import signals  # noqa: F401  (role changes become security events)
        from .roles import sees_internal_entries

        # core knows no roles: the internal entries of a history are shown to whom organisations says.
        audit.register_internal_visibility(sees_internal_entries)
