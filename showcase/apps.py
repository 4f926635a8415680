from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = gettext_lazy("试点示范展示")
