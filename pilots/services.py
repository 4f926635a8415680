"""Writes for pilots: every stage change goes through core.transitions."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import DomainError
from core.notifications import notify
from core.transitions import perform_transition

from .models import Pilot
from .recipients import pilot_staff


def _notify_staff(pilot: Pilot, title: str) -> None:
    notify(pilot_staff(pilot), kind="pilot_stage", title=title, url=reverse("pilots:detail", args=[pilot.pk]))


def pilot_create_for_selected(*, application, by) -> Pilot:
    """The selected application becomes a pilot (called when the list is confirmed after publicity,
    inside the same transaction as the application's `select` transition)."""
    if application.state != application.State.SELECTED:
        raise DomainError(gettext("只有已入选的申报单位才能确定为试点单位。"))
    pilot = Pilot.objects.create(
        organisation=application.organisation,
        application=application,
        batch=application.batch,
        pilot_level=application.pilot_level,
    )
    pilot.delegated_agencies.set(application.delegated_agencies.all())
    record(pilot, actor=by, action="create", label=gettext_noop("确定为试点单位"), to_state=pilot.state)
    return pilot


def pilot_transition(*, pilot: Pilot, name: str, by, reason: str = "") -> Pilot:
    """Transitions that carry no data of their own."""
    with transaction.atomic():
        pilot = perform_transition(Pilot, pilot.pk, name, by=by, reason=reason)
        with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
            _notify_staff(pilot, gettext("试点状态更新：%(state)s") % {"state": pilot.get_state_display()})
    return pilot


def pilot_accept(*, pilot: Pilot, by, grade: str, reason: str = "") -> Pilot:
    def set_grade(obj: Pilot) -> None:
        obj.acceptance_grade = grade if grade in Pilot.Grade.values else ""
        obj.named_at = timezone.localdate()

    with transaction.atomic():
        pilot = perform_transition(
            Pilot, pilot.pk, "accept", by=by, reason=reason, changes=set_grade, data={"grade": grade}
        )
        with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
            _notify_staff(
                pilot,
                gettext("贵单位已通过验收（%(acceptance_grade)s）")
                % {"acceptance_grade": pilot.get_acceptance_grade_display()},
            )
    return pilot
