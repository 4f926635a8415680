"""The foreign keys to organisations and review units point to the `organisations` app (the models
moved from `pilots`, issue 9).

State only: the columns and their foreign key constraints already reference the tables the models keep
(`pilots_organisation`, `pilots_reviewunit`), so the database is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_merge_carbon_and_indicators"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="organisations.organisation",
                        verbose_name="申报单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="delegated_agencies",
                    field=models.ManyToManyField(
                        blank=True,
                        limit_choices_to={"kind": "agency"},
                        related_name="delegated_applications",
                        to="organisations.organisation",
                        verbose_name="委托技术服务机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="cityforwarding",
                    name="review_unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="forwardings",
                        to="organisations.reviewunit",
                    ),
                ),
            ],
        ),
    ]
