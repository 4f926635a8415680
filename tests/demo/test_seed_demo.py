"""`manage.py seed_demo` fills an empty database with something in every stage, through the services."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Application, Batch
from core.models import AuditEntry
from pilots.models import Pilot
from reports.models import AnnualReport


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_covers_every_stage_and_is_idempotent():
    assert not Application.objects.exists()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue()

    application_states = set(Application.objects.values_list("state", flat=True))
    assert application_states == set(Application.State.values)
    assert set(Pilot.objects.values_list("state", flat=True)) == set(Pilot.State.values)
    assert set(AnnualReport.objects.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "received",
    }
    # Annual reports over three years: some submitted late, received ones evaluated, the 2026 ones drafts.
    from reports.models import ReportEvaluation

    assert AnnualReport.objects.filter(is_late=True).exists()
    assert ReportEvaluation.objects.exists()
    assert set(AnnualReport.objects.filter(year=2026).values_list("state", flat=True)) == {"draft"}
    assert {2023, 2024, 2025} <= set(AnnualReport.objects.values_list("year", flat=True))
    # Every selected application became a pilot, and the stages left an audit trail.
    assert Pilot.objects.count() == Application.objects.filter(state=Application.State.SELECTED).count()
    assert (
        AuditEntry.objects.filter(action="applications.application.select").count() == Pilot.objects.count()
    )
    assert Batch.objects.filter(state=Batch.State.PUBLISHED).count() == 1
    assert Batch.objects.filter(state=Batch.State.PUBLICITY).count() == 1
    # The joint decision in every state: a proposal waiting for the finance department (its to-do), and
    # one returned by it, revised and confirmed.
    from reviews.models import ReviewRound, SelectionDecision
    from reviews.selectors import decision_counts

    waiting = [
        r
        for r in ReviewRound.objects.filter(purpose="selection")
        if decision_counts(r)["awaiting_confirmation"]
    ]
    assert [r.name for r in waiting] == ["近零碳县（区）专项遴选评审"]
    kinds = set(SelectionDecision.objects.values_list("kind", flat=True))
    assert kinds == {"propose", "confirm", "return"}
    # Expert review: a round being scored (tasks in every state) and a decided one, with conflicts.
    from reviews.models import Conflict, Declaration, Objection, ReviewAssignment, ReviewRound

    assert set(ReviewRound.objects.values_list("state", flat=True)) >= {"scoring", "decided"}
    assert set(ReviewAssignment.objects.values_list("state", flat=True)) >= {
        "assigned",
        "accepted",
        "submitted",
    }
    assert (
        Conflict.objects.filter(source="declared").exists()
        and Conflict.objects.filter(source="rule").exists()
    )
    assert Declaration.objects.exists() and Objection.objects.filter(outcome="pending").exists()

    # The disqualification clock's run of 2 January 2026: most first-batch pilots extended to the end of
    # 2026 by the province, two still waiting for its decision; none proposed twice.
    from pilots.models import DisqualificationProposal

    proposals = DisqualificationProposal.objects.select_related("pilot__organisation")
    assert set(proposals.values_list("state", flat=True)) == {"pending", "extended"}
    assert sorted(p.pilot.organisation.name for p in proposals.filter(state="pending")) == sorted(
        ["神木市人民政府", "杨凌农业高新技术产业示范区管委会"]
    )
    assert not proposals.filter(
        pilot__state__in=["accepted", "disqualified", "in_acceptance_review"]
    ).exists()
    extended = proposals.filter(state="extended")
    assert extended.exists() and {p.pilot.construction_end for p in extended} == {datetime.date(2026, 12, 31)}

    counts = (Application.objects.count(), Pilot.objects.count(), AnnualReport.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert (Application.objects.count(), Pilot.objects.count(), AnnualReport.objects.count()) == counts
