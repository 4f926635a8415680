from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = gettext_lazy("平台基础")

    def ready(self):
        from . import auth_state  # noqa: F401  (connects the login receiver)
