"""Publicity (公示) of the shortlist, objections, and the final confirmation and publication."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from applications import services as application_services
from applications.models import Application, Batch
from core.audit import record
from core.errors import DomainError
from core.formats import enumeration_comma, format_date
from core.notifications import notify
from core.workdays import add_workdays
from organisations.models import Role
from organisations.roles import users_with_role
from pilots import services as pilot_services

from . import documents
from .models import Objection, ReviewDocument, ReviewItem, ReviewRound
from .permissions import require_round_manager as _require_officer

DEFAULT_WORKING_DAYS = 5


def publicity_open(
    *,
    batch: Batch,
    by,
    start: datetime.date,
    working_days: int = DEFAULT_WORKING_DAYS,
    contact: str,
    address: str = "",
) -> Batch:
    """Put the confirmed shortlist on the public page for `working_days` working days."""
    _require_officer(by)
    if not contact.strip():
        raise DomainError(gettext("请填写异议受理联系人及电话。"))
    if not 1 <= working_days <= 30:
        raise DomainError(gettext("公示期应为1至30个工作日。"))
    period = add_workdays(start, working_days)
    with transaction.atomic():
        undecided = batch.applications.filter(
            state__in=[Application.State.IN_EXPERT_REVIEW, Application.State.REVIEWED]
        )
        if undecided.exists():
            names = enumeration_comma().join(undecided.values_list("organisation__name", flat=True)[:5])
            raise DomainError(
                gettext("尚有申报书未完成评审或会签（%(names)s），不能发布公示。") % {"names": names}
            )
        shortlisted = list(batch.applications.filter(state=Application.State.SHORTLISTED))
        if not shortlisted:
            raise DomainError(gettext("没有会签确认的拟入选申报单位。"))
        application_services.batch_update(
            batch=batch,
            by=by,
            fields={
                "publicity_start": start,
                "publicity_end": period.end,
                "publicity_contact": contact.strip(),
                "objection_address": address.strip(),
            },
        )
        batch = application_services.batch_transition(batch=batch, name="start_publicity", by=by)
        for application in shortlisted:
            application_services.application_publicise(application=application, by=by)
        record(
            batch,
            actor=by,
            action="publicity_open",
            label=gettext_noop("发布拟入选名单公示"),
            data={
                "start": start.isoformat(),
                "end": period.end.isoformat(),
                "working_days": working_days,
                "approximate_calendar": period.approximate,
                "applications": [a.pk for a in shortlisted],
            },
        )
        notify(
            [u for a in shortlisted for u in application_services.applicant_users(a)],
            kind="selection_outcome",
            title=f"贵单位已列入{batch.name}拟入选名单，公示期至{documents.cn_date(period.end)}",
            url=reverse("publicity:notice", args=[batch.pk]),
        )
        publicity_document_request(batch)
    return batch


def publicity_document_request(batch: Batch) -> ReviewDocument:
    """The notice as a PDF: a new version whenever the list or the period changed (an upheld
    objection), so the stored PDF always says what the public page says."""
    from .services import request_document

    notice = documents.publicity_notice(batch)
    latest = ReviewDocument.objects.filter(kind=ReviewDocument.Kind.PUBLICITY_LIST, batch=batch).first()
    if latest is not None and latest.data == notice:
        return latest
    version = latest.version + 1 if latest else 1
    return request_document(
        kind=ReviewDocument.Kind.PUBLICITY_LIST,
        key=f"publicity:b{batch.pk}:v{version}",
        batch=batch,
        data=notice,
        version=version,
    )


def pilot_list_document_request(batch: Batch, *, published_on: datetime.date | None = None) -> ReviewDocument:
    """The published list as a PDF, dated the day of publication (`published_on`, else as recorded)."""
    from .services import request_document

    return request_document(
        kind=ReviewDocument.Kind.PILOT_LIST,
        key=f"pilots:b{batch.pk}",
        batch=batch,
        data=documents.pilot_list(batch, published_on=published_on),
    )


def selection_item(application: Application) -> ReviewItem:
    """The application's item in its batch's selection round (the latest, if a batch had several): what
    an objection during publicity is about. Made if missing (an application the round did not list)."""
    rounds = ReviewRound.objects.filter(batch_id=application.batch_id, purpose=ReviewRound.Purpose.SELECTION)
    item = (
        ReviewItem.objects.filter(application=application, round__in=rounds)
        .order_by("-round__created_at", "-round_id")
        .first()
    )
    if item is None:
        review_round = rounds.order_by("-created_at", "-pk").first()
        if review_round is None:
            raise DomainError(gettext("该申报单位未经本批次遴选评审，不能登记异议。"))
        item = ReviewItem.objects.get_or_create(round=review_round, application=application)[0]
    return item


def objection_add(
    *, item: ReviewItem, on, by, received_on: datetime.date, objector: str, contact: str, content: str
) -> Objection:
    """Record an objection about a round's item (an application in selection, a pilot in acceptance);
    the audit entry goes on `on`, the subject the public objected to. The caller checks the officer and
    that the subject is on publicity."""
    if not (objector.strip() and contact.strip() and content.strip()):
        raise DomainError(gettext("异议须署名并留有联系方式，内容不能为空。"))
    with transaction.atomic():
        objection = Objection.objects.create(
            item=item,
            received_on=received_on,
            objector=objector.strip(),
            contact=contact.strip(),
            content=content.strip(),
            recorded_by=by,
        )
        record(
            on,
            actor=by,
            action="objection",
            label=gettext_noop("登记公示异议"),
            data={"objection": objection.pk, "internal": True},
        )
    return objection


def objection_record(
    *, application: Application, by, received_on: datetime.date, objector: str, contact: str, content: str
) -> Objection:
    _require_officer(by)
    if application.state != Application.State.IN_PUBLICITY:
        raise DomainError(gettext("只能对公示中的申报单位登记异议。"))
    with transaction.atomic():
        return objection_add(
            item=selection_item(application),
            on=application,
            by=by,
            received_on=received_on,
            objector=objector,
            contact=contact,
            content=content,
        )


def objection_settle(*, objection: Objection, by, upheld: bool, handling: str) -> Objection:
    """Lock a pending objection and record its outcome (on the item's subject); inside the caller's
    transaction, which then does what an upheld objection means for its subject."""
    if not handling.strip():
        raise DomainError(gettext("请填写核查处理情况。"))
    locked = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("item__application", "item__pilot")
        .get(pk=objection.pk)
    )
    if locked.outcome != Objection.Outcome.PENDING:
        raise DomainError(gettext("该异议已处理。"))
    locked.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
    locked.handling, locked.handled_by, locked.handled_at = handling.strip(), by, timezone.now()
    locked.save(update_fields=["outcome", "handling", "handled_by", "handled_at"])
    record(
        locked.item.subject,
        actor=by,
        action="objection_handled",
        label=gettext_noop("异议成立") if upheld else gettext_noop("异议不成立"),
        reason=handling,
        data={"objection": locked.pk},
    )
    return locked


def objection_handle(*, objection: Objection, by, upheld: bool, handling: str) -> Objection:
    """Record the outcome; an upheld objection takes the applicant off the list."""
    _require_officer(by)
    with transaction.atomic():
        locked = objection_settle(objection=objection, by=by, upheld=upheld, handling=handling)
        application = locked.item.application
        if upheld:
            application_services.application_uphold_objection(application=application, by=by, reason=handling)
            publicity_document_request(application.batch)
    return locked


def publicity_confirm(*, batch: Batch, by, override_reason: str = "") -> Batch:
    """At the end of publicity: everyone still on the list is selected (a Pilot is created) and the
    list is published. Before the period ends only with a logged reason; never with open objections."""
    _require_officer(by)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != Batch.State.PUBLICITY:
            raise DomainError(gettext("批次不在公示阶段。"))
        pending = Objection.objects.filter(item__application__batch=locked, outcome=Objection.Outcome.PENDING)
        if pending.exists():
            raise DomainError(
                gettext("尚有%(count)s件异议未处理完毕，不能确定名单。") % {"count": pending.count()}
            )
        if (
            locked.publicity_end
            and timezone.localdate() <= locked.publicity_end
            and not override_reason.strip()
        ):
            raise DomainError(
                gettext("公示期至%(date)s，期满后方可确定名单。")
                % {"date": format_date(locked.publicity_end)}
            )
        selected = list(locked.applications.filter(state=Application.State.IN_PUBLICITY))
        for application in selected:
            application = application_services.application_select(application=application, by=by)
            pilot_services.pilot_create_for_selected(application=application, by=by)
        locked = application_services.batch_transition(
            batch=locked, name="publish", by=by, reason=override_reason
        )
        record(
            locked,
            actor=by,
            action="publish_list",
            label=gettext_noop("确定并公布试点名单"),
            reason=override_reason,
            data={"selected": [a.pk for a in selected]},
        )
        finance = users_with_role(Role.FINANCE_OFFICER)
        notify(
            finance,
            kind="list_published",
            title=f"{locked.name}试点名单已公布（{len(selected)}个）",
            url=reverse("publicity:pilot_list"),
        )
        pilot_list_document_request(locked)
    return locked
