"""`Application.factor_set` points to `carbon.EmissionFactorSet` (the model moved from `reports`).

State only: the column `factor_set_id` and its foreign key constraint already reference the table the
model keeps (`reports_emissionfactorset`), so the database is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_attachment_content_type_length"),
        ("carbon", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="factor_set",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="carbon.emissionfactorset",
                        verbose_name="排放因子集",
                    ),
                ),
            ],
        ),
    ]
