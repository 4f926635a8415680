"""The emission factor sets move here from `reports` without copying a row.

The tables keep their names (`reports_emissionfactorset`, `reports_fuelfactor`, see the models'
`Meta.db_table`): this migration only tells Django's state that the models now belong to `carbon`. On a
fresh database `reports` 0002 creates the tables and 0003 seeds the two factor sets first; on a database
migrated before the move, the rows, ids and foreign keys pointing at them are untouched.
`reports` 0004 then removes the models from the state of `reports`, after `applications` 0006 has
re-pointed `Application.factor_set` here (state only as well).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reports", "0003_emission_factor_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='EmissionFactorSet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=128, unique=True, verbose_name='名称')),
                        ('vintage_year', models.PositiveSmallIntegerField(verbose_name='电力因子年份')),
                        ('source', models.TextField(help_text='发布机关、文号或公告', verbose_name='来源')),
                        ('published_on', models.DateField(blank=True, null=True, verbose_name='发布日期')),
                        ('grid_factor', models.DecimalField(decimal_places=4, help_text='默认陕西省省级电力排放因子', max_digits=7, verbose_name='电网排放因子（kgCO₂/kWh）')),
                        ('grid_scope', models.CharField(default='陕西省', max_length=32, verbose_name='电力因子范围')),
                        ('heat_factor', models.DecimalField(decimal_places=4, default=0.11, max_digits=6, verbose_name='热力排放因子（tCO₂/GJ）')),
                        ('electricity_coal_equivalent', models.DecimalField(decimal_places=4, default=0.1229, max_digits=6, verbose_name='电力折标系数（kgce/kWh，当量值）')),
                        ('deduct_green_power', models.BooleanField(default=False, help_text='是否允许以市场化方式扣除绿电/绿证电量', verbose_name='扣除绿电交易电量')),
                        ('is_default', models.BooleanField(default=False, verbose_name='默认因子集')),
                    ],
                    options={
                        'verbose_name': '排放因子集',
                        'verbose_name_plural': '排放因子集',
                        'ordering': ['-vintage_year', 'name'],
                        'db_table': 'reports_emissionfactorset',
                    },
                ),
                migrations.CreateModel(
                    name='FuelFactor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fuel', models.CharField(choices=[('raw_coal', '原煤'), ('washed_coal', '洗精煤'), ('coke', '焦炭'), ('crude_oil', '原油'), ('fuel_oil', '燃料油'), ('gasoline', '汽油'), ('diesel', '柴油'), ('kerosene', '煤油'), ('lpg', '液化石油气'), ('lng', '液化天然气'), ('natural_gas', '天然气'), ('coke_oven_gas', '焦炉煤气')], max_length=32, verbose_name='能源品种')),
                        ('unit', models.CharField(max_length=16, verbose_name='计量单位')),
                        ('net_calorific_value', models.DecimalField(decimal_places=3, max_digits=10, verbose_name='低位发热量（GJ/计量单位）')),
                        ('carbon_content', models.DecimalField(decimal_places=6, max_digits=10, verbose_name='单位热值含碳量（tC/GJ）')),
                        ('oxidation_rate', models.DecimalField(decimal_places=3, max_digits=5, verbose_name='碳氧化率')),
                        ('coal_equivalent', models.DecimalField(decimal_places=4, max_digits=10, verbose_name='折标准煤系数（tce/计量单位）')),
                        ('factor_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fuel_factors', to='carbon.emissionfactorset')),
                    ],
                    options={
                        'verbose_name': '燃料排放参数',
                        'verbose_name_plural': '燃料排放参数',
                        'ordering': ['factor_set', 'fuel'],
                        'db_table': 'reports_fuelfactor',
                        'constraints': [models.UniqueConstraint(fields=('factor_set', 'fuel'), name='one_factor_per_fuel')],
                    },
                ),
            ],
        ),
    ]
