"""Every write of awards. One shape: permission (the finance officer), guard, row lock, change (an
instalment's steps through core.transitions.perform_transition), audit entry (`awards.<model>.<verb>`),
notices to the pilot (the outbox rows in the transaction, their e-mails queued after the commit)."""

import datetime
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from pilots.models import Pilot
from pilots.recipients import pilot_staff

from . import permissions, selectors
from .models import Award, AwardCap, FundSource, Instalment, PilotType

CENT = Decimal("0.01")


def _require_finance(user) -> None:
    if not permissions.can_manage_awards(user):
        raise ActionNotPermitted()


def _positive(amount, what: str) -> Decimal:
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError(gettext("%(what)s须大于零。") % {"what": what}, code="amount")
    if amount != amount.quantize(CENT):
        raise DomainError(gettext("%(what)s最多保留两位小数（万元）。") % {"what": what}, code="amount")
    return amount.quantize(CENT)


def _not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise DomainError(gettext("%(what)s不能晚于今天。") % {"what": what}, code="date")


def normalise_document_number(text: str) -> str:
    """A document number as stored and compared: no surrounding or inner white space, the year bracket
    〔〕 whichever brackets were typed (陕财办资环[2026]12号 is 陕财办资环〔2026〕12号)."""
    text = re.sub(r"\s+", "", text or "")
    return re.sub(r"[\[［【(（]\s*(\d{4})\s*[\]］】)）]", r"〔\1〕", text)


# Caps ------------------------------------------------------------------------------------------------
def cap_set(
    *, pilot_type: str, amount, effective_from: datetime.date, by, grade: str = "", note: str = ""
) -> AwardCap:
    """A new cap for a pilot type (and grade), effective from a date; the earlier caps stay as they were."""
    with transaction.atomic():
        _require_finance(by)
        if pilot_type not in PilotType.values:
            raise DomainError(gettext("试点类型无效。"))
        if grade and grade not in Pilot.Grade.values:
            raise DomainError(gettext("验收等级无效。"))
        amount = _positive(amount, gettext("奖补上限"))
        # The caps of this type and grade are locked, so two officers cannot add the same day's cap.
        list(AwardCap.objects.select_for_update().filter(pilot_type=pilot_type, grade=grade))
        if AwardCap.objects.filter(
            pilot_type=pilot_type, grade=grade, effective_from=effective_from
        ).exists():
            raise DomainError(
                gettext("该类型自%(date)s起已有奖补上限，请另选生效日期。")
                % {"date": effective_from.isoformat()},
                code="duplicate",
            )
        cap = AwardCap.objects.create(
            pilot_type=pilot_type,
            grade=grade,
            amount=amount,
            effective_from=effective_from,
            note=note.strip(),
            set_by=by,
        )
        record(
            cap,
            actor=by,
            action="set",
            label=gettext_noop("设定奖补上限"),
            data={
                "pilot_type": pilot_type,
                "grade": grade,
                "amount": str(amount),
                "effective_from": effective_from.isoformat(),
            },
        )
    return cap


# Awards ----------------------------------------------------------------------------------------------
def award_record(
    *,
    pilot: Pilot,
    amount,
    basis_number: str,
    basis_date: datetime.date,
    fund_source: str,
    by,
    fund_source_other: str = "",
    note: str = "",
) -> Award:
    """An award to an accepted pilot. Refused: another role than finance, a pilot not accepted, a second
    award of the pilot on the same document, a total of the pilot's awards above its cap."""
    with transaction.atomic():
        _require_finance(by)
        locked = (
            Pilot.objects.select_for_update(of=("self",))
            .select_related("organisation", "organisation__review_unit", "batch")
            .get(pk=pilot.pk)
        )
        if locked.state != Pilot.State.ACCEPTED:
            raise DomainError(
                gettext("%(name)s当前状态为「%(state)s」，只有已通过验收（命名）的试点单位才能登记奖补。")
                % {"name": locked.organisation.name, "state": locked.get_state_display()},
                code="not_accepted",
            )
        amount = _positive(amount, gettext("奖补金额"))
        basis_number = normalise_document_number(basis_number)
        if not basis_number:
            raise DomainError(gettext("须填写依据文号。"), code="basis")
        _not_future(basis_date, gettext("文件日期"))
        if locked.named_at and basis_date < locked.named_at:
            raise DomainError(
                gettext("文件日期（%(date)s）早于%(name)s的命名日期（%(named)s），请核对依据文件。")
                % {
                    "date": basis_date.isoformat(),
                    "name": locked.organisation.name,
                    "named": locked.named_at.isoformat(),
                },
                code="date",
            )
        if fund_source not in FundSource.values:
            raise DomainError(gettext("资金来源无效。"))
        fund_source_other = fund_source_other.strip() if fund_source == FundSource.OTHER else ""
        if fund_source == FundSource.OTHER and not fund_source_other:
            raise DomainError(gettext("资金来源为「其他」的，须写明资金来源。"), code="fund_source")
        if Award.objects.filter(pilot=locked, basis_number=basis_number).exists():
            raise DomainError(
                gettext("%(name)s依据%(basis)s的奖补已登记，同一文件不能重复登记。")
                % {"name": locked.organisation.name, "basis": basis_number},
                code="duplicate",
            )
        cap = selectors.cap_for(locked, basis_date)
        if cap is None:
            raise DomainError(
                gettext("%(date)s尚无适用于%(name)s的奖补上限，请先设定奖补上限。")
                % {"date": basis_date.isoformat(), "name": locked.organisation.name},
                code="cap",
            )
        already = selectors.awarded_total(locked)
        if already + amount > cap.amount:
            raise DomainError(
                gettext(
                    "奖补金额超过上限：%(name)s已登记奖补%(already)s万元，本次%(amount)s万元，"
                    "合计%(total)s万元，超过上限%(cap)s万元。"
                )
                % {
                    "name": locked.organisation.name,
                    "already": already,
                    "amount": amount,
                    "total": already + amount,
                    "cap": cap.amount,
                },
                code="cap",
            )
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    pilot=locked,
                    amount=amount,
                    basis_number=basis_number,
                    basis_date=basis_date,
                    fund_source=fund_source,
                    fund_source_other=fund_source_other,
                    note=note.strip(),
                    recorded_by=by,
                )
        except IntegrityError as exc:  # a concurrent record won the race
            raise DomainError(gettext("该奖补已由他人登记。"), code="duplicate") from exc
        record(
            award,
            actor=by,
            action="record",
            label=gettext_noop("登记奖补"),
            data={"amount": str(amount), "basis": basis_number, "cap": str(cap.amount), "cap_id": cap.pk},
        )
        with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
            notify(
                pilot_staff(locked),
                kind="awards.award_recorded",
                title=gettext("省财政厅已登记贵单位奖补%(amount)s万元（%(basis)s）")
                % {"amount": amount, "basis": basis_number},
                url=reverse("awards:detail", args=[award.pk]),
            )
    return award


# Instalments -----------------------------------------------------------------------------------------
def instalment_plan(*, award: Award, amount, planned_date: datetime.date, by) -> Instalment:
    """The award's next instalment (第N期); the instalments not cancelled never exceed the award."""
    with transaction.atomic():
        _require_finance(by)
        locked = Award.objects.select_for_update().select_related("pilot__organisation").get(pk=award.pk)
        amount = _positive(amount, gettext("拨付金额"))
        live = locked.instalments.exclude(state=Instalment.State.CANCELLED)
        planned = live.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if planned + amount > locked.amount:
            raise DomainError(
                gettext(
                    "分期金额超过奖补金额：已安排%(planned)s万元，本期%(amount)s万元，"
                    "合计%(total)s万元，超过奖补金额%(award)s万元。"
                )
                % {"planned": planned, "amount": amount, "total": planned + amount, "award": locked.amount},
                code="over_award",
            )
        number = (locked.instalments.aggregate(n=Max("number"))["n"] or 0) + 1
        instalment = Instalment.objects.create(
            award=locked, number=number, amount=amount, planned_date=planned_date, created_by=by
        )
        record(
            instalment,
            actor=by,
            action="plan",
            label=gettext_noop("安排分期拨付"),
            to_state=instalment.state,
            data={"amount": str(amount), "planned_date": planned_date.isoformat()},
        )
    return instalment


def instalment_disburse(
    *, instalment: Instalment, disbursed_on: datetime.date, payment_document: str, by
) -> Instalment:
    """Record the payment of a planned instalment: its date and paying document; the pilot is told."""
    _require_finance(by)
    payment_document = normalise_document_number(payment_document)
    if not payment_document:
        raise DomainError(gettext("须填写拨付文号。"), code="payment_document")
    _not_future(disbursed_on, gettext("拨付日期"))

    def changes(obj: Instalment) -> None:
        obj.disbursed_on = disbursed_on
        obj.payment_document = payment_document

    with transaction.atomic():
        obj = perform_transition(
            Instalment,
            instalment.pk,
            "disburse",
            by=by,
            changes=changes,
            data={"disbursed_on": disbursed_on.isoformat(), "payment_document": payment_document},
        )
        award = Award.objects.select_related("pilot__organisation").get(pk=obj.award_id)
        with translation.override("zh-hans"):
            notify(
                pilot_staff(award.pilot),
                kind="awards.instalment_disbursed",
                title=gettext("贵单位奖补第%(number)s期%(amount)s万元已拨付（%(document)s）")
                % {"number": obj.number, "amount": obj.amount, "document": payment_document},
                url=reverse("awards:detail", args=[award.pk]),
            )
    return obj


def instalment_cancel(*, instalment: Instalment, reason: str, by) -> Instalment:
    """Cancel a planned instalment, with a reason; its amount is free to plan again."""
    _require_finance(by)

    def changes(obj: Instalment) -> None:
        obj.cancelled_on = timezone.localdate()

    return perform_transition(Instalment, instalment.pk, "cancel", by=by, reason=reason, changes=changes)
