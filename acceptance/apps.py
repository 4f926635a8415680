from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = gettext_lazy("验收申请")

    def ready(self):
        from reviews.self_scores import register_self_scores

        from .selectors import self_evaluations

        register_self_scores(self_evaluations)
