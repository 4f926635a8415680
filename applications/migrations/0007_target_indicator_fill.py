"""Step 2 of 3: each target's key set from its former code (same codes in the catalogue). The set for
application targets is in use once a target exists: it is frozen then."""

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorSet = apps.get_model("indicators", "IndicatorSet")
    ApplicationTarget = apps.get_model("applications", "ApplicationTarget")
    by_code = {i.code: i.pk for i in Indicator.objects.all()}
    codes = set(ApplicationTarget.objects.values_list("indicator_code", flat=True))
    unknown = codes - set(by_code)
    if unknown:
        raise RuntimeError(f"Indicator codes not in the catalogue: {sorted(unknown)}")
    for code in codes:
        ApplicationTarget.objects.filter(indicator_code=code).update(indicator_id=by_code[code])
    if codes:
        IndicatorSet.objects.filter(purpose="application_targets", frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )


def backward(apps, schema_editor):
    ApplicationTarget = apps.get_model("applications", "ApplicationTarget")
    for target in ApplicationTarget.objects.select_related("indicator"):
        target.indicator_code = target.indicator.code
        target.save(update_fields=["indicator_code"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_target_indicator_fk")]

    operations = [migrations.RunPython(forward, backward)]
