from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = gettext_lazy("工作台")
