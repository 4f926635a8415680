from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CarbonConfig(AppConfig):
    name = "carbon"
    label = "carbon"
    verbose_name = gettext_lazy("碳排放核算")
