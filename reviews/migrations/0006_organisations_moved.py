"""An expert's organisation, county and city point to the `organisations` app (the models moved from
`pilots`, issue 9).

State only: the columns and their foreign key constraints already reference the tables the models keep
(`pilots_organisation`, `pilots_division`, `pilots_reviewunit`), so the database is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_selection_decisions"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="expert",
                    name="employer_organisation",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="如专家就职于某申报单位或技术服务机构，用于利益冲突判断",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="工作单位（平台内组织）",
                    ),
                ),
                migrations.AlterField(
                    model_name="expert",
                    name="division",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.division",
                        verbose_name="所在县（市、区）",
                    ),
                ),
                migrations.AlterField(
                    model_name="expert",
                    name="review_unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.reviewunit",
                        verbose_name="所在市（区）",
                    ),
                ),
            ],
        ),
    ]
