from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NamingConfig(AppConfig):
    name = "naming"
    verbose_name = gettext_lazy("验收决定与命名")
