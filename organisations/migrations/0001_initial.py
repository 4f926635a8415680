"""The organisations foundation moves here from `pilots` without copying a row (issue 9).

The tables keep their names (`pilots_division`, `pilots_reviewunit`, `pilots_organisation`,
`pilots_membership` and the two many-to-many tables, see the models' `Meta.db_table`): this migration
only tells Django's state that the models now belong to `organisations`. On a fresh database `pilots`
0001 creates the tables and 0002 loads the reference data first; on a database migrated before the move,
the rows, keys and foreign keys pointing at them are untouched. `pilots` 0003 then removes the models
from the state of `pilots`, after `applications` and `reviews` have re-pointed their foreign keys here
(state only as well).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pilots", "0002_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Division",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=6, primary_key=True, serialize=False, verbose_name="区划代码"
                            ),
                        ),
                        ("name", models.CharField(max_length=32, verbose_name="名称")),
                        (
                            "level",
                            models.CharField(
                                choices=[("province", "省"), ("prefecture", "地级市"), ("county", "县级")],
                                max_length=16,
                                verbose_name="层级",
                            ),
                        ),
                        ("kind", models.CharField(blank=True, max_length=16, verbose_name="类别")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="organisations.division",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pilots_division",
                        "verbose_name": "行政区划",
                        "verbose_name_plural": "行政区划",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewUnit",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=6, primary_key=True, serialize=False, verbose_name="代码"
                            ),
                        ),
                        ("name", models.CharField(max_length=32, verbose_name="名称")),
                        ("bureau_name", models.CharField(max_length=64, verbose_name="生态环境局名称")),
                        (
                            "is_fenwei_priority",
                            models.BooleanField(
                                default=False,
                                help_text="工作方案优先支持：西安、咸阳、渭南",
                                verbose_name="汾渭平原重点城市",
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "divisions",
                            models.ManyToManyField(
                                related_name="review_units",
                                to="organisations.division",
                                verbose_name="所辖县级单位",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pilots_reviewunit",
                        "verbose_name": "市级审核单位",
                        "verbose_name_plural": "市级审核单位",
                        "ordering": ["order", "code"],
                    },
                ),
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=128, unique=True, verbose_name="名称")),
                        ("short_name", models.CharField(blank=True, max_length=64, verbose_name="简称")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("county", "县（市、区）人民政府"),
                                    ("park", "开发区、园区管委会"),
                                    ("city_bureau", "市级生态环境局"),
                                    ("province_ecology", "省生态环境厅"),
                                    ("province_finance", "省财政厅"),
                                    ("province_drc", "省发展和改革委员会"),
                                    ("agency", "技术服务机构"),
                                    ("expert_home", "专家所在单位"),
                                ],
                                db_index=True,
                                max_length=32,
                                verbose_name="类型",
                            ),
                        ),
                        (
                            "park_level",
                            models.CharField(
                                blank=True,
                                choices=[("national", "国家级"), ("provincial", "省级"), ("other", "其他")],
                                max_length=16,
                                verbose_name="园区级别",
                            ),
                        ),
                        (
                            "park_kind",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("etdz", "经济技术开发区"),
                                    ("hitech", "高新技术产业开发区"),
                                    ("new_area", "国家级新区"),
                                    ("new_city", "新区组团（新城）"),
                                    ("bonded", "综合保税区"),
                                    ("industrial", "工业园区"),
                                    ("agri_hitech", "农业高新技术产业示范区"),
                                    ("other", "其他"),
                                ],
                                max_length=16,
                                verbose_name="园区类型",
                            ),
                        ),
                        (
                            "credit_code",
                            models.CharField(blank=True, max_length=18, verbose_name="统一社会信用代码"),
                        ),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="通讯地址")),
                        ("postcode", models.CharField(blank=True, max_length=6, verbose_name="邮编")),
                        (
                            "is_reference",
                            models.BooleanField(
                                default=False, help_text="随平台发布的国家级开发区等", verbose_name="参考数据"
                            ),
                        ),
                        (
                            "approved",
                            models.BooleanField(
                                default=True, help_text="自行注册的园区须经管理员审核", verbose_name="已审核"
                            ),
                        ),
                        (
                            "division",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="organisations",
                                to="organisations.division",
                                verbose_name="所在县级单位",
                            ),
                        ),
                        (
                            "host_divisions",
                            models.ManyToManyField(
                                blank=True,
                                related_name="hosted_parks",
                                to="organisations.division",
                                verbose_name="园区所涉县（市、区）",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                help_text="如西咸新区下属新城",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="organisations.organisation",
                                verbose_name="上级园区",
                            ),
                        ),
                        (
                            "review_unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="organisations",
                                to="organisations.reviewunit",
                                verbose_name="所属市级审核单位",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pilots_organisation",
                        "verbose_name": "组织",
                        "verbose_name_plural": "组织",
                        "ordering": ["kind", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("applicant", "申报单位"),
                                    ("agency", "技术服务机构"),
                                    ("city_officer", "市级生态环境局"),
                                    ("province_officer", "省生态环境厅"),
                                    ("finance_officer", "省财政厅"),
                                    ("drc_officer", "省发展改革委"),
                                    ("expert", "评审专家"),
                                ],
                                max_length=32,
                                verbose_name="角色",
                            ),
                        ),
                        ("title", models.CharField(blank=True, max_length=64, verbose_name="职务")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "pilots_membership",
                        "verbose_name": "角色任职",
                        "verbose_name_plural": "角色任职",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organisation", "role"), name="unique_membership"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
