"""The indicator set offered to construction plans (建设方案目标指标 v1): the catalogue's entries except
其他 (a plan's target is always a catalogue indicator, so that the ledger can be compared across pilots)."""

from django.db import migrations

SET_NAME = "建设方案目标指标"


def create(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorSet = apps.get_model("indicators", "IndicatorSet")
    IndicatorSetItem = apps.get_model("indicators", "IndicatorSetItem")
    indicator_set, created = IndicatorSet.objects.get_or_create(
        purpose="plan", version=1, defaults={"name": SET_NAME}
    )
    if not created:
        return
    for order, indicator in enumerate(Indicator.objects.exclude(code="other").order_by("pk")):
        IndicatorSetItem.objects.create(indicator_set=indicator_set, indicator=indicator, order=order)


def remove(apps, schema_editor):
    apps.get_model("indicators", "IndicatorSet").objects.filter(purpose="plan", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("indicators", "0002_application_target_set")]
    operations = [migrations.RunPython(create, remove)]
