"""The rules of awards: each refusal leaves the rows, the audit trail and the inbox as they were; each
write is audited as `awards.*` and tells the pilot after the commit."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from awards import services
from awards.models import Award, AwardCap, Instalment
from core.models import AuditEntry, Notification
from organisations.models import Role
from pilots.models import Pilot

from ..factories import member
from ..helpers import audit_for, not_permitted, refused
from .conftest import BASIS_DATE, CAPS_FROM, accepted, award

pytestmark = pytest.mark.django_db


# Recording an award -----------------------------------------------------------------------------------
def test_award_recorded_audited_and_pilot_told_after_commit(
    pilot, caps, finance, applicant_county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        recorded = award(pilot, finance, amount="200", basis=" 陕财办资环[2025]12号 ")
    assert callbacks  # the e-mail is queued after the commit, not before
    recorded.refresh_from_db()
    assert (recorded.amount, recorded.basis_number) == (Decimal("200.00"), "陕财办资环〔2025〕12号")
    entry = audit_for(recorded).get()
    assert (entry.action, entry.actor_id) == ("awards.award.record", finance.pk)
    assert entry.data["cap"] == "500.00"
    notice = Notification.objects.get(recipient=applicant_county)
    assert notice.kind == "awards.award_recorded"
    assert "200" in notice.title and "陕财办资环〔2025〕12号" in notice.title
    assert [m.to for m in mail.outbox] == [[applicant_county.email]]


@pytest.mark.parametrize("state", [s for s in Pilot.State.values if s != Pilot.State.ACCEPTED])
def test_pilot_not_accepted_refused(shiquan, caps, finance, state):
    pilot = accepted(shiquan)
    Pilot.objects.filter(pk=pilot.pk).update(state=state)
    with refused(pilot, code="not_accepted", match="已通过验收（命名）"):
        award(pilot, finance)
    assert not Award.objects.exists()


def test_cap_counts_every_award_of_the_pilot(pilot, caps, finance):
    award(pilot, finance, amount="300", basis="陕财办资环〔2025〕12号")
    award(pilot, finance, amount="200", basis="陕财办资环〔2025〕30号")  # 500: exactly the cap
    with refused(pilot, code="cap", match="超过上限500.00万元"):
        award(pilot, finance, amount="0.01", basis="陕财办资环〔2025〕31号")
    assert Award.objects.filter(pilot=pilot).count() == 2


def test_cap_of_the_pilots_type(park_pilot, caps, finance):
    with refused(park_pilot, code="cap", match="上限300.00万元"):
        award(park_pilot, finance, amount="300.01")
    award(park_pilot, finance, amount="300")


def test_grade_cap_wins_and_the_cap_in_force_on_the_documents_date(pilot, park_pilot, caps, finance):
    services.cap_set(
        pilot_type="park", grade="excellent", amount=Decimal("400"), effective_from=CAPS_FROM, by=finance
    )
    services.cap_set(pilot_type="county", amount=Decimal("100"), effective_from=BASIS_DATE, by=finance)
    award(park_pilot, finance, amount="400")  # 优秀 park: 400, not the park cap of 300
    with refused(pilot, code="cap", match="上限100.00万元"):  # the new county cap, from the document's date
        award(pilot, finance, amount="150")
    award(pilot, finance, amount="150", basis_date=BASIS_DATE - datetime.timedelta(days=1))  # the old 500


def test_no_cap_in_force_refused(pilot, finance):
    with refused(pilot, code="cap", match="请先设定奖补上限"):
        award(pilot, finance)


def test_same_basis_twice_refused_even_typed_differently(pilot, park_pilot, caps, finance):
    award(pilot, finance, amount="100", basis="陕财办资环〔2025〕12号")
    with refused(pilot, code="duplicate", match="同一文件不能重复登记"):
        award(pilot, finance, amount="100", basis="陕财办资环 [2025] 12号")
    award(park_pilot, finance, amount="100", basis="陕财办资环〔2025〕12号")  # one document, several pilots


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"basis": "  "}, "basis"),
        ({"basis_date": timezone.localdate() + datetime.timedelta(days=1)}, "date"),
        ({"fund_source": "other"}, "fund_source"),
        ({"basis_date": datetime.date(2025, 5, 19)}, "date"),  # before the pilot was named (20 May)
    ],
)
def test_bad_input_refused(pilot, caps, finance, fields, code):
    with refused(pilot, code=code):
        award(pilot, finance, **fields)


def test_other_fund_source_named(pilot, caps, finance):
    recorded = award(pilot, finance, fund_source="other", fund_source_other="市级配套资金")
    assert recorded.fund_source_label == "市级配套资金"


@pytest.mark.parametrize("who", ["province", "drc", "city_ankang", "applicant_county", "expert"])
def test_only_finance_records(request, pilot, caps, who):
    user = request.getfixturevalue(who)
    with not_permitted(pilot):
        award(pilot, user)


# Instalments ------------------------------------------------------------------------------------------
@pytest.fixture
def recorded(pilot, caps, finance):
    return award(pilot, finance, amount="300")


def test_instalments_never_exceed_the_award(recorded, finance):
    first = services.instalment_plan(
        award=recorded, amount=Decimal("180"), planned_date=BASIS_DATE, by=finance
    )
    assert first.number == 1
    with refused(recorded, code="over_award", match="超过奖补金额300.00万元"):
        services.instalment_plan(
            award=recorded, amount=Decimal("120.01"), planned_date=BASIS_DATE, by=finance
        )
    second = services.instalment_plan(
        award=recorded, amount=Decimal("120"), planned_date=BASIS_DATE, by=finance
    )
    assert second.number == 2
    assert audit_for(second).get().action == "awards.instalment.plan"


def test_cancelled_instalment_frees_its_amount(recorded, finance):
    instalment = services.instalment_plan(
        award=recorded, amount=Decimal("300"), planned_date=BASIS_DATE, by=finance
    )
    with refused(instalment, code="reason_required"):
        services.instalment_cancel(instalment=instalment, reason=" ", by=finance)
    services.instalment_cancel(instalment=instalment, reason="预算调整，改为两期拨付。", by=finance)
    instalment.refresh_from_db()
    assert (instalment.state, instalment.cancelled_on) == ("cancelled", timezone.localdate())
    again = services.instalment_plan(
        award=recorded, amount=Decimal("300"), planned_date=BASIS_DATE, by=finance
    )
    assert again.number == 2  # numbers are never reused
    with refused(instalment, code="state", match="当前状态为"):
        services.instalment_disburse(
            instalment=instalment, disbursed_on=BASIS_DATE, payment_document="陕财拨〔2025〕1号", by=finance
        )


def test_disbursement_recorded_and_pilot_told(
    recorded, finance, applicant_county, django_capture_on_commit_callbacks
):
    instalment = services.instalment_plan(
        award=recorded, amount=Decimal("180"), planned_date=BASIS_DATE, by=finance
    )
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.instalment_disburse(
            instalment=instalment,
            disbursed_on=datetime.date(2025, 7, 15),
            payment_document="陕财资环拨〔2025〕8号",
            by=finance,
        )
    instalment.refresh_from_db()
    assert (instalment.state, instalment.disbursed_on, instalment.payment_document) == (
        "disbursed",
        datetime.date(2025, 7, 15),
        "陕财资环拨〔2025〕8号",
    )
    entry = audit_for(instalment).filter(action="awards.instalment.disburse").get()
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("planned", "disbursed", finance.pk)
    assert entry.data["payment_document"] == "陕财资环拨〔2025〕8号"
    notice = Notification.objects.get(recipient=applicant_county)
    assert notice.kind == "awards.instalment_disbursed" and "180" in notice.title
    assert len(mail.outbox) == 1
    recorded.refresh_from_db()
    assert recorded.status == "partial"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"payment_document": ""}, "payment_document"),
        ({"disbursed_on": timezone.localdate() + datetime.timedelta(days=1)}, "date"),
    ],
)
def test_disbursement_needs_a_document_and_a_past_date(recorded, finance, fields, code):
    instalment = services.instalment_plan(
        award=recorded, amount=Decimal("100"), planned_date=BASIS_DATE, by=finance
    )
    values = {"disbursed_on": BASIS_DATE, "payment_document": "陕财拨〔2025〕1号", **fields}
    with refused(instalment, code=code):
        services.instalment_disburse(instalment=instalment, by=finance, **values)


@pytest.mark.parametrize("who", ["province", "city_ankang", "applicant_county"])
def test_only_finance_plans_disburses_cancels(request, recorded, finance, who):
    user = request.getfixturevalue(who)
    instalment = services.instalment_plan(
        award=recorded, amount=Decimal("100"), planned_date=BASIS_DATE, by=finance
    )
    with not_permitted(recorded):
        services.instalment_plan(award=recorded, amount=Decimal("10"), planned_date=BASIS_DATE, by=user)
    with not_permitted(instalment):
        services.instalment_disburse(
            instalment=instalment, disbursed_on=BASIS_DATE, payment_document="陕财拨〔2025〕1号", by=user
        )
    with not_permitted(instalment):
        services.instalment_cancel(instalment=instalment, reason="不需要", by=user)
    assert Instalment.objects.get().state == "planned"


# Caps ------------------------------------------------------------------------------------------------
def test_cap_change_is_a_new_audited_row(caps, finance):
    new = services.cap_set(
        pilot_type="county",
        amount=Decimal("600"),
        effective_from=datetime.date(2026, 1, 1),
        by=finance,
        note="陕财办资环〔2025〕40号",
    )
    assert AwardCap.objects.filter(pilot_type="county").count() == 2
    entry = audit_for(new).get()
    assert (entry.action, entry.data["amount"]) == ("awards.awardcap.set", "600.00")
    with refused(new, code="duplicate"):
        services.cap_set(
            pilot_type="county", amount=Decimal("700"), effective_from=datetime.date(2026, 1, 1), by=finance
        )


@pytest.mark.parametrize("who", ["province", "city_ankang", "applicant_county"])
def test_only_finance_sets_caps(request, db, who):
    user = request.getfixturevalue(who)
    before = AuditEntry.objects.count()
    with pytest.raises(services.ActionNotPermitted):
        services.cap_set(pilot_type="county", amount=Decimal("1"), effective_from=CAPS_FROM, by=user)
    assert not AwardCap.objects.exists() and AuditEntry.objects.count() == before


def test_second_finance_officer_acts_too(pilot, caps, db):
    from organisations.models import Organisation

    from ..factories import department

    other = member(Role.FINANCE_OFFICER, department(Organisation.Kind.PROVINCE_FINANCE))
    assert award(pilot, other).recorded_by == other
