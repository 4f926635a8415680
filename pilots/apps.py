from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = gettext_lazy("试点单位")
