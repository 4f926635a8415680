from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = gettext_lazy("申报与市级初审")
