from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DispatchesConfig(AppConfig):
    name = "dispatches"
    verbose_name = gettext_lazy("进展调度")
