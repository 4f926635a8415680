from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = gettext_lazy("建设方案与目标台账")
