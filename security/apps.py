from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = gettext_lazy("安全审计")
