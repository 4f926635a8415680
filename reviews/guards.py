"""The publicity rules, added to the applications' own transitions (core.transitions.register_rule) so that
they hold on every path: reviews.publicity, the generic action buttons, a direct call of the model method.
Applications cannot import reviews (it sits below), so reviews registers them in ReviewsConfig.ready()."""

from django.utils.translation import gettext

from core.formats import comma, enumeration_comma, semicolon

from .models import Objection, ReviewAssignment, ReviewItem, ReviewRound


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


# A round whose scores were revealed (aggregate, or aggregate_incomplete with the officer's explanation)
# counts the sheets it has: a sheet still missing then is excused, "未提交的评分不再计入".
_REVEALED = (ReviewRound.State.AGGREGATED, ReviewRound.State.DECIDED)


def _missing_sheets(item: ReviewItem, round_: ReviewRound, assignments: list) -> str | None:
    """What keeps one item from being fully scored, or None: the experts whose sheet is still open and
    the places not (or no longer) filled. A declined task (谢绝, recusal for a conflict) is excused; its
    place counts as open until another expert is assigned to it."""
    if round_.state in _REVEALED:
        return None
    live = [a for a in assignments if a.state != ReviewAssignment.State.DECLINED]
    submitted = sum(1 for a in live if a.state == ReviewAssignment.State.SUBMITTED)
    waiting = [a.expert.display_name for a in live if a.state != ReviewAssignment.State.SUBMITTED]
    unfilled = max(round_.experts_per_item - len(live), 0)
    if not waiting and not unfilled:
        return None
    parts = [
        gettext("「%(round)s」已提交评分%(submitted)s份，应有%(expected)s份")
        % {"round": round_.name, "submitted": submitted, "expected": max(round_.experts_per_item, len(live))}
    ]
    if waiting:
        parts.append(gettext("尚未提交：%(names)s") % {"names": enumeration_comma().join(waiting)})
    if unfilled:
        parts.append(gettext("另有%(count)s个评审名额尚未分配专家") % {"count": unfilled})
    return comma().join(parts)


def all_sheets_in(application) -> str | None:
    """Expert review is finished when one of the application's selection items has all its sheets in
    (every assigned expert's sheet submitted, declined tasks excused and replaced up to the round's
    number of experts), or its round's scores were revealed. Otherwise the refusal names what is missing."""
    items = list(
        ReviewItem.objects.filter(application_id=application.pk, round__purpose=ReviewRound.Purpose.SELECTION)
        .select_related("round")
        .prefetch_related("assignments__expert")
        .order_by("pk")
    )
    if not items:
        return gettext("该申报书尚未列入任何遴选评审轮次，没有专家评分，不能标记评审完成。")
    missing = []
    for item in items:
        reason = _missing_sheets(item, item.round, list(item.assignments.all()))
        if reason is None:
            return None
        missing.append(reason)
    return gettext("专家评分尚未收齐，不能标记评审完成：%(missing)s。") % {
        "missing": semicolon().join(missing)
    }


def register() -> None:
    from core.transitions import register_rule

    register_rule("applications.Application", "select", no_pending_objection)
    register_rule("applications.Application", "uphold_objection", an_upheld_objection_on_record)
    register_rule("applications.Batch", "publish", no_pending_objection_in_batch)
    register_rule("applications.Application", "finish_review", all_sheets_in)
