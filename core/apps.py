from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = gettext_lazy("平台基础")

    def ready(self) -> None:
        from . import auth_state  # noqa: F401  (connects the login receiver)
        from .text import refuse_overlong_values

        # Every model, every app: an over-long value is refused with a message, not a database error.
        pre_save.connect(refuse_overlong_values, dispatch_uid="core.refuse_overlong_values")
