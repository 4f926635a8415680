"""The shared review engine's data migration (reviews 0008, issue 9): rows written before review items
existed (assignments on an application or a pilot, conflicts and objections on an application) point at
the item of their subject afterwards, and every selection round has an item for each application of its
batch that it reviewed. The test runs the real migrations backwards to reviews 0006, writes the rows
through the historical models, migrates forward again and reads them back. It runs inside the test's
transaction, so the test database is left as it was."""

import datetime

import pytest

from ..factories import county
from ..migration_helpers import latest, migrate
from .officer_setup import HANYIN, LANTIAN, SHIQUAN

pytestmark = pytest.mark.django_db

# pilots 0004 (the local approval moved to plans) is applied before and after: the state must say so.
BEFORE_ITEMS = [
    ("reviews", "0006_organisations_moved"),
    ("pilots", "0004_remove_pilot_plan_local_approval_body_and_more"),
]


def test_assignments_conflicts_and_objections_point_at_their_subjects_items_after_the_migration():
    shiquan, lantian, hanyin = county(SHIQUAN).pk, county(LANTIAN).pk, county(HANYIN).pk
    old = migrate(BEFORE_ITEMS)
    with pytest.raises(LookupError):
        old.get_model("reviews", "ReviewItem")
    User = old.get_model("core", "User")
    Batch = old.get_model("applications", "Batch")
    Application = old.get_model("applications", "Application")
    Pilot = old.get_model("pilots", "Pilot")
    Round = old.get_model("reviews", "ReviewRound")
    Assignment = old.get_model("reviews", "ReviewAssignment")
    Conflict = old.get_model("reviews", "Conflict")
    Objection = old.get_model("reviews", "Objection")

    officer, expert, colleague = (User.objects.create(username=f"migration-{n}") for n in range(3))
    batch = Batch.objects.create(name="迁移测试批次", year=2031)
    reviewed = Application.objects.create(batch=batch, organisation_id=shiquan, state="in_publicity")
    unassigned = Application.objects.create(batch=batch, organisation_id=lantian, state="in_expert_review")
    draft = Application.objects.create(batch=batch, organisation_id=hanyin, state="draft")
    pilot = Pilot.objects.create(batch=batch, organisation_id=lantian, state="in_acceptance_review")
    selection = Round.objects.create(name="遴选", purpose="selection", batch=batch, state="decided")
    acceptance = Round.objects.create(name="验收", purpose="acceptance", batch=batch, state="scoring")
    on_application = Assignment.objects.create(
        round=selection, expert=expert, application=reviewed, state="submitted", version=1
    )
    declined = Assignment.objects.create(
        round=selection, expert=colleague, application=reviewed, state="declined"
    )
    on_pilot = Assignment.objects.create(round=acceptance, expert=expert, pilot=pilot, state="accepted")
    conflict = Conflict.objects.create(
        round=selection, expert=colleague, application=reviewed, kind="relative", source="declared"
    )
    objection = Objection.objects.create(
        application=reviewed,
        received_on=datetime.date(2031, 10, 9),
        objector="某单位",
        contact="13900000000",
        content="异议内容",
        recorded_by=officer,
    )

    new = migrate(latest())

    Item = new.get_model("reviews", "ReviewItem")
    NewAssignment = new.get_model("reviews", "ReviewAssignment")
    # The selection round's items: each application it reviewed, assigned or not; never the draft.
    assert set(Item.objects.filter(round_id=selection.pk).values_list("application_id", "pilot_id")) == {
        (reviewed.pk, None),
        (unassigned.pk, None),
    }
    assert not Item.objects.filter(application_id=draft.pk).exists()
    # The acceptance round's item: the pilot its assignment was on.
    assert list(Item.objects.filter(round_id=acceptance.pk).values_list("application_id", "pilot_id")) == [
        (None, pilot.pk)
    ]
    reviewed_item = Item.objects.get(round_id=selection.pk, application_id=reviewed.pk)
    pilot_item = Item.objects.get(round_id=acceptance.pk, pilot_id=pilot.pk)
    assignments = dict(NewAssignment.objects.values_list("pk", "item_id"))
    assert assignments == {
        on_application.pk: reviewed_item.pk,
        declined.pk: reviewed_item.pk,
        on_pilot.pk: pilot_item.pk,
    }
    kept = NewAssignment.objects.get(pk=on_application.pk)
    assert (kept.state, kept.version, kept.expert_id) == ("submitted", 1, expert.pk)
    assert new.get_model("reviews", "Conflict").objects.get(pk=conflict.pk).item_id == reviewed_item.pk
    assert new.get_model("reviews", "Objection").objects.get(pk=objection.pk).item_id == reviewed_item.pk
    # The old keys are gone from the models.
    for model in ("ReviewAssignment", "Conflict", "Objection"):
        names = {f.name for f in new.get_model("reviews", model)._meta.get_fields()}
        assert "item" in names and "application" not in names and "pilot" not in names
