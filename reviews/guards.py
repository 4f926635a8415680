"""The publicity rules, added to the applications' own transitions (core.transitions.register_rule) so that
they hold on every path: reviews.publicity, the generic action buttons, a direct call of the model method.
Applications cannot import reviews (it sits below), so reviews registers them in ReviewsConfig.ready()."""

from django.utils.translation import gettext

from .models import Objection


def _objections(application):
    return Objection.objects.filter(item__application_id=application.pk)


def no_pending_objection(application) -> str | None:
    pending = _objections(application).filter(outcome=Objection.Outcome.PENDING).count()
    if pending:
        return gettext("该单位尚有%(count)s件公示异议未处理完毕，不能确定入选。") % {"count": pending}
    return None


def an_upheld_objection_on_record(application) -> str | None:
    if not _objections(application).filter(outcome=Objection.Outcome.UPHELD).exists():
        return gettext("没有登记并核查成立的异议，不能以异议成立为由不予入选：请先在公示页面登记异议并处理。")
    return None


def no_pending_objection_in_batch(batch) -> str | None:
    pending = Objection.objects.filter(
        item__application__batch_id=batch.pk, outcome=Objection.Outcome.PENDING
    ).count()
    if pending:
        return gettext("尚有%(count)s件公示异议未处理完毕，不能公布名单。") % {"count": pending}
    return None


def register() -> None:
    from core.transitions import register_rule

    register_rule("applications.Application", "select", no_pending_objection)
    register_rule("applications.Application", "uphold_objection", an_upheld_objection_on_record)
    register_rule("applications.Batch", "publish", no_pending_objection_in_batch)
