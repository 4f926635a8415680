"""ApplicationTarget.indicator becomes a key to the indicator catalogue (step 1 of 3): the code column
is kept as indicator_code while a nullable key is added beside it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_attachment_content_type_length"),
        ("indicators", "0002_application_target_set"),
    ]

    operations = [
        migrations.RenameField(model_name="applicationtarget", old_name="indicator", new_name="indicator_code"),
        migrations.AddField(
            model_name="applicationtarget",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="application_targets",
                to="indicators.indicator",
                verbose_name="指标",
            ),
        ),
    ]
