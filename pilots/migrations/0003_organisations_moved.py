"""Divisions, review units, organisations and memberships now belong to `organisations` (see
organisations/migrations/0001_initial.py, issue 9).

They leave the state of `pilots` only: the tables and their rows stay, now owned by `organisations`.
`Pilot.organisation` and `Pilot.delegated_agencies` are re-pointed first (state only: their columns and
constraints already reference `pilots_organisation`). The content types are handed over too, so that
the admin permissions granted on these models and the admin log entries about them follow the models.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("division", "reviewunit", "organisation", "membership")


def hand_over_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="organisations", model=model).exists():
            ContentType.objects.filter(app_label="pilots", model=model).update(app_label="organisations")


def take_back_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="pilots", model=model).exists():
            ContentType.objects.filter(app_label="organisations", model=model).update(app_label="pilots")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pilots", "0002_reference_data"),
        ("organisations", "0001_initial"),
        # Every foreign key must point to organisations before the models leave pilots' state.
        ("applications", "0010_organisations_moved"),
        ("reviews", "0006_organisations_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="pilot",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pilots",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="pilot",
                    name="delegated_agencies",
                    field=models.ManyToManyField(
                        blank=True,
                        limit_choices_to={"kind": "agency"},
                        related_name="delegated_pilots",
                        to="organisations.organisation",
                        verbose_name="委托技术服务机构",
                    ),
                ),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Organisation"),
                migrations.DeleteModel(name="ReviewUnit"),
                migrations.DeleteModel(name="Division"),
            ],
        ),
        migrations.RunPython(hand_over_content_types, take_back_content_types),
    ]
