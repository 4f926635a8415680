"""Fill the review items (issue 9, the shared review engine): every selection round gets an item for each
application of its batch that it reviews (the set `round_items` computed before), every assignment,
conflict and objection points at the item of its subject. Reversible: backwards, the old keys are written
back from the items.

Kept in a file of its own (RunPython only) so that it can be carried over when the history is rewritten.
"""

from django.db import migrations

# The application states a selection round reviewed (reviews.services.round_items before items existed).
REVIEWED_STATES = ("in_expert_review", "reviewed", "shortlisted", "not_selected", "in_publicity", "selected")


def forwards(apps, schema_editor):
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    ReviewItem = apps.get_model("reviews", "ReviewItem")
    ReviewAssignment = apps.get_model("reviews", "ReviewAssignment")
    Conflict = apps.get_model("reviews", "Conflict")
    Objection = apps.get_model("reviews", "Objection")
    Application = apps.get_model("applications", "Application")

    items: dict[tuple, int] = {}

    def item_id(round_id, application_id=None, pilot_id=None) -> int:
        key = (round_id, application_id, pilot_id)
        if key not in items:
            items[key] = ReviewItem.objects.get_or_create(
                round_id=round_id, application_id=application_id, pilot_id=pilot_id
            )[0].pk
        return items[key]

    for review_round in ReviewRound.objects.filter(purpose="selection").order_by("pk"):
        for pk in Application.objects.filter(
            batch_id=review_round.batch_id, state__in=REVIEWED_STATES
        ).order_by("pk").values_list("pk", flat=True):
            item_id(review_round.pk, application_id=pk)
    for assignment in ReviewAssignment.objects.filter(item__isnull=True).order_by("pk"):
        assignment.item_id = item_id(assignment.round_id, assignment.application_id, assignment.pilot_id)
        assignment.save(update_fields=["item"])
    for conflict in Conflict.objects.filter(item__isnull=True).order_by("pk"):
        conflict.item_id = item_id(conflict.round_id, application_id=conflict.application_id)
        conflict.save(update_fields=["item"])
    for objection in Objection.objects.filter(item__isnull=True).select_related("application").order_by("pk"):
        review_round = (
            ReviewRound.objects.filter(batch_id=objection.application.batch_id, purpose="selection")
            .order_by("-created_at", "-pk")
            .first()
        )
        if review_round is None:  # an objection is recorded on a selection round's publicity page only
            raise RuntimeError(f"objection {objection.pk}: its batch has no selection round")
        objection.item_id = item_id(review_round.pk, application_id=objection.application_id)
        objection.save(update_fields=["item"])


def backwards(apps, schema_editor):
    ReviewAssignment = apps.get_model("reviews", "ReviewAssignment")
    Conflict = apps.get_model("reviews", "Conflict")
    Objection = apps.get_model("reviews", "Objection")
    for assignment in ReviewAssignment.objects.select_related("item"):
        assignment.application_id, assignment.pilot_id = assignment.item.application_id, assignment.item.pilot_id
        assignment.save(update_fields=["application", "pilot"])
    for model in (Conflict, Objection):
        for row in model.objects.select_related("item"):
            row.application_id = row.item.application_id
            row.save(update_fields=["application"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_review_items")]

    operations = [migrations.RunPython(forwards, backwards)]
