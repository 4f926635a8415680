from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = gettext_lazy("督导与帮扶")
