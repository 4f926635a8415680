"""Step 3 of 3: the former code column goes, the key to the catalogue is required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_target_indicator_fill")]

    operations = [
        migrations.RemoveField(model_name="applicationtarget", name="indicator_code"),
        migrations.AlterField(
            model_name="applicationtarget",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="application_targets",
                to="indicators.indicator",
                verbose_name="指标",
            ),
        ),
    ]
