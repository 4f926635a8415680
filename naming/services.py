"""Writes of the acceptance decision (验收决定), its publicity (公示) and the naming (命名).

The two-key decision is the selection's, reused: the round's row lock (`reviews.services.lock_decision_round`)
queues proposals, confirmations and returns of one round, so of two officers deciding at once one wins and
the other is refused with the state the first one left. Objections are the review engine's
(`reviews.publicity.objection_add` / `objection_settle`) on the round's items, which are the pilots.
"""

import datetime
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import chinese_date, enumeration_comma
from core.notifications import notify
from core.queue import enqueue_on_commit
from core.transitions import perform_transition
from core.uploads import new_token
from core.workdays import add_workdays
from organisations.models import Role
from organisations.roles import users_with_role
from pilots import services as pilot_services
from pilots.models import Pilot
from pilots.recipients import pilot_staff
from reviews import publicity as review_publicity
from reviews.models import Objection, ReviewItem, ReviewRound
from reviews.services import lock_decision_round, round_transition

from . import permissions, selectors
from .models import AcceptanceDecision, NamingCertificate, NamingPublicity

Kind = AcceptanceDecision.Kind
GRADES = AcceptanceDecision.Grade
DOCUMENT_NO = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")
DEFAULT_WORKING_DAYS = 5


def _lock(review_round: ReviewRound) -> ReviewRound:
    return lock_decision_round(
        review_round,
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        refusal=gettext("只有验收评审可以提出和会签验收等级建议。"),
    )


def _staff(pilot: Pilot):
    return pilot_staff(pilot)


# The two-key decision ----------------------------------------------------------------------------
def decision_propose(
    *, review_round: ReviewRound, by, grades: dict[int, str], reasons: dict[int, str], note: str = ""
) -> AcceptanceDecision:
    """The ecology department proposes a grade (优秀, 通过 or 不通过) with its reason for every pilot of the
    round; the DRC confirms or either department returns it. A returned proposal is proposed again
    (`note` says what changed)."""
    if not permissions.can_propose_acceptance(by, review_round):
        raise ActionNotPermitted()
    with transaction.atomic():
        locked = _lock(review_round)
        if locked.state == ReviewRound.State.DECIDED:
            raise DomainError(gettext("本轮已形成验收结论，不能再提出验收等级建议。"))
        if locked.state != ReviewRound.State.AGGREGATED:
            raise DomainError(gettext("须先揭示并汇总验收评分，再提出验收等级建议。"))
        last = selectors.last_step(locked)
        if last is not None and last.kind == Kind.PROPOSE:
            raise DomainError(
                gettext("已提出的验收等级建议正待省发展改革委会签，不能重复提出；如需修改，请先退回。")
            )
        if last is not None and last.kind == Kind.CONFIRM:
            raise DomainError(gettext("验收等级建议已会签确认，不能再提出。"))
        pilots = list(selectors.decision_pilots(locked))
        if not pilots:
            raise DomainError(gettext("本轮没有验收评审中的试点单位。"))
        if set(grades) - {p.pk for p in pilots}:
            raise DomainError(gettext("所选试点单位不在本轮待决定的范围内，请刷新页面后重试。"))
        missing = [
            p.organisation.name
            for p in pilots
            if grades.get(p.pk) not in GRADES.values or not (reasons.get(p.pk) or "").strip()
        ]
        if missing:
            raise DomainError(
                gettext("以下试点单位须选择验收等级并说明理由：") + enumeration_comma().join(missing)
            )
        panel = selectors.suggested_grades(locked)
        items = []
        for pilot in pilots:
            suggested = panel.get(pilot.pk, ("", ""))
            unit = pilot.organisation.review_unit
            items.append(
                {
                    "pilot": pilot.pk,
                    "name": pilot.organisation.name,
                    "city": unit.name if unit else "",
                    "grade": grades[pilot.pk],
                    "reason": reasons[pilot.pk].strip(),
                    "panel_grade": suggested[0],
                    "panel_reason": suggested[1],
                }
            )
        decision = AcceptanceDecision.objects.create(
            round=locked, kind=Kind.PROPOSE, by=by, opinion=(note or "").strip(), items=items
        )
        record(
            locked,
            actor=by,
            action="naming.decision.propose",
            label=gettext_noop("提出验收等级建议"),
            reason=decision.opinion,
            data={
                "decision": decision.pk,
                "grades": {str(i["pilot"]): i["grade"] for i in items},
                "internal": True,
            },
        )
        notify(
            users_with_role(Role.DRC_OFFICER),
            kind="acceptance_proposed",
            title=f"省生态环境厅提出了{locked.name}的验收等级建议，请会签",
            url=reverse("naming:confirmations", args=[locked.pk]),
        )
    return decision


def _answerable(review_round: ReviewRound) -> tuple[ReviewRound, AcceptanceDecision]:
    locked = _lock(review_round)
    proposal = selectors.pending_proposal(locked)
    if proposal is None:
        raise DomainError(gettext("没有待会签的验收等级建议（尚未提出，或已会签、已退回）。"))
    return locked, proposal


def decision_confirm(*, review_round: ReviewRound, by, opinion: str = "") -> AcceptanceDecision:
    """The DRC confirms the proposal as it stands: the results may go to publicity."""
    if not permissions.can_confirm_acceptance(by, review_round):
        raise ActionNotPermitted()
    with transaction.atomic():
        locked, proposal = _answerable(review_round)
        decision = AcceptanceDecision.objects.create(
            round=locked, kind=Kind.CONFIRM, by=by, opinion=(opinion or "").strip(), proposal=proposal
        )
        record(
            locked,
            actor=by,
            action="naming.decision.confirm",
            label=gettext_noop("会签确认验收等级建议"),
            reason=decision.opinion,
            data={"decision": decision.pk, "proposal": proposal.pk, "internal": True},
        )
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="acceptance_confirmed",
            title=f"省发展改革委已会签确认{locked.name}的验收等级建议，可发布公示",
            body=decision.opinion,
            url=reverse("naming:publicity", args=[locked.pk]),
        )
    return decision


def decision_return(*, review_round: ReviewRound, by, opinion: str) -> AcceptanceDecision:
    """Either department returns the pending proposal with its opinion, to be revised and proposed again."""
    if not permissions.can_return_acceptance(by, review_round):
        raise ActionNotPermitted()
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(gettext("退回验收等级建议须填写意见，说明不同意之处。"), code="reason_required")
    with transaction.atomic():
        locked, proposal = _answerable(review_round)
        decision = AcceptanceDecision.objects.create(
            round=locked, kind=Kind.RETURN, by=by, opinion=opinion, proposal=proposal
        )
        record(
            locked,
            actor=by,
            action="naming.decision.return",
            label=gettext_noop("退回验收等级建议"),
            reason=opinion,
            data={"decision": decision.pk, "proposal": proposal.pk, "internal": True},
        )
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="acceptance_returned",
            title=f"{locked.name}的验收等级建议已退回，请修改后重新提出",
            body=opinion,
            url=reverse("naming:decision", args=[locked.pk]),
        )
    return decision


# Publicity (公示) --------------------------------------------------------------------------------
def publicity_open(
    *,
    review_round: ReviewRound,
    by,
    start: datetime.date,
    working_days: int = DEFAULT_WORKING_DAYS,
    contact: str,
) -> NamingPublicity:
    """Put the confirmed results on the public page for `working_days` working days."""
    if not permissions.can_decide_acceptance(by):
        raise ActionNotPermitted()
    if not (contact or "").strip():
        raise DomainError(gettext("请填写异议受理联系人及电话。"))
    if not 1 <= working_days <= 30:
        raise DomainError(gettext("公示期应为1至30个工作日。"))
    period = add_workdays(start, working_days)
    with transaction.atomic():
        locked = _lock(review_round)
        if NamingPublicity.objects.filter(round=locked).exists():
            raise DomainError(gettext("本轮验收结果已发布公示。"))
        if locked.state != ReviewRound.State.AGGREGATED:
            raise DomainError(gettext("本轮评审不在待决定阶段，不能发布验收结果公示。"))
        confirmed = selectors.confirmed_proposal(locked)
        if confirmed is None:
            raise DomainError(gettext("验收等级建议尚未经省发展改革委会签确认，不能发布公示。"))
        publicity = NamingPublicity.objects.create(
            round=locked,
            decision=confirmed,
            start=start,
            end=period.end,
            working_days=working_days,
            contact=contact.strip(),
            opened_by=by,
        )
        record(
            locked,
            actor=by,
            action="naming.publicity.open",
            label=gettext_noop("发布验收结果公示"),
            data={
                "publicity": publicity.pk,
                "start": start.isoformat(),
                "end": period.end.isoformat(),
                "approximate_calendar": period.approximate,
            },
        )
        pilots = Pilot.objects.filter(pk__in=[i["pilot"] for i in confirmed.items])
        notify(
            [u for p in pilots for u in _staff(p)],
            kind="acceptance_publicity",
            title=f"{locked.name}验收结果公示中，公示期至{chinese_date(period.end)}",
            url=reverse("naming:public"),
        )
    return publicity


def _lock_publicity(publicity: NamingPublicity) -> NamingPublicity:
    locked = NamingPublicity.objects.select_for_update().select_related("decision").get(pk=publicity.pk)
    if locked.state != NamingPublicity.State.OPEN:
        raise DomainError(gettext("验收结果公示已结束。"))
    return locked


def objection_record(
    *,
    publicity: NamingPublicity,
    pilot: Pilot,
    by,
    received_on: datetime.date,
    objector: str,
    contact: str,
    content: str,
) -> Objection:
    """An objection to a pilot's result during publicity, on the pilot's item of the round."""
    if not permissions.can_decide_acceptance(by, publicity):
        raise ActionNotPermitted()
    with transaction.atomic():
        locked = _lock_publicity(publicity)
        listed = {i["pilot"] for i in locked.decision.items} - set(locked.held)
        if pilot.pk not in listed:
            raise DomainError(gettext("只能对公示中的试点单位登记异议。"))
        return review_publicity.objection_add(
            item=ReviewItem.objects.get(round_id=locked.round_id, pilot=pilot),
            on=pilot,
            by=by,
            received_on=received_on,
            objector=objector,
            contact=contact,
            content=content,
        )


def objection_handle(*, objection: Objection, by, upheld: bool, handling: str) -> Objection:
    """The outcome of an objection; an upheld one holds the pilot out of this naming (decided again)."""
    if not permissions.can_decide_acceptance(by):
        raise ActionNotPermitted()
    with transaction.atomic():
        publicity = NamingPublicity.objects.filter(round__items__objections=objection).first()
        if publicity is None:
            raise DomainError(gettext("该异议不属于验收结果公示。"))
        locked = _lock_publicity(publicity)
        settled = review_publicity.objection_settle(
            objection=objection, by=by, upheld=upheld, handling=handling
        )
        if upheld and settled.item.pilot_id not in locked.held:
            locked.held = [*locked.held, settled.item.pilot_id]
            locked.save(update_fields=["held"])
    return settled


def publicity_conclude(*, publicity: NamingPublicity, by, document_no: str) -> NamingPublicity:
    """At the end of publicity with no objection pending (the transition's guards): the passed pilots are
    accepted with their grade and named, each with a certificate rendered after commit; the failed ones
    are recorded with the reason and told why (a second failure after the construction period means
    disqualification); the round is decided."""
    if not permissions.can_decide_acceptance(by, publicity):
        raise ActionNotPermitted()
    document_no = (document_no or "").strip()
    if not DOCUMENT_NO.match(document_no):
        raise DomainError(gettext("文号格式应如“陕环发〔2026〕12号”（六角括号，年份四位，序号不带前导零）。"))

    def set_number(obj: NamingPublicity) -> None:
        obj.document_no = document_no

    with transaction.atomic():
        publicity = perform_transition(
            NamingPublicity,
            publicity.pk,
            "conclude",
            by=by,
            changes=set_number,
            data={"document_no": document_no},
        )
        named, failed = [], []
        for item in publicity.decision.items:
            if item["pilot"] in publicity.held:
                continue
            pilot = Pilot.objects.get(pk=item["pilot"])
            if item["grade"] == GRADES.FAIL:
                failed.append(_fail(pilot, item["reason"], publicity, by))
            else:
                pilot = pilot_services.pilot_accept(
                    pilot=pilot, by=by, grade=item["grade"], reason=item["reason"]
                )
                named.append(_certificate_request(pilot, publicity))
        round_transition(review_round=publicity.round, name="decide", by=by)
        record(
            publicity.round,
            actor=by,
            action="naming.publicity.conclude",
            label=gettext_noop("确定验收结果并命名"),
            data={
                "document_no": document_no,
                "named": [c.pilot_id for c in named],
                "failed": [p.pk for p in failed],
                "held": publicity.held,
            },
        )
    return publicity


def _failed_before(pilot: Pilot, publicity: NamingPublicity) -> bool:
    for earlier in NamingPublicity.objects.filter(
        state=NamingPublicity.State.CONCLUDED, round__items__pilot=pilot
    ).exclude(pk=publicity.pk):
        if any(i["pilot"] == pilot.pk and i["grade"] == GRADES.FAIL for i in earlier.decision.items):
            return True
    return False


def _fail(pilot: Pilot, reason: str, publicity: NamingPublicity, by) -> Pilot:
    second = _failed_before(pilot, publicity)
    pilot = perform_transition(Pilot, pilot.pk, "fail_acceptance", by=by, reason=reason)
    with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
        if second and pilot.construction_period_over():
            pilot = perform_transition(
                Pilot,
                pilot.pk,
                "disqualify",
                by=by,
                reason=gettext("建设期满后再次验收未通过：%(reason)s") % {"reason": reason},
            )
            title = gettext("贵单位再次验收未通过且建设期已满，已取消试点资格")
        elif pilot.construction_period_over():
            title = gettext("贵单位验收未通过；建设期已于%(date)s届满") % {
                "date": chinese_date(pilot.construction_end)
            }
        else:
            title = gettext("贵单位验收未通过，可在建设期内（%(date)s前）整改后再次申请验收") % {
                "date": chinese_date(pilot.construction_end)
            }
        notify(
            _staff(pilot),
            kind="acceptance_failed",
            title=title,
            body=reason,
            url=reverse("naming:result", args=[pilot.pk]),
        )
    return pilot


def _certificate_request(pilot: Pilot, publicity: NamingPublicity) -> NamingCertificate:
    from .tasks import render_certificate

    certificate, _ = NamingCertificate.objects.get_or_create(
        pilot=pilot,
        defaults={
            "publicity": publicity,
            "document_no": publicity.document_no,
            "grade": pilot.acceptance_grade,
            "issued_on": pilot.named_at or timezone.localdate(),
            "token": new_token(),
        },
    )
    if not certificate.file:
        enqueue_on_commit(render_certificate, certificate.pk)
    return certificate
