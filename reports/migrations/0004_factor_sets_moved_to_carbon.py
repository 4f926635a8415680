"""`EmissionFactorSet` and `FuelFactor` now belong to `carbon` (see carbon/migrations/0001_initial.py).

They leave the state of `reports` only: the tables and their rows stay, now owned by `carbon`. The
content types are handed over too, so that the admin permissions granted on the factor sets and the
admin log entries about them follow the models.
"""

from django.db import migrations

MODELS = ("emissionfactorset", "fuelfactor")


def hand_over_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="carbon", model=model).exists():
            ContentType.objects.filter(app_label="reports", model=model).update(app_label="carbon")


def take_back_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="reports", model=model).exists():
            ContentType.objects.filter(app_label="carbon", model=model).update(app_label="reports")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0003_emission_factor_data"),
        ("carbon", "0001_initial"),
        # Application.factor_set must point to carbon before the model leaves reports' state.
        ("applications", "0006_factor_set_in_carbon"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="FuelFactor"),
                migrations.DeleteModel(name="EmissionFactorSet"),
            ],
        ),
        migrations.RunPython(hand_over_content_types, take_back_content_types),
    ]
