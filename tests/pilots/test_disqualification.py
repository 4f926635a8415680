"""The disqualification clock (pilots.disqualification): at the end of a construction period, every pilot
not accepted is proposed once, by the system actor; only a provincial officer's decision takes the title
away, or grants an extension after which the clock runs again."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.actors import system_user
from core.errors import DomainError
from core.models import AuditEntry, Notification
from core.tasks import send_deadline_reminders
from pilots.disqualification import disqualification_decide, disqualification_proposals
from pilots.models import DisqualificationProposal, Pilot
from pilots.tasks import propose_disqualifications

from .. import export_checks
from ..factories import BatchFactory, PilotFactory, county

pytestmark = pytest.mark.django_db
END = datetime.date(2025, 12, 31)
P = DisqualificationProposal.State


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


@pytest.fixture
def pilots(db):
    batch = BatchFactory(state="published", construction_end=END)
    return {
        "building": PilotFactory(batch=batch, organisation=county("610922"), state=Pilot.State.IMPLEMENTING),
        "failed": PilotFactory(
            batch=batch, organisation=county("610122"), state=Pilot.State.ACCEPTANCE_FAILED
        ),
        "accepted": PilotFactory(
            batch=batch, organisation=county("610423"), state=Pilot.State.ACCEPTED, acceptance_grade="passed"
        ),
    }


def proposals():
    return {(p.pilot_id, p.period_end, p.state) for p in DisqualificationProposal.objects.all()}


def test_nothing_is_proposed_on_the_last_day_of_the_period(pilots):
    assert disqualification_proposals(today=END) == 0
    assert not DisqualificationProposal.objects.exists()


def test_every_pilot_not_accepted_is_proposed_once_by_the_system(
    pilots, province, django_capture_on_commit_callbacks
):
    with at(END + datetime.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert disqualification_proposals(today=timezone.localdate()) == 2
        # A second run the same day, the task, the daily beat and a later day: nothing twice.
        assert propose_disqualifications.apply().get() == 0
        send_deadline_reminders.apply().get()
    assert disqualification_proposals(today=END + datetime.timedelta(days=40)) == 0
    assert proposals() == {
        (pilots["building"].pk, END, P.PENDING),
        (pilots["failed"].pk, END, P.PENDING),
    }
    entries = AuditEntry.objects.filter(action="pilots.disqualificationproposal.propose")
    assert entries.count() == 2
    assert {e.actor_id for e in entries} == {system_user().pk}
    assert all(e.data["rule"] == "pilots.construction_period_ended" for e in entries)
    # The clock proposes; it never disqualifies.
    assert not Pilot.objects.filter(state=Pilot.State.DISQUALIFIED).exists()
    # The province is told once, with both names.
    notices = Notification.objects.filter(recipient=province, kind="pilots.disqualification_proposed")
    assert notices.count() == 1
    assert "石泉县" in notices.get().title and "蓝田县" in notices.get().title


def test_a_run_missed_for_weeks_still_proposes_across_the_year_boundary(pilots):
    assert disqualification_proposals(today=datetime.date(2026, 2, 3)) == 2
    assert {p.proposed_on for p in DisqualificationProposal.objects.all()} == {datetime.date(2026, 2, 3)}


def test_confirmation_disqualifies_the_pilot_with_the_reason_and_the_decision_row(pilots, province):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["building"])
    with at(datetime.date(2026, 1, 10)):
        disqualification_decide(
            proposal=proposal,
            by=province,
            decision="confirm",
            reason="建设期满，重点项目未完成，未申请验收。",
        )
    proposal.refresh_from_db()
    pilot = Pilot.objects.get(pk=pilots["building"].pk)
    assert (proposal.state, proposal.decided_by, proposal.reason) == (
        P.CONFIRMED,
        province,
        "建设期满，重点项目未完成，未申请验收。",
    )
    assert pilot.state == Pilot.State.DISQUALIFIED
    entry = AuditEntry.objects.get(action="pilots.pilot.disqualify", object_id=str(pilot.pk))
    assert entry.actor == province and entry.data["proposal"] == proposal.pk
    assert pilot.public_status == "已取消试点资格"


def test_an_extension_moves_the_period_and_the_clock_runs_again_after_it(pilots, province):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["failed"])
    new_end = datetime.date(2026, 6, 30)
    disqualification_decide(
        proposal=proposal,
        by=province,
        decision="extend",
        reason="验收整改中，准予延期半年。",
        extended_to=new_end,
    )
    pilot = Pilot.objects.get(pk=pilots["failed"].pk)
    assert pilot.construction_end == new_end
    assert pilot.state == Pilot.State.ACCEPTANCE_FAILED
    assert AuditEntry.objects.filter(
        action="pilots.pilot.extend_construction", object_id=str(pilot.pk)
    ).exists()
    # Within the extension: nothing; after it: one new proposal for the new end.
    assert disqualification_proposals(today=new_end) == 0
    assert disqualification_proposals(today=new_end + datetime.timedelta(days=1)) == 1
    assert (pilot.pk, new_end, P.PENDING) in proposals()
    assert (pilot.pk, END, P.EXTENDED) in proposals()


@pytest.mark.parametrize(
    ("decision", "extended_to", "message"),
    [
        ("extend", None, "准予延期须填写延至日期"),
        ("extend", END, "延至日期须晚于原建设期截止日期"),
        ("maybe", None, "请选择确认取消资格或准予延期"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(pilots, province, decision, extended_to, message):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["building"])
    with pytest.raises(DomainError, match=message):
        disqualification_decide(
            proposal=proposal, by=province, decision=decision, reason="理由", extended_to=extended_to
        )
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.PENDING


def test_only_the_province_decides(pilots, personas):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["building"])
    for name, user in personas.items():
        if name == "province":
            continue
        with pytest.raises(DomainError):  # ActionNotPermitted is a DomainError
            disqualification_decide(proposal=proposal, by=user, decision="confirm", reason="理由")
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.PENDING
    assert Pilot.objects.get(pk=pilots["building"].pk).state == Pilot.State.IMPLEMENTING


def test_a_proposal_whose_pilot_was_accepted_meanwhile_lapses(pilots, province):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["failed"])
    Pilot.objects.filter(pk=pilots["failed"].pk).update(state=Pilot.State.ACCEPTED, acceptance_grade="passed")
    disqualification_decide(proposal=proposal, by=province, decision="confirm", reason="复核")
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.LAPSED
    assert Pilot.objects.get(pk=pilots["failed"].pk).state == Pilot.State.ACCEPTED


def test_the_second_of_two_decisions_is_told_it_was_taken(pilots, province):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilots["building"])
    disqualification_decide(proposal=proposal, by=province, decision="confirm", reason="建设期满")
    with pytest.raises(DomainError, match="该提议已由他人办理"):
        disqualification_decide(
            proposal=proposal,
            by=province,
            decision="extend",
            reason="延期",
            extended_to=datetime.date(2026, 6, 30),
        )


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_one_wins(province):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    batch = BatchFactory(state="published", construction_end=END)
    pilot = PilotFactory(batch=batch, organisation=county("610922"), state=Pilot.State.IMPLEMENTING)
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.get(pilot=pilot)
    outcomes, barrier = [], threading.Barrier(2)

    def decide(decision, extended_to):
        barrier.wait()
        try:
            disqualification_decide(
                proposal=proposal, by=province, decision=decision, reason="理由", extended_to=extended_to
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("confirm", None)),
        threading.Thread(target=decide, args=("extend", datetime.date(2026, 6, 30))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "ok" and "已由他人办理" in sorted(outcomes)[1]
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state in (P.CONFIRMED, P.EXTENDED)


def test_the_pages_list_filter_export_and_decide_keeping_what_was_typed(pilots, province, client_for):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    client = client_for(province)
    page = client.get(reverse("pilots:disqualification_list")).text
    assert "石泉县人民政府" in page and "蓝田县人民政府" in page
    assert "宁陕县" not in page
    # Filtered export: typed cells, the filter applied.
    response = client.get(reverse("pilots:disqualification_list"), {"state": "pending", "export": "xlsx"})
    table = export_checks.read_response(response)["取消资格提议"]
    export_checks.assert_well_formed(table, sheet="取消资格提议", title_contains="建设期满未通过验收")
    assert sorted(table.column("试点单位")) == sorted(["石泉县人民政府", "蓝田县人民政府"])
    assert {d.date() for d in table.column("建设期截止日期")} == {END}
    assert set(table.column("状态")) == {"待决定"}
    # The filter applies to the export: nothing confirmed yet.
    confirmed = client.get(reverse("pilots:disqualification_list"), {"state": "confirmed", "export": "xlsx"})
    assert export_checks.read_response(confirmed)["取消资格提议"].rows == []
    proposal = DisqualificationProposal.objects.get(pilot=pilots["building"])
    url = reverse("pilots:disqualification_detail", args=[proposal.pk])
    # An extension without a date: the form comes back with the reason typed and the message.
    response = client.post(url, {"decision": "extend", "reason": "正在整改，申请延期三个月"})
    assert response.status_code == 422
    assert "正在整改，申请延期三个月" in response.text and "准予延期须填写延至日期" in response.text
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.PENDING
    response = client.post(url, {"decision": "confirm", "reason": "建设期满未申请验收"}, follow=True)
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.CONFIRMED
    assert "建设期满未申请验收" in response.text


def test_other_roles_get_404_on_the_pages(pilots, personas, client_for):
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    proposal = DisqualificationProposal.objects.first()
    for name, user in personas.items():
        if name == "province":
            continue
        client = client_for(user)
        assert client.get(reverse("pilots:disqualification_list")).status_code == 404, name
        assert client.get(reverse("pilots:disqualification_detail", args=[proposal.pk])).status_code == 404, (
            name
        )
        client.post(
            reverse("pilots:disqualification_detail", args=[proposal.pk]),
            {"decision": "confirm", "reason": "x"},
        )
    assert DisqualificationProposal.objects.get(pk=proposal.pk).state == P.PENDING


def test_the_province_s_dashboard_counts_the_pending_proposals(pilots, province):
    from dashboard.selectors import dashboard_for

    def pending_task():
        return next((t for t in dashboard_for(province).tasks if t.key == "disqualifications"), None)

    assert pending_task() is None
    disqualification_proposals(today=datetime.date(2026, 1, 5))
    assert pending_task().count == DisqualificationProposal.objects.filter(state=P.PENDING).count() == 2
    disqualification_decide(
        proposal=DisqualificationProposal.objects.get(pilot=pilots["building"]),
        by=province,
        decision="confirm",
        reason="建设期满",
    )
    assert pending_task().count == 1
