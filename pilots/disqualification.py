"""The disqualification clock (work plan, 验收评价: a pilot not accepted by the end of its construction period
loses its title) and the province's decision on each proposal.

Every morning (core.tasks.send_deadline_reminders runs `disqualification_proposals`, registered in
settings.PORTAL_REMINDERS; pilots.tasks.propose_disqualifications runs it on its own as well) the clock
proposes every pilot whose construction period has ended without acceptance: one DisqualificationProposal
row per pilot and period end (unique), made by the system actor and audited under the rule
`pilots.construction_period_ended`; the province's officers are told after commit. A run repeated, retried
or caught up after missed days proposes nothing twice.

Nothing is disqualified by the clock: a provincial officer decides each proposal (`disqualification_decide`),
either confirming it with a reason (the pilot's `disqualify` transition runs in the same transaction) or
granting an extension to a later date with a reason (the pilot's construction period moves; the clock
proposes again only after the new end). A proposal whose pilot was accepted or disqualified meanwhile lapses
when it is decided.
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.actors import system_user
from core.audit import record
from core.errors import DomainError
from core.formats import chinese_date
from core.notifications import notify
from core.transitions import perform_transition
from organisations.models import Role
from organisations.roles import users_with_role

from .models import DisqualificationProposal, Pilot
from .recipients import pilot_city_officers, pilot_staff

RULE = "pilots.construction_period_ended"
# The pilot's states in which its title is still open: the clock proposes those, never an accepted or an
# already disqualified pilot.
OPEN_STATES = (
    Pilot.State.SELECTED,
    Pilot.State.PLAN_DRAFTING,
    Pilot.State.PLAN_SUBMITTED,
    Pilot.State.PLAN_RETURNED,
    Pilot.State.PLAN_FILED,
    Pilot.State.IMPLEMENTING,
    Pilot.State.ACCEPTANCE_REQUESTED,
    Pilot.State.ACCEPTANCE_FORWARDED,
    Pilot.State.ACCEPTANCE_FAILED,
)


def pilots_past_their_period(today: datetime.date):
    """Pilots whose construction period (an extension granted, else the batch's) ended before today."""
    from django.db.models import Q

    return (
        Pilot.objects.filter(state__in=OPEN_STATES)
        .filter(
            Q(construction_extended_to__lt=today)
            | Q(construction_extended_to__isnull=True, batch__construction_end__lt=today)
        )
        .select_related("organisation", "batch")
        .order_by("batch__construction_end", "organisation__name", "pk")
    )


def disqualification_proposals(*, today: datetime.date) -> int:
    """Propose every pilot past its construction period once; returns the number of new proposals."""
    due = list(pilots_past_their_period(today))
    existing = set(
        DisqualificationProposal.objects.filter(pilot__in=due).values_list("pilot_id", "period_end")
    )
    system = None
    made = []
    for pilot in due:
        if (pilot.pk, pilot.construction_end) in existing:
            continue
        system = system or system_user()
        try:
            with transaction.atomic():
                proposal = DisqualificationProposal.objects.create(
                    pilot=pilot, period_end=pilot.construction_end, proposed_on=today
                )
                record(
                    proposal,
                    actor=system,
                    action="propose",
                    label=gettext_noop("建设期满未通过验收，自动提出取消试点资格"),
                    data={"rule": RULE, "period_end": pilot.construction_end.isoformat()},
                )
        except IntegrityError:  # proposed by a concurrent run
            continue
        made.append(proposal)
    if made:
        transaction.on_commit(lambda: _tell_the_province(made))
    return len(made)


def _tell_the_province(proposals) -> None:
    with translation.override("zh-hans"):
        names = "、".join(p.pilot.organisation.name for p in proposals[:10])
        more = gettext("等%(n)s个试点单位") % {"n": len(proposals)} if len(proposals) > 10 else ""
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="pilots.disqualification_proposed",
            title=gettext("建设期满未通过验收，待决定是否取消试点资格：%(names)s%(more)s")
            % {"names": names, "more": more},
            url=reverse("pilots:disqualification_list"),
            dedupe_key="disqualification:" + ",".join(str(p.pk) for p in proposals),
        )


def disqualification_decide(
    *, proposal: DisqualificationProposal, by, decision: str, reason: str, extended_to=None
) -> DisqualificationProposal:
    """The province's decision: "confirm" (the pilot is disqualified) or "extend" (to `extended_to`)."""
    if decision not in ("confirm", "extend"):
        raise DomainError(gettext("请选择确认取消资格或准予延期。"))
    if decision == "extend":
        if extended_to is None:
            raise DomainError(gettext("准予延期须填写延至日期。"))
        if extended_to <= proposal.period_end:
            raise DomainError(
                gettext("延至日期须晚于原建设期截止日期（%(date)s）。")
                % {"date": chinese_date(proposal.period_end)}
            )
    with transaction.atomic():
        # The pilot first, then the proposal: the order every path that touches both takes.
        pilot = Pilot.objects.select_for_update().get(pk=proposal.pilot_id)
        current = DisqualificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.state != DisqualificationProposal.State.PENDING:
            raise DomainError(
                gettext("该提议已由他人办理（%(state)s），请刷新页面。")
                % {"state": current.get_state_display()}
            )
        if pilot.state not in OPEN_STATES:
            return perform_transition(
                DisqualificationProposal,
                current.pk,
                "lapse",
                by=by,
                reason=reason,
                changes=_decided(by, reason),
                data={"pilot_state": pilot.state},
            )
        if decision == "confirm":
            proposal = perform_transition(
                DisqualificationProposal,
                current.pk,
                "confirm",
                by=by,
                reason=reason,
                changes=_decided(by, reason),
            )
            perform_transition(
                Pilot, pilot.pk, "disqualify", by=by, reason=reason, data={"proposal": proposal.pk}
            )
            transaction.on_commit(lambda: _tell_the_pilot(pilot, confirmed=True, reason=reason))
            return proposal

        def grant(obj):
            _decided(by, reason)(obj)
            obj.extended_to = extended_to

        proposal = perform_transition(
            DisqualificationProposal,
            current.pk,
            "extend",
            by=by,
            reason=reason,
            changes=grant,
            data={"extended_to": extended_to.isoformat()},
        )
        previous = pilot.construction_end
        pilot.construction_extended_to = extended_to
        pilot.save(update_fields=["construction_extended_to"])
        record(
            pilot,
            actor=by,
            action="extend_construction",
            label=gettext_noop("准予延长建设期"),
            reason=reason,
            data={"from": previous.isoformat(), "to": extended_to.isoformat(), "proposal": proposal.pk},
        )
        transaction.on_commit(lambda: _tell_the_pilot(pilot, confirmed=False, reason=reason, to=extended_to))
        return proposal


def _decided(by, reason):
    def set_fields(obj: DisqualificationProposal) -> None:
        obj.reason = reason
        obj.decided_by = by
        obj.decided_at = timezone.now()

    return set_fields


def _tell_the_pilot(pilot: Pilot, *, confirmed: bool, reason: str, to=None) -> None:
    with translation.override("zh-hans"):
        if confirmed:
            title = gettext("贵单位建设期满未通过验收，已被取消试点资格")
        else:
            title = gettext("贵单位建设期已准予延长至%(date)s") % {"date": chinese_date(to)}
        recipients = pilot_staff(pilot) + pilot_city_officers(pilot)
        notify(
            recipients,
            kind="pilots.disqualification_decided",
            title=title,
            body=reason,
            url=reverse("pilots:detail", args=[pilot.pk]),
        )
