# The shared review engine (issue 9): a review item (round + exactly one subject) to which assignments,
# conflicts and objections point. Added beside the old keys here; 0008 fills it, 0009 drops the old keys.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_organisations_moved"),
        ("applications", "0010_organisations_moved"),
        ("pilots", "0003_organisations_moved"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_items",
                        to="applications.application",
                    ),
                ),
                (
                    "pilot",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_items",
                        to="pilots.pilot",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="items", to="reviews.reviewround"
                    ),
                ),
            ],
            options={
                "verbose_name": "评审对象",
                "verbose_name_plural": "评审对象",
                "ordering": ["round", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("application__isnull", False), ("pilot__isnull", True)),
                            models.Q(("application__isnull", True), ("pilot__isnull", False)),
                            _connector="OR",
                        ),
                        name="review_item_exactly_one_subject",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("application__isnull", False)),
                        fields=("round", "application"),
                        name="one_item_per_application",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("pilot__isnull", False)),
                        fields=("round", "pilot"),
                        name="one_item_per_pilot",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="reviewassignment",
            name="item",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignments",
                to="reviews.reviewitem",
            ),
        ),
        migrations.AddField(
            model_name="conflict",
            name="item",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conflicts",
                to="reviews.reviewitem",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="item",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="objections",
                to="reviews.reviewitem",
            ),
        ),
    ]
