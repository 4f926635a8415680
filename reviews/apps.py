from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = gettext_lazy("专家评审")

    def ready(self):
        from django_fsm.signals import post_transition

        from applications import access as application_access
        from applications.models import Application
        from pilots import access as pilot_access

        from . import guards
        from .selectors import expert_application_ids, expert_pilot_ids

        guards.register()  # the publicity rules on the applications' own transitions

        # The expert rule (assigned, confirmed, declared, no active conflict), told to the pages below.
        application_access.register_reader(expert_application_ids)
        pilot_access.register_reader(expert_pilot_ids)
        post_transition.connect(
            _application_entered_review, sender=Application, dispatch_uid="reviews.items_for_application"
        )


def _application_entered_review(sender, instance, name, source, target, **kwargs):
    """An application entering expert review becomes an item of its batch's open selection rounds."""
    from applications.models import Application

    if target == Application.State.IN_EXPERT_REVIEW:
        from .services import items_materialise_for_application

        items_materialise_for_application(instance)
