from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = gettext_lazy("奖补")
